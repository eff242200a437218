import type { ClusterModel, Protocol } from '@netpol/core';
import { type DataplanePlan, planDataplane } from './plan.js';
import { type PodChangeScope, planPodChanges } from './plan-changes.js';
import {
  allowVerdict,
  endpointElements,
  natChainName,
  natChainRule,
  PORT_SET_TYPE,
  profileEntries,
  profileRules,
  type RenderOptions,
  renderRuleset,
  serviceKey,
  tierElements,
} from './render.js';
import type { ServicePlan } from './services.js';

/** Service port plans in `previous` but not `next` and the reverse (plans are compared as objects). */
function changedServices(
  previous: readonly ServicePlan[],
  next: readonly ServicePlan[],
): { removed: ServicePlan[]; added: ServicePlan[] } {
  const before = new Set(previous);
  const after = new Set(next);
  return { removed: previous.filter((s) => !after.has(s)), added: next.filter((s) => !before.has(s)) };
}

export type UpdateMode = 'none' | 'elements' | 'full';

export interface PlannedUpdate {
  mode: UpdateMode;
  /** The nft script to run (empty for 'none'). */
  script: string;
  /** Its commands, one per line ('elements' mode). */
  commands: string[];
  /** The plan the kernel holds once the script ran. */
  plan: DataplanePlan;
  /** Element, chain and set commands in the script ('elements' mode), 0 otherwise. */
  changes: number;
}

/**
 * The cheapest correct change from the ruleset of `previous` to one enforcing `next`. When only
 * pods changed (same policies and namespaces), only those pods are reclassified and only their
 * elements compared. Otherwise, when the policies are unchanged, `next` is planned on `previous`'s classes (same ids); if the skeleton
 * (everything but pod-keyed elements, Service chains and port profiles) renders the same, the
 * update is one transaction of element deletions and additions, new or rewritten Service
 * chains and new port profiles. Otherwise it is the full ruleset, planned afresh.
 */
export function planUpdate(previous: DataplanePlan, next: ClusterModel, options: RenderOptions): PlannedUpdate {
  // Only pods changed: reclassify those, compare just their elements.
  const pods = planPodChanges(previous, next);
  if (pods) {
    const script = diffScript(previous, pods.plan, options, pods);
    if (script !== undefined) {
      return elementUpdate(script, pods.plan);
    }
  }
  const reused = planDataplane(next, previous);
  if (
    reused.policyKey === previous.policyKey &&
    renderRuleset(previous, options, true) === renderRuleset(reused, options, true)
  ) {
    const script = diffScript(previous, reused, options);
    if (script !== undefined) {
      return elementUpdate(script, reused);
    }
  }
  const fresh = planDataplane(next);
  return { mode: 'full', script: renderRuleset(fresh, options), commands: [], plan: fresh, changes: 0 };
}

function elementUpdate(commands: string[], plan: DataplanePlan): PlannedUpdate {
  if (commands.length === 0) return { mode: 'none', script: '', commands, plan, changes: 0 };
  return { mode: 'elements', script: `${commands.join('\n')}\n`, commands, plan, changes: commands.length };
}

/**
 * nft commands taking the kernel from `previous`'s ruleset to `next`'s when both share the
 * skeleton, or undefined when commands cannot say it. With `scope` (from the incremental
 * planner), only those pod IPs and new `allow` keys are compared, not every element.
 */
export function diffScript(
  previous: DataplanePlan,
  next: DataplanePlan,
  options: RenderOptions,
  scope?: PodChangeScope,
): string[] | undefined {
  const script = scriptParts(`inet ${options.table}`);
  if (options.enforce && !profileCommands(previous, next, script)) return undefined;
  serviceCommands(previous, next, scope?.services ?? changedServices(previous.services, next.services), script);
  if (options.enforce) {
    policyCommands(previous, next, scope, script);
    if (previous.tiers && next.tiers) tierCommands(previous.tiers, next.tiers, scope, script);
    else if (previous.tiers || next.tiers) return undefined;
  }
  return [...script.head, ...script.deletes, ...script.adds, ...script.tail];
}

/**
 * A script in its order: new chains and sets (head), element deletions, element additions,
 * then chains no longer used (tail).
 */
function scriptParts(t: string) {
  const head: string[] = [];
  const deletes: string[] = [];
  const adds: string[] = [];
  const tail: string[] = [];
  const elements = (name: string, del: string[], add: string[]) => {
    if (del.length > 0) deletes.push(`delete element ${t} ${name} { ${del.join(', ')} }`);
    if (add.length > 0) adds.push(`add element ${t} ${name} { ${add.join(', ')} }`);
  };
  /** Element changes between two key → value maps over `keys` ('' values: a set). */
  const compare = <V>(
    name: string,
    was: ReadonlyMap<string, V>,
    now: ReadonlyMap<string, V>,
    text: (v: V) => string,
    keys?: Iterable<string>,
  ) => {
    const del: string[] = [];
    const add: string[] = [];
    const one = (key: string) => {
      const a = was.get(key);
      const b = now.get(key);
      if (a === b) return;
      if (a !== undefined) del.push(key);
      if (b !== undefined) {
        const v = text(b);
        add.push(v === '' ? key : `${key} : ${v}`);
      }
    };
    if (keys) for (const key of keys) one(key);
    else {
      for (const key of was.keys()) one(key);
      for (const key of now.keys()) if (!was.has(key)) one(key);
    }
    elements(name, del, add);
  };
  return { t, head, deletes, adds, tail, elements, compare };
}

