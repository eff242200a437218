import type { IssueCode } from './issue-codes.js';

/**
 * One issue type for load, validate and lint (STYLE.md "Positions and issues").
 * Producers push issues and keep going; nothing here throws on user input.
 */

export type Severity = 'error' | 'warning' | 'info';

/** A field path as the API server prints it: `spec.ingress[0].ports[0].endPort`. */
export type FieldPath = readonly (string | number)[];

/** Byte offsets [start, end) into the source text of `file`. */
export type Range = readonly [number, number];

export interface Issue {
  /** Stable machine-readable code, e.g. `syntax`, `field-required`, or a lint rule id. */
  code: IssueCode;
  severity: Severity;
  /** Field path inside the object (empty for file-level problems). */
  path: FieldPath;
  message: string;
  /** Source file name as the user gave it (`-` for stdin). */
  file?: string;
  range?: Range;
  /** `Kind ns/name` (or `Kind name` when cluster-scoped) of the object the issue is about. */
  object?: string;
  /**
   * Where to point in the source when that is more precise than `path` (upstream reports a
   * bad label at `metadata.labels`; the range goes to the label's own key).
   */
  at?: FieldPath;
}

/** What every reported problem carries: a stable code to branch on, and a sentence for people. */
export interface Problem {
  readonly code: string;
  readonly message: string;
}

/**
 * What a core operation returns: its value, or the problem that stopped it (STYLE.md: errors
 * are data, never thrown on user input). `issues` is what was noticed on the way (for a
 * failure, every problem, `error` among them).
 */
export type Outcome<T, E extends Problem = Issue> =
  | { readonly ok: true; readonly value: T; readonly issues?: readonly E[] }
  | { readonly ok: false; readonly error: E; readonly issues?: readonly E[] };

/**
 * The Outcome of an operation that collects issues and keeps going (load, validate): the
 * issues are always listed and a value is always made, partial on failure (`loadCluster`
 * still builds a model from the usable objects, so a command can say more before it stops).
 */
export type Collected<T, E extends Problem = Issue> = Outcome<T, E> & {
  readonly value: T;
  readonly issues: readonly E[];
};

/** `issues` as a Collected outcome: a failure when any is an error, the first error its `error`. */
export function collected<T>(value: T, issues: readonly Issue[]): Collected<T> {
  const error = issues.find((issue) => issue.severity === 'error');
  return error === undefined ? { ok: true, value, issues } : { ok: false, error, value, issues };
}

export function formatPath(path: FieldPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

/** Prefix a child's issues with the parent's path (children validate into their own list). */
export function prefixIssues(prefix: FieldPath, issues: Issue[]): Issue[] {
  return issues.map((issue) => ({ ...issue, path: [...prefix, ...issue.path] }));
}

export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((issue) => issue.severity === 'error');
}
