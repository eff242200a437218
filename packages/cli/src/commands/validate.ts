import { first, hasErrors, loadCluster } from '@netpol/core';
import { type ColorMode, colorsFor } from '../colors.js';
import type { Io } from '../io.js';
import type { LiveOptions } from '../live/live-options.js';
import { formatIssue, issueToJson } from '../print-issues.js';
import { readSources } from '../read-sources.js';

export interface ValidateOptions {
  file: string[];
  recursive?: boolean;
  live?: LiveOptions;
  output: string;
  color?: ColorMode;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * `netpol validate`: check every object as the API server would on create. Exit 0 when
 * every object is valid (warnings and notes allowed), 2 when any error was found, with each
 * error printed as `file:line:col: Kind ns/name: field.path: reason`.
 */
export async function validateCommand(options: ValidateOptions, io: Io): Promise<number> {
  const sources = await readSources(options, io);
  // API-server exact: every validation error is an error here (analysis commands are lenient).
  const result = loadCluster(sources, { strict: true });
  // Like a compiler: file by file in input order, then in the order of the text (the core
  // reports each object's problems in the API server's order).
  const fileOrder = new Map(sources.map((source, i) => [source.name, i]));
  const issues = result.issues
    .map((issue, i) => ({ issue, i }))
    .sort(
      (a, b) =>
        (fileOrder.get(a.issue.file ?? '') ?? -1) - (fileOrder.get(b.issue.file ?? '') ?? -1) ||
        (a.issue.range?.[0] ?? -1) - (b.issue.range?.[0] ?? -1) ||
        a.i - b.i,
    )
    .map(({ issue }) => issue);
  const objects = result.value.objects.length;
  // Nothing at all to check (an empty file or stdin) is bad input, as `kubectl apply` says.
  if (objects === 0 && issues.length === 0) {
    issues.push({
      code: 'no-objects',
      severity: 'error',
      path: [],
      message: 'no Kubernetes objects in the input',
      file: sources.length === 1 ? first(sources).name : undefined,
    });
  }
  const valid = !hasErrors(issues);
  if (options.output === 'name') {
    // As kubectl's -o name: one resource/name a line, problems on stderr, the same exit code.
    const c = colorsFor(io.stderr, io, options.color);
    for (const issue of issues) io.stderr.write(`${formatIssue(issue, sources, c)}\n`);
    for (const object of result.value.objects)
      io.stdout.write(`${resourceName(object.kind, object.apiVersion, object.value)}\n`);
    return valid ? 0 : 2;
  }
  if (options.output === 'json') {
    const data = { valid, objects, issues: issues.map((i) => issueToJson(i, sources)) };
    io.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    return valid ? 0 : 2;
  }
  const c = colorsFor(io.stderr, io, options.color);
  for (const issue of issues) io.stderr.write(`${formatIssue(issue, sources, c)}\n`);
  const files = plural(sources.length, 'file');
  if (valid) {
    const warnings = issues.filter((i) => i.severity === 'warning').length;
    io.stdout.write(
      `${plural(objects, 'object')} valid in ${files}${warnings ? ` (${plural(warnings, 'warning')})` : ''}\n`,
    );
    return 0;
  }
  const errors = issues.filter((i) => i.severity === 'error').length;
  io.stderr.write(`${plural(errors, 'error')} in ${plural(objects, 'object')} (${files})\n`);
  return 2;
}

/** `networkpolicy.networking.k8s.io/deny-all`, `pod/web`, `deployment.apps/backend`: kubectl's -o name. */
function resourceName(kind: string, apiVersion: string, value: Record<string, unknown>): string {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  const metadata = value.metadata as { name?: unknown } | undefined;
  const name = typeof metadata?.name === 'string' ? metadata.name : '';
  return `${kind.toLowerCase()}${group ? `.${group}` : ''}/${name}`;
}
