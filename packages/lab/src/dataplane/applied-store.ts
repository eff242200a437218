import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ClusterModel } from '@netpol/core';
import {
  type ClassState,
  classSourceOf,
  classStateOf,
  type DataplanePlan,
  planDataplane,
  policyKeyOf,
} from './plan.js';
import type { RenderOptions } from './render.js';

/**
 * What was last applied to each node namespace: the base an element update starts from.
 * Kept in this process (`applied`) and, when the caller names a state file, on disk, so a
 * later process (the next `lab apply`) can update by elements as well.
 */

/** The applied ruleset of one namespace, with the generation stored in the kernel's `generation` set. */
export interface Applied {
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

/** What is applied to `netns` is no longer known (about to change, or gone). */
export function forgetApplied(netns: string, stateFile?: string): void {
  applied.delete(netns);
  if (stateFile) rmSync(stateFile, { force: true });
}

export function rememberApplied(netns: string, state: Applied, stateFile?: string): void {
  applied.set(netns, state);
  if (!stateFile) return;
  const file: StateFile = {
    version: 1,
    netns,
    enforce: state.enforce,
    table: state.table,
    generation: state.generation,
    classes: classStateOf(state.plan),
  };
  mkdirSync(dirname(stateFile), { recursive: true, mode: 0o700 });
  const temporary = `${stateFile}.${process.pid}.tmp`;
  // Root only, as everything in the lab's directory.
  writeFileSync(temporary, JSON.stringify(file), { mode: 0o600 });
  renameSync(temporary, stateFile);
}

/** The base to update from: this process's memory, else the state file; undefined: unknown. */
export function appliedBase(
  netns: string,
  previous: ClusterModel,
  render: RenderOptions,
  stateFile?: string,
): { plan: DataplanePlan; generation: string } | undefined {
  const known = applied.get(netns);
  if (known) {
    const same = known.cluster === previous && known.enforce === render.enforce && known.table === render.table;
    return same ? { plan: known.plan, generation: known.generation } : undefined;
  }
  if (!stateFile || !existsSync(stateFile)) return undefined;
  try {
    const file = JSON.parse(readFileSync(stateFile, 'utf8')) as StateFile;
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
