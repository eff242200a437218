import type { IssueView } from '../protocol.js';

/**
 * The marks (CodeMirror diagnostics) the editor shows: the validation issues and lint findings
 * of one summary. CodeMirror maps shown marks through each edit, so they stay on their text.
 */
export interface MarksShown {
  validation: readonly IssueView[];
  /** The lint findings shown with them (undefined: none, lint was not in yet). */
  lint: readonly IssueView[] | undefined;
}

/**
 * The marks to set for a new summary, or undefined to keep the ones shown. An edit's summary
 * comes before its lint (a second later on a large cluster, then seconds of lint): setting its
 * validation issues alone took away every finding's mark (800 on a 10k-pod file, with the
 * gutter's) at each keystroke and put them all back when lint answered. So while the new lint
 * is not in, the shown marks stay (mapped through the edit by CodeMirror), as long as the
 * validation issues are the very ones shown (same positions, so the edit did not move them);
 * otherwise the validation issues alone are set, as before.
 */
export function marksToSet(
  shown: MarksShown | undefined,
  validation: readonly IssueView[],
  lint: readonly IssueView[] | undefined,
): MarksShown | undefined {
  const same = shown !== undefined && sameIssues(shown.validation, validation);
  if (lint !== undefined) return same && shown.lint === lint ? undefined : { validation, lint };
  return same ? undefined : { validation, lint: undefined };
}

function sameIssues(a: readonly IssueView[], b: readonly IssueView[]): boolean {
  return (
    a === b ||
    (a.length === b.length &&
      a.every((x, i) => {
        const y = b[i] as IssueView;
        return (
          x.from === y.from &&
          x.to === y.to &&
          x.code === y.code &&
          x.severity === y.severity &&
          x.path === y.path &&
          x.message === y.message
        );
      }))
  );
}
