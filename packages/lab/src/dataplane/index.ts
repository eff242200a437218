import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ClusterModel } from '@netpol/core';
import { runNftScript } from './nft-run.js';
import { closeNftSession, runElementBatch, SESSION_BATCH_LIMIT } from './nft-session.js';
import {
  type ClassState,
  classSourceOf,
  classStateOf,
  type DataplanePlan,
  planDataplane,
  policyKeyOf,
} from './plan.js';
import { type RenderOptions, renderRuleset } from './render.js';
import { planUpdate, type UpdateMode } from './update.js';

export { NftError } from './nft-run.js';
export type { ClassState, DataplanePlan, PeerClass, PortRange, SubjectClass } from './plan.js';
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
  /**
   * Where `applyCluster`/`updateRuleset` keep the class ids of what they applied (JSON), so a
   * later process can update by elements as well. Without it, only this process can.
   */
  stateFile?: string;
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

/**
 * What this process last applied to each namespace (the base for element updates), with the
 * generation stored in the kernel's `generation` set.
 */
interface Applied {
  cluster: ClusterModel;
  plan: DataplanePlan;
  enforce: boolean;
  table: string;
  generation: string;
}
const applied = new Map<string, Applied>();

/** The file form of `Applied` (without the cluster: the caller passes `previous`). */
interface StateFile {
  version: 1;
  netns: string;
  enforce: boolean;
  table: string;
  generation: string;
  classes: ClassState;
}

function newGeneration(): string {
  return randomBytes(7).toString('hex');
}

/**
 * Apply an nft script in `netns` in one atomic `nft -f -` run; on failure nothing changes.
 * A later `updateRuleset` for `netns` applies its full ruleset (it cannot know this one).
 */
export async function applyRuleset(netns: string, ruleset: string): Promise<void> {
  applied.delete(netns);
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
  applied.delete(netns);
  if (options.stateFile) rmSync(options.stateFile, { force: true });
  await runNftScript(netns, renderRuleset(plan, render));
  remember(netns, { cluster, plan, enforce: render.enforce, table: render.table, generation }, options);
}

function remember(netns: string, state: Applied, options: DataplaneOptions): void {
  applied.set(netns, state);
  if (!options.stateFile) return;
  const file: StateFile = {
    version: 1,
    netns,
    enforce: state.enforce,
    table: state.table,
    generation: state.generation,
    classes: classStateOf(state.plan),
  };
  mkdirSync(dirname(options.stateFile), { recursive: true });
  const temporary = `${options.stateFile}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(file));
  renameSync(temporary, options.stateFile);
}

/** The base to update from: this process's memory, else the state file; undefined: unknown. */
function baseFor(netns: string, previous: ClusterModel, render: RenderOptions, options: DataplaneOptions) {
  const known = applied.get(netns);
  if (known) {
    const same = known.cluster === previous && known.enforce === render.enforce && known.table === render.table;
    return same ? { plan: known.plan, generation: known.generation } : undefined;
  }
  if (!options.stateFile || !existsSync(options.stateFile)) return undefined;
  try {
    const file = JSON.parse(readFileSync(options.stateFile, 'utf8')) as StateFile;
    if (file.version !== 1 || file.netns !== netns || file.enforce !== render.enforce || file.table !== render.table) {
      return undefined;
    }
    // The classes were made for these policies: replanning `previous` on them rebuilds the
    // applied plan exactly; if `previous` is not what was applied, the generation swap of
    // the update still refuses a base the kernel does not hold.
    if (file.classes.policyKey !== policyKeyOf(previous)) return undefined;
    return { plan: planDataplane(previous, classSourceOf(file.classes)), generation: file.generation };
  } catch {
    return undefined;
  }
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
  const base = baseFor(netns, previous, render, options);
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
    remember(netns, { cluster: next, plan: update.plan, ...render, generation: base.generation }, options);
    return { mode: 'none', changes: 0 };
  }
  const generation = newGeneration();
  applied.delete(netns);
  if (options.stateFile) rmSync(options.stateFile, { force: true });
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
  remember(netns, { cluster: next, plan: update.plan, ...render, generation }, options);
  return { mode: 'elements', changes: update.changes, planMs: planned - started, nftMs: done - planned };
}

/** Forget what was applied to `netns` (call when the namespace is removed). */
export function forgetRuleset(netns: string): void {
  applied.delete(netns);
  void closeNftSession(netns);
}
