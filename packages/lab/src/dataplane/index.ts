import type { ClusterModel } from '@netpol/core';
import { runNftScript } from './nft-run.js';
import { type DataplanePlan, planDataplane } from './plan.js';
import { type RenderOptions, renderRuleset } from './render.js';
import { planUpdate, type UpdateMode } from './update.js';

export { NftError } from './nft-run.js';
export type { DataplanePlan, PeerClass, PortRange, SubjectClass } from './plan.js';
export { planDataplane } from './plan.js';

export type { ServicePlan } from './services.js';
export { planServices } from './services.js';
export type { PlannedUpdate, UpdateMode } from './update.js';
export { planUpdate } from './update.js';

export interface DataplaneOptions {
  /** False: Service NAT only, no filtering (a CNI that ignores NetworkPolicy). */
  enforce: boolean;
  /** nftables table name in family inet; default `netpol`. */
  table?: string;
}

export const DEFAULT_TABLE = 'netpol';

function renderOptions(options: DataplaneOptions): RenderOptions {
  const table = options.table ?? DEFAULT_TABLE;
  if (!/^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(table)) throw new Error(`invalid nftables table name: ${table}`);
  return { enforce: options.enforce, table };
}

/**
 * The whole lab node ruleset for a cluster, as one nft script (pure). It deletes and recreates
 * table `inet netpol`, so `nft -f` applies it atomically. Keyed by address only: applied before
 * pods have links, it isolates each pod from its first packet.
 */
export function compileRuleset(cluster: ClusterModel, options: DataplaneOptions): string {
  return renderRuleset(planDataplane(cluster), renderOptions(options));
}

/** What each namespace was last given through this module (the base for element updates). */
const applied = new Map<string, { cluster: ClusterModel; plan: DataplanePlan; enforce: boolean; table: string }>();

/** Namespaces whose ruleset this module cannot vouch for (a failed apply): next update is full. */
const unknown = new Set<string>();

/**
 * Apply an nft script in `netns` in one atomic `nft -f -` run; on failure nothing changes. A
 * later `updateRuleset` assumes the script was `compileRuleset` of the cluster it is given.
 */
export async function applyRuleset(netns: string, ruleset: string): Promise<void> {
  applied.delete(netns);
  unknown.add(netns);
  await runNftScript(netns, ruleset);
  unknown.delete(netns);
}

/** Compile and apply the ruleset of `cluster` in `netns`, remembered for `updateRuleset`. */
export async function applyCluster(netns: string, cluster: ClusterModel, options: DataplaneOptions): Promise<void> {
  const render = renderOptions(options);
  const plan = planDataplane(cluster);
  applied.delete(netns);
  unknown.add(netns);
  await runNftScript(netns, renderRuleset(plan, render));
  unknown.delete(netns);
  applied.set(netns, { cluster, plan, ...render });
}

export interface UpdateResult {
  mode: UpdateMode;
  /** Element deletions plus additions for mode 'elements'. */
  changes: number;
}

/**
 * Move `netns` from the ruleset of `previous` to that of `next` by the cheapest correct path:
 * nothing, a batch of map element changes (a pod changing labels into an existing class), or
 * the full ruleset. `previous` must be what `netns` holds: the cluster last given to
 * `applyCluster`/`updateRuleset` for it, or one whose `compileRuleset` text was applied.
 * When this module remembers a different cluster for `netns`, it applies the full ruleset.
 */
export async function updateRuleset(
  netns: string,
  previous: ClusterModel,
  next: ClusterModel,
  options: DataplaneOptions,
): Promise<UpdateResult> {
  const render = renderOptions(options);
  const known = applied.get(netns);
  const trusted =
    known && known.cluster === previous && known.enforce === render.enforce && known.table === render.table;
  if ((known && !trusted) || unknown.has(netns)) {
    await applyCluster(netns, next, options);
    return { mode: 'full', changes: 0 };
  }
  const base = known?.plan ?? planDataplane(previous);
  const update = planUpdate(base, next, render);
  applied.delete(netns);
  if (update.mode === 'elements') {
    try {
      await runNftScript(netns, update.script);
    } catch {
      // The batch changed nothing; the whole ruleset puts `next` in place whatever was there.
      await applyCluster(netns, next, options);
      return { mode: 'full', changes: 0 };
    }
  } else if (update.mode === 'full') {
    unknown.add(netns);
    await runNftScript(netns, update.script);
    unknown.delete(netns);
  }
  applied.set(netns, { cluster: next, plan: update.plan, ...render });
  return { mode: update.mode, changes: update.changes };
}

/** Forget what was applied to `netns` (call when the namespace is removed). */
export function forgetRuleset(netns: string): void {
  applied.delete(netns);
  unknown.delete(netns);
}
