import type { IssueView } from '../protocol.js';

/** A row of the Problems list: its finding, its React key, and whether it is hidden. */
export interface ProblemRow {
  issue: IssueView;
  key: string;
  hidden: boolean;
}

/**
 * The Problems list's rows: `shown` (validation issues, then lint findings of this summary),
 * the first `limit` of them, and while lint runs the last lint findings (`stale`) hidden, not
 * removed. Lint answers a second after each edit: removing its rows when an edit made them
 * stale and making them again when lint answered was ~3,400 DOM nodes a time on the 10k-pod
 * cluster, garbage until the page's next full collection. A finding's key is what it says, not
 * where (an edit above it moves it), so the rows of findings that stay are the same elements,
 * hidden and shown again.
 */
export function problemRows(shown: readonly IssueView[], stale: readonly IssueView[], limit: number): ProblemRow[] {
  const seen = new Map<string, number>();
  const keyOf = (issue: IssueView) => {
    const base = `${issue.source}|${issue.code}|${issue.path}|${issue.message}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}|${n}`;
  };
  const visible = shown.slice(0, limit).map((issue) => ({ issue, key: keyOf(issue), hidden: false }));
  const hidden = stale
    .slice(0, Math.max(0, limit - visible.length))
    .map((issue) => ({ issue, key: keyOf(issue), hidden: true }));
  return [...visible, ...hidden];
}
