import type { ClusterModel } from '@netpol/core';
import { type DataplanePlan, planDataplane } from './plan.js';
import { ELEMENT_MAPS, mapElements, type RenderOptions, renderRuleset } from './render.js';

export type UpdateMode = 'none' | 'elements' | 'full';

export interface PlannedUpdate {
  mode: UpdateMode;
  /** The nft script to run (empty for 'none'). */
  script: string;
  /** The plan the kernel holds once the script ran. */
  plan: DataplanePlan;
  /** Element deletions plus additions ('elements'), 0 otherwise. */
  changes: number;
}

/**
 * The cheapest correct change from the ruleset of `previous` to one enforcing `next`. When the
 * policies are unchanged, `next` is planned on `previous`'s classes (same ids); if everything
 * but the pod-keyed map elements renders the same (no new class chain, profile, ipBlock cut or
 * Service change), the update is a batch of element deletions and additions, one transaction.
 * Otherwise it is the full ruleset, planned afresh.
 */
export function planUpdate(previous: DataplanePlan, next: ClusterModel, options: RenderOptions): PlannedUpdate {
  const reused = planDataplane(next, previous);
  if (
    reused.policyKey === previous.policyKey &&
    renderRuleset(previous, options, false) === renderRuleset(reused, options, false)
  ) {
    const before = mapElements(previous, options.enforce);
    const after = mapElements(reused, options.enforce);
    const deletes: string[] = [];
    const adds: string[] = [];
    for (const name of ELEMENT_MAPS) {
      const del: string[] = [];
      const add: string[] = [];
      for (const [key, value] of before[name]) {
        const now = after[name].get(key);
        if (now === value) continue;
        del.push(key);
        if (now !== undefined) add.push(`${key} : ${now}`);
      }
      for (const [key, value] of after[name]) if (!before[name].has(key)) add.push(`${key} : ${value}`);
      if (del.length > 0) deletes.push(`delete element inet ${options.table} ${name} { ${del.join(', ')} }`);
      if (add.length > 0) adds.push(`add element inet ${options.table} ${name} { ${add.join(', ')} }`);
    }
    const changes = [...deletes, ...adds].reduce((n, line) => n + line.split(',').length, 0);
    if (deletes.length + adds.length === 0) return { mode: 'none', script: '', plan: reused, changes: 0 };
    return { mode: 'elements', script: `${[...deletes, ...adds].join('\n')}\n`, plan: reused, changes };
  }
  const fresh = planDataplane(next);
  return { mode: 'full', script: renderRuleset(fresh, options), plan: fresh, changes: 0 };
}
