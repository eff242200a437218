import { formatPath, type Issue, type SourceFile } from '@netpol/core';
import { LINT_RULES, runLint, SEVERITY_RANK } from '@netpol/core/lint';
import { type ColorMode, colorsFor } from '../colors.js';
import { analysisFrom } from '../command-spec.js';
import { type Io, UsageError } from '../io.js';
import type { LiveOptions } from '../live/live-options.js';
import { type AnalysisOptions, loadInput } from '../load-input.js';
import { formatIssue, issueLocation } from '../print-issues.js';
import { suggest } from '../suggest.js';
import { toSarif } from './lint-sarif.js';

export interface LintCommandOptions extends AnalysisOptions {
  file: string[];
  recursive?: boolean;
  live?: LiveOptions;
  output: string;
  failOn: 'error' | 'warning';
  disable?: string[];
  listRules?: boolean;
  color?: ColorMode;
}

/**
 * `netpol lint`: findings on stdout (text, JSON or SARIF). Exit 1 when a finding is at or
 * above `--fail-on` (default warning: the seeds' traps are warnings), 0 otherwise, 2 on bad
 * input or usage.
 */
export async function lintCommand(options: LintCommandOptions, io: Io): Promise<number> {
  if (options.listRules) {
    // Columns as wide as the longest id and severity, plus two spaces.
    const idWidth = Math.max(...LINT_RULES.map((r) => r.id.length)) + 2;
    for (const rule of LINT_RULES)
      io.stdout.write(`${rule.id.padEnd(idWidth)}${rule.severity.padEnd(9)}${rule.summary}\n`);
    return 0;
  }
  const ids: readonly string[] = LINT_RULES.map((r) => r.id);
  for (const id of options.disable ?? []) {
    if (!ids.includes(id)) {
      const near = ids.find((r) => r.startsWith(id)) ?? suggest(id, ids);
      throw new UsageError(
        `--disable ${id}: no such rule${near ? ` (did you mean ${near}?)` : ''}`,
        'netpol lint --list-rules prints the rule ids',
      );
    }
  }
  // Code scanning uploads whatever -o sarif wrote: invalid input is written as results too
  // (a 0-byte file breaks the upload and hides why), and the exit code stays 2.
  const writeSarif = (issues: readonly Issue[], sources: readonly SourceFile[]) =>
    io.stdout.write(`${JSON.stringify(toSarif(issues, sources, io.cwd), null, 2)}\n`);
  const { cluster, objects, sources } = await loadInput(
    { ...analysisFrom(options), file: options.file, recursive: options.recursive, live: options.live },
    io,
    {},
    options.output === 'sarif'
      ? (issues, s) =>
          writeSarif(
            issues.filter((i) => i.severity === 'error'),
            s,
          )
      : undefined,
  );
  const findings = runLint({ cluster, objects }, { disable: options.disable });
  if (options.output === 'json') {
    io.stdout.write(`${JSON.stringify({ findings: findings.map((f) => findingToJson(f, sources)) }, null, 2)}\n`);
  } else if (options.output === 'sarif') {
    writeSarif(findings, sources);
  } else {
    printText(findings, sources, io, objects.length, options.color ?? 'auto');
  }
  const threshold = SEVERITY_RANK[options.failOn];
  return findings.some((f) => SEVERITY_RANK[f.severity] >= threshold) ? 1 : 0;
}

/** A finding in `lint -o json`. */
export interface FindingJson {
  rule: string;
  severity: Issue['severity'];
  object: string | null;
  file: string | null;
  line: number | null;
  message: string;
  column: number | null;
  path: string;
}

/** `lint -o json`: rule, severity, object, file, line, message (SPEC), plus column and path. */
export function findingToJson(finding: Issue, sources: readonly SourceFile[]): FindingJson {
  const loc = issueLocation(finding, sources);
  return {
    rule: finding.code,
    severity: finding.severity,
    object: finding.object ?? null,
    file: loc.file ?? null,
    line: loc.line ?? null,
    message: finding.message,
    column: loc.col ?? null,
    path: formatPath(finding.path),
  };
}

function printText(findings: Issue[], sources: readonly SourceFile[], io: Io, objects: number, mode: ColorMode) {
  const c = colorsFor(io.stdout, io, mode);
  // On a terminal a finding is wrapped to its width, the fix (after "; ") on lines of its
  // own, indented; piped, it stays one line for grep.
  const width = io.stdout.isTTY ? Math.max(60, io.stdout.columns ?? 100) : undefined;
  for (const f of findings) {
    const line = `${formatIssue(f, sources, c)} ${c.dim(`[${f.code}]`)}`;
    io.stdout.write(`${width ? wrapFinding(line, width) : line}\n`);
  }
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  if (findings.length === 0) {
    io.stdout.write(`no findings in ${objects} object${objects === 1 ? '' : 's'}\n`);
    return;
  }
  const parts = (
    [
      [count('error'), 'error'],
      [count('warning'), 'warning'],
      [count('info'), 'note'],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, word]) => `${n} ${word}${n === 1 ? '' : 's'}`);
  io.stdout.write(`${parts.join(', ')}\n`);
}

const SGR = /\u001b\[[0-9;]*m/g;

/** `line` in lines of at most `width` visible characters; the text after its first "; " starts a new one. */
export function wrapFinding(line: string, width: number, indent = '    '): string {
  const cut = line.indexOf('; ');
  const parts = cut < 0 ? [line] : [line.slice(0, cut + 1), line.slice(cut + 2)];
  return parts.flatMap((part, i) => wrapWords(part, width, i === 0 ? '' : indent, indent)).join('\n');
}

function wrapWords(text: string, width: number, first: string, rest: string): string[] {
  const lines: string[] = [];
  let current = first;
  let visible = first.length;
  let empty = true;
  for (const word of text.split(' ')) {
    const length = word.replace(SGR, '').length;
    if (!empty && visible + 1 + length > width) {
      lines.push(current);
      current = rest;
      visible = rest.length;
      empty = true;
    }
    current += `${empty ? '' : ' '}${word}`;
    visible += (empty ? 0 : 1) + length;
    empty = false;
  }
  lines.push(current);
  return lines;
}
