import { isAbsolute, relative, sep } from 'node:path';
import { at, type Issue, positionOf, type Severity, type SourceFile } from '@netpol/core';
import { LINT_RULES } from '@netpol/core/lint';
import { VERSION } from '../version.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * SARIF 2.1.0 for code-scanning UIs (GitHub, GitLab, VS Code): one run, every rule in
 * tool.driver.rules with its help, each result at the YAML line of the offending field
 * (artifactLocation.uri relative to the working directory, region start/end line and column).
 */
export function toSarif(findings: readonly Issue[], sources: readonly SourceFile[], cwd: string) {
  // Input problems (syntax, validation) are results too, each under a rule named by its code.
  const inputCodes: string[] = [
    ...new Set(findings.map((f) => f.code).filter((code) => !LINT_RULES.some((r) => r.id === code))),
  ];
  const rules = [
    ...LINT_RULES.map((rule) => ({
      id: rule.id as string,
      name: camel(rule.id),
      shortDescription: { text: rule.summary },
      fullDescription: { text: rule.summary },
      help: { text: rule.help, markdown: rule.help },
      defaultConfiguration: { level: LEVEL[rule.severity] },
      properties: { tags: ['kubernetes', 'networkpolicy'] },
    })),
    ...inputCodes.map((code) => ({
      id: code,
      name: camel(code),
      shortDescription: { text: `input: ${code}` },
      fullDescription: { text: `The input could not be read or validated (${code}); netpol validate shows the same.` },
      help: { text: 'Fix the input; netpol validate -f PATH lists every problem.' },
      defaultConfiguration: { level: 'error' as const },
      properties: { tags: ['kubernetes', 'input'] },
    })),
  ];
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'netpol',
            version: VERSION,
            rules,
          },
        },
        // Columns are offsets in the JS string (positionOf), i.e. UTF-16 code units.
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => {
          const source = sources.find((s) => s.name === f.file);
          const region =
            source && f.range
              ? (() => {
                  const start = positionOf(source, f.range[0]);
                  const end = positionOf(source, Math.max(f.range[0], f.range[1]));
                  return { startLine: start.line, startColumn: start.col, endLine: end.line, endColumn: end.col };
                })()
              : undefined;
          return {
            ruleId: f.code as string,
            ruleIndex: ruleIndex.get(f.code) ?? -1,
            level: LEVEL[f.severity],
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: artifactUri(f.file ?? '-', cwd) },
                  ...(region ? { region } : {}),
                },
                ...(f.object ? { logicalLocations: [{ fullyQualifiedName: f.object, kind: 'object' }] } : {}),
              },
            ],
          };
        }),
      },
    ],
  };
}

/**
 * A file as the user named it → a SARIF uri: relative to cwd with `/`, `git:REV:PATH` → PATH.
 * Each segment is percent-encoded (`#` and `?` too: in a URI they would start a fragment or
 * a query and cut the path).
 */
export function artifactUri(name: string, cwd: string): string {
  if (name === '-') return 'stdin';
  let path = name;
  const git = /^git:[^:]*:(.*)$/.exec(name);
  if (git) path = at(git, 1);
  else if (isAbsolute(path)) {
    const rel = relative(cwd, path);
    if (rel.startsWith('..') || isAbsolute(rel)) return `file://${encodeSegments(path.split(sep).join('/'))}`;
    path = rel;
  }
  return encodeSegments(path.split(sep).join('/').replace(/^\.\//, ''));
}

function encodeSegments(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function camel(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}
