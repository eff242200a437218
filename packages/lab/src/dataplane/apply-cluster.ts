import { randomBytes } from 'node:crypto';
import type { ClusterModel } from '@netpol/core';
import { appliedBase, forgetApplied, rememberApplied } from './applied-store.js';
import { type DataplaneOptions, renderOptions } from './compile-ruleset.js';
import { runNftScript } from './nft-run.js';
import { closeNftSession, runElementBatch, SESSION_BATCH_LIMIT } from './nft-session.js';
import { type DataplanePlan, planDataplane } from './plan.js';
import { renderRuleset } from './render.js';
import { planUpdate, type UpdateMode } from './update.js';

/** Applying rulesets to a node namespace: in full, or by elements from what was applied before. */

function newGeneration(): string {
  return randomBytes(7).toString('hex');
}

/**
 * Apply an nft script in `netns` in one atomic `nft -f -` run; on failure nothing changes.
 * A later `updateRuleset` for `netns` applies its full ruleset (it cannot know this one).
 */
export async function applyRuleset(netns: string, ruleset: string): Promise<void> {
  forgetApplied(netns);
  await runNftScript(netns, ruleset);
}

/**
 * Compile and apply the ruleset of `cluster` in `netns`, and remember it for `updateRuleset`:
 * in this process, and in `options.stateFile` when given (so a later process can update by
 * elements too).
 */
export async function applyCluster(netns: string, cluster: ClusterModel, options: DataplaneOptions): Promise<void> {
  await applyPlan(netns, cluster, planDataplane(cluster), options);
}

async function applyPlan(netns: string, cluster: ClusterModel, plan: DataplanePlan, options: DataplaneOptions) {
  const generation = newGeneration();
  const render = { ...renderOptions(options), generation };
  forgetApplied(netns, options.stateFile);
  await runNftScript(netns, renderRuleset(plan, render));
  rememberApplied(
    netns,
    { cluster, plan, enforce: render.enforce, table: render.table, generation },
    options.stateFile,
  );
}

export interface UpdateResult {
  mode: UpdateMode;
  /** Commands in the element batch for mode 'elements', 0 otherwise. */
  changes: number;
  /** Time spent planning the update and running nft (ms), for timing logs. */
  planMs?: number;
  nftMs?: number;
}

/**
 * Move `netns` from the ruleset of `previous` to that of `next` by the cheapest correct path:
 * nothing, one transaction of element (and a few chain) commands, or the full ruleset.
 * `previous` must be the cluster last given to `applyCluster`/`updateRuleset` for `netns`,
 * in this process or (with the same `options.stateFile`) in an earlier one. Every element
 * batch first swaps the kernel's `generation` element, so if the kernel does not hold the
 * ruleset the base says, the batch fails as a whole and the full ruleset is applied instead.
 * Without a known base (e.g. after `applyRuleset`), the full ruleset is applied.
 */
export async function updateRuleset(
  netns: string,
  previous: ClusterModel,
  next: ClusterModel,
  options: DataplaneOptions,
): Promise<UpdateResult> {
  const render = renderOptions(options);
  const started = performance.now();
  const base = appliedBase(netns, previous, render, options.stateFile);
  if (!base) {
    await applyCluster(netns, next, options);
    return { mode: 'full', changes: 0 };
  }
  const update = planUpdate(base.plan, next, render);
  const planned = performance.now();
  if (update.mode === 'full') {
    await applyPlan(netns, next, update.plan, options);
    return { mode: 'full', changes: 0 };
  }
  if (update.mode === 'none') {
    rememberApplied(
      netns,
      { cluster: next, plan: update.plan, ...render, generation: base.generation },
      options.stateFile,
    );
    return { mode: 'none', changes: 0 };
  }
  const generation = newGeneration();
  forgetApplied(netns, options.stateFile);
  try {
    if (update.script.length <= SESSION_BATCH_LIMIT) {
      await runElementBatch(netns, render.table, update.commands, base.generation, generation);
    } else {
      const set = `inet ${render.table} generation`;
      const swap = `delete element ${set} { "${base.generation}" }\nadd element ${set} { "${generation}" }\n`;
      await runNftScript(netns, `${swap}${update.script}`);
    }
  } catch {
    // The batch changed nothing (a wrong base, or a failure): put `next` in place in full.
    await applyCluster(netns, next, options);
    return { mode: 'full', changes: 0 };
  }
  const done = performance.now();
  rememberApplied(netns, { cluster: next, plan: update.plan, ...render, generation }, options.stateFile);
  return { mode: 'elements', changes: update.changes, planMs: planned - started, nftMs: done - planned };
}

/** Forget what was applied to `netns` (call when the namespace is removed). */
export function forgetRuleset(netns: string): void {
  forgetApplied(netns);
  void closeNftSession(netns);
}
