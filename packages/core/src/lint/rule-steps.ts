import type { LintRule } from './types.js';

/**
 * Rules that take long on a large cluster run in steps (`LintRule.steps`): lintRuleByRule
 * yields between them, so an edit in the web worker waits for one step, not the whole rule.
 * A rule counts its work in rough units (a verdict asked, a peer or a few endpoints looked
 * at: ~10 µs each on the 10k-pod generated cluster) and yields once a step has done
 * `ctx.stepWork` of them (LintOptions.stepWork; STEP_WORK by default).
 */
export const STEP_WORK = 1_000;

/** check() of a rule written as steps: every step at once (the same reports in the same order). */
export function allSteps(steps: NonNullable<LintRule['steps']>): LintRule['check'] {
  return (ctx, report) => {
    const run = steps(ctx, report);
    while (!run.next().done) {
      // to the end
    }
  };
}

/**
 * A step's work so far: a rule `add`s units as it works and asks `full()` where it may stop
 * (between subjects, policies, peers): true once the step has done `ctx.stepWork` units; the
 * rule then yields, and the next step counts from zero.
 */
export class StepWork {
  private used = 0;
  constructor(private readonly limit: number) {}

  add(units: number): void {
    this.used += units;
  }

  full(): boolean {
    if (this.used < this.limit) return false;
    this.used = 0;
    return true;
  }
}
