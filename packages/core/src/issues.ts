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
  /** Stable machine-readable code, e.g. `yaml-syntax`, `field-required`, or a lint rule id. */
  code: string;
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

export interface Result<T> {
  ok: boolean;
  value: T;
  issues: Issue[];
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
