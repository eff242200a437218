import type { ClusterModel } from '@netpol/core';
import { type DataplanePlan, planDataplane } from './plan.js';
import { PORT_SET_TYPE, quote, type RenderOptions, renderRuleset, rulesetParts } from './render.js';

export type UpdateMode = 'none' | 'elements' | 'full';

export interface PlannedUpdate {
  mode: UpdateMode;
  /** The nft script to run (empty for 'none'). */
  script: string;
  /** The plan the kernel holds once the script ran. */
  plan: DataplanePlan;
  /** Element, chain and set commands in the script ('elements' mode), 0 otherwise. */
  changes: number;
}

/**
 * The cheapest correct change from the ruleset of `previous` to one enforcing `next`. When the
 * policies are unchanged, `next` is planned on `previous`'s classes (same ids); if the skeleton
 * (everything but pod-keyed elements, Service chains and port profiles) renders the same, the
 * update is one transaction of element deletions and additions, new or rewritten Service
 * chains and new port profiles. Otherwise it is the full ruleset, planned afresh.
 */
export function planUpdate(previous: DataplanePlan, next: ClusterModel, options: RenderOptions): PlannedUpdate {
  const reused = planDataplane(next, previous);
  if (
    reused.policyKey === previous.policyKey &&
    renderRuleset(previous, options, true) === renderRuleset(reused, options, true)
  ) {
    const script = diffScript(previous, reused, options);
    if (script !== undefined) {
      if (script.length === 0) return { mode: 'none', script: '', plan: reused, changes: 0 };
      return { mode: 'elements', script: `${script.join('\n')}\n`, plan: reused, changes: script.length };
    }
  }
  const fresh = planDataplane(next);
  return { mode: 'full', script: renderRuleset(fresh, options), plan: fresh, changes: 0 };
}

/** nft commands from one plan's parts to the other's, or undefined when they cannot say it. */
function diffScript(previous: DataplanePlan, next: DataplanePlan, options: RenderOptions): string[] | undefined {
  const t = `inet ${options.table}`;
  const before = rulesetParts(previous, options);
  const after = rulesetParts(next, options);
  const out: string[] = [];
  // Port profiles are only ever added while the policies stay (their ids are reused).
  for (const name of before.portSets.keys()) if (!after.portSets.has(name)) return undefined;
  for (const [name, entries] of after.portSets) {
    const old = before.portSets.get(name);
    if (old === undefined) out.push(`add set ${t} ${name} { ${PORT_SET_TYPE} elements = { ${entries.join(', ')} }; }`);
    else if (old.join() !== entries.join()) return undefined;
  }
  // Chains first (new elements jump to them), removed ones last (once nothing jumps there).
  for (const [name, chain] of after.chains) {
    const old = before.chains.get(name);
    if (old && old.rules.join('\n') === chain.rules.join('\n') && old.comment === chain.comment) continue;
    if (old) out.push(`flush chain ${t} ${name}`);
    else
      out.push(`add chain ${t} ${name}${chain.comment !== undefined ? ` { comment ${quote(chain.comment)}; }` : ''}`);
    for (const rule of chain.rules) out.push(`add rule ${t} ${name} ${rule}`);
  }
  const deletes: string[] = [];
  const adds: string[] = [];
  for (const [name, was] of before.elements) {
    const now = after.elements.get(name) ?? new Map<string, string>();
    const del: string[] = [];
    const add: string[] = [];
    for (const [key, value] of was) {
      const v = now.get(key);
      if (v === value) continue;
      del.push(key);
      if (v !== undefined) add.push(v === '' ? key : `${key} : ${v}`);
    }
    for (const [key, value] of now) if (!was.has(key)) add.push(value === '' ? key : `${key} : ${value}`);
    if (del.length > 0) deletes.push(`delete element ${t} ${name} { ${del.join(', ')} }`);
    if (add.length > 0) adds.push(`add element ${t} ${name} { ${add.join(', ')} }`);
  }
  out.push(...deletes, ...adds);
  for (const name of before.chains.keys()) if (!after.chains.has(name)) out.push(`delete chain ${t} ${name}`);
  return out;
}