type ScriptParts = ReturnType<typeof scriptParts>;

/** New port profiles' sets and chains; false when a profile changed (only ever added while the policies stay). */
function profileCommands(previous: DataplanePlan, next: DataplanePlan, { t, head }: ScriptParts): boolean {
  for (const [key, p] of previous.profiles) if (next.profiles.get(key)?.id !== p.id) return false;
  for (const [key, p] of next.profiles) {
    if (previous.profiles.has(key)) continue;
    head.push(`add set ${t} ports_${p.id} { ${PORT_SET_TYPE} elements = { ${profileEntries(p.ranges).join(', ')} }; }`);
    head.push(`add chain ${t} allow_ports_${p.id}`);
    for (const rule of profileRules(p.id)) head.push(`add rule ${t} allow_ports_${p.id} ${rule}`);
  }
  return true;
}

/** Services: only Service ports whose plan changed (unchanged ones keep their objects). */
function serviceCommands(
  previous: DataplanePlan,
  next: DataplanePlan,
  services: { removed: readonly ServicePlan[]; added: readonly ServicePlan[] },
  { t, head, tail, compare }: ScriptParts,
): void {
  if (services.removed.length === 0 && services.added.length === 0) return;
  // NAT chains for new endpoint counts first, chains no Service port uses any more last;
  // a pod is in the hairpin set while some Service port has it as an endpoint.
  const candidates = new Map<string, Protocol>();
  const ips = new Set<string>();
  for (const s of [...services.removed, ...services.added]) {
    candidates.set(natChainName(s), s.protocol);
    for (const e of s.endpoints) ips.add(e.ip);
  }
  for (const [name, protocol] of candidates) {
    const before = previous.serviceUse.chains.has(name);
    const after = next.serviceUse.chains.has(name);
    if (after && !before) {
      const n = Number(name.split('_')[2]);
      head.push(`add chain ${t} ${name}`, `add rule ${t} ${name} ${natChainRule(protocol, n)}`);
    } else if (before && !after) tail.push(`delete chain ${t} ${name}`);
  }
  const was = serviceElements(services.removed);
  const now = serviceElements(services.added);
  compare('services', was.services, now.services, (v) => v);
  compare('endpoints', was.endpoints, now.endpoints, (v) => v);
  const hairpin = (plan: DataplanePlan) => {
    const out = new Map<string, string>();
    for (const ip of ips) if (plan.serviceUse.backends.has(ip)) out.set(`${ip} . ${ip}`, '');
    return out;
  };
  compare('hairpin', hairpin(previous), hairpin(next), (v) => v);
}

/** The `services` and `endpoints` elements of these Service ports. */
function serviceElements(list: readonly ServicePlan[]) {
  const services = new Map<string, string>();
  const endpoints = new Map<string, string>();
  for (const s of list) {
    services.set(serviceKey(s), `goto ${natChainName(s)}`);
    for (const [k, v] of endpointElements(s)) endpoints.set(k, v);
  }
  return { services, endpoints };
}

/** The NetworkPolicy maps of both directions. */
function policyCommands(
  previous: DataplanePlan,
  next: DataplanePlan,
  scope: PodChangeScope | undefined,
  { compare }: ScriptParts,
): void {
  for (const d of ['egress', 'ingress'] as const) {
    compare(`${d}_subject`, previous[d].subjects, next[d].subjects, String, scope?.touched);
    compare(`${d}_peer_pod`, previous[d].podPeers, next[d].podPeers, String, scope?.touched);
    compare(`${d}_allow`, previous[d].allow, next[d].allow, allowVerdict, scope?.allowAdded[d]);
  }
}

/** The admin tiers' maps of both directions. */
function tierCommands(
  previous: NonNullable<DataplanePlan['tiers']>,
  next: NonNullable<DataplanePlan['tiers']>,
  scope: PodChangeScope | undefined,
  { compare, elements }: ScriptParts,
): void {
  for (const d of ['egress', 'ingress'] as const) {
    const [was, now] = [previous[d], next[d]];
    compare(`${d}_tier_subject`, was.subjects, now.subjects, String, scope?.touched);
    compare(`${d}_tier_peer_pod`, was.podPeers, now.podPeers, String, scope?.touched);
    // Pairs are only ever added while the policies stay (their keys name new classes).
    const pairs = scope?.tierPairsAdded?.[d] ?? [...now.pairs.keys()].filter((k) => !was.pairs.has(k));
    for (const tier of ['admin', 'baseline'] as const) {
      const add: string[] = [];
      for (const pair of pairs) {
        const verdict = now.pairs.get(pair);
        if (verdict) for (const [key, value] of tierElements(pair, verdict[tier])) add.push(`${key} : ${value}`);
      }
      elements(`${d}_${tier}`, [], add);
    }
  }
}
