import { formatPath, type Issue, positionOf, type SourceFile } from '@netpol/core';
import type { Colors } from './colors.js';
import { oneLine } from './terminal-text.js';

/** `file:line:col` of an issue, derived late from its range (STYLE.md). */
export function issueLocation(
  issue: Issue,
  sources: readonly SourceFile[],
): { file?: string; line?: number; col?: number } {
  if (!issue.file) return {};
  const source = sources.find((s) => s.name === issue.file);
  if (!source || !issue.range) return { file: issue.file };
  const { line, col } = positionOf(source, issue.range[0]);
  return { file: issue.file, line, col };
}

/**
 * `file:line:col: Kind ns/name: spec.ingress[0].ports[0].endPort: message` for an error;
 * warnings and notes carry a `warning:` / `note:` marker before the message.
 */
export function formatIssue(issue: Issue, sources: readonly SourceFile[], c?: Colors): string {
  const loc = issueLocation(issue, sources);
  const parts: string[] = [];
  // Names come from the input: a newline or escape in one must not start a line of its own.
  if (loc.file) parts.push(oneLine(loc.line ? `${loc.file}:${loc.line}:${loc.col}` : loc.file));
  if (issue.object) parts.push(oneLine(issue.object));
  const path = oneLine(formatPath(issue.path));
  if (path) parts.push(path);
  if (issue.severity === 'warning') parts.push(c?.yellow('warning') ?? 'warning');
  else if (issue.severity === 'info') parts.push(c?.dim('note') ?? 'note');
  const text = oneLine(issue.message);
  const message = issue.severity === 'error' && c ? c.red(text) : text;
  parts.push(message);
  return parts.join(': ');
}

/** An issue in `-o json` (SPEC). */
export interface IssueJson {
  code: string;
  severity: Issue['severity'];
  file: string | null;
  line: number | null;
  column: number | null;
  object: string | null;
  field: string;
  message: string;
}

/** The same as data, for `-o json`. */
export function issueToJson(issue: Issue, sources: readonly SourceFile[]): IssueJson {
  const loc = issueLocation(issue, sources);
  return {
    code: issue.code,
    severity: issue.severity,
    file: loc.file ?? null,
    line: loc.line ?? null,
    column: loc.col ?? null,
    object: issue.object ?? null,
    field: formatPath(issue.path),
    message: issue.message,
  };
}

/** More notes or warnings of one code and kind than this are summarized (`--verbose`: all). */
const SUMMARY_THRESHOLD = 3;

/**
 * Issues for stderr, in input order: every error, and notes and warnings summarized per
 * code and object kind once there are more than a few of them (the first one in full, then
 * one line with the count), so a cluster dump never buries its errors under hundreds of
 * identical lines.
 */
export function formatIssues(
  issues: readonly Issue[],
  sources: readonly SourceFile[],
  options: { verbose?: boolean; colors?: Colors } = {},
): string[] {
  const groupOf = (issue: Issue) => `${issue.severity} ${issue.code} ${issue.object?.split(' ')[0] ?? ''}`;
  const counts = new Map<string, number>();
  for (const issue of issues) {
    if (issue.severity !== 'error') counts.set(groupOf(issue), (counts.get(groupOf(issue)) ?? 0) + 1);
  }
  const lines: string[] = [];
  const shown = new Set<string>();
  for (const issue of issues) {
    const group = groupOf(issue);
    const count = counts.get(group) ?? 0;
    if (issue.severity === 'error' || options.verbose || count <= SUMMARY_THRESHOLD) {
      lines.push(formatIssue(issue, sources, options.colors));
      continue;
    }
    if (shown.has(group)) continue;
    shown.add(group);
    lines.push(formatIssue(issue, sources, options.colors));
    const kind = issue.object ? ` on ${issue.object.split(' ')[0]} objects` : '';
    const word = issue.severity === 'warning' ? 'warnings' : 'notes';
    lines.push(`... and ${count - 1} more ${issue.code} ${word}${kind} (--verbose lists them all)`);
  }
  return lines;
}
