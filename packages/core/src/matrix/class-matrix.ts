import { at } from '../at.js';
import type { CompiledCluster } from '../engine/compile-cluster.js';
import type { CompiledPeer, CompiledRule } from '../engine/compile-policy.js';
import { peerScopesNamespace } from '../engine/match-peer.js';
import { matchPort, resolvePort } from '../engine/match-port.js';
import type { PortQuery } from '../engine/types.js';
import type { AdminRuleModel } from '../model/admin-types.js';
import { canonicalPeer, canonicalPort } from '../model/canonical.js';
import { compileSelector, type LabelRequirement, requirementHolds, requirementsOf } from '../model/selector.js';
import type { ClusterModel, LabelSelectorModel, Protocol } from '../model/types.js';
import { AdminClassTiers } from './admin-class-tiers.js';
import {
  andInto,
  andNotInto,
  type Bitset,
  emptySet,
  forEachBit,
  fullSet,
  hasBit,
  orAndInto,
  orInto,
  setBit,
  wordsFor,
} from './bitset.js';
import { blockOf, type EndpointClasses } from './endpoint-classes.js';

/**
 * The class-by-class matrix for one port: row `s` (classWords words) has bit `d` set when a
 * member of class s may open a connection to a (different) member of class d. It evaluates
 * the compiled cluster's rules over sets of classes: which policies select a class, a peer's
 * namespace scope, selector requirements, ipBlock ranges and ports are all decided by the
 * compiled cluster's primitives; this module only unions and intersects. The self case is
 * the caller's.
 */
export function computeClassMatrix(ctx: ClassContext, query: PortQuery): Uint32Array {
  const ports = resolvedPorts(ctx, query);
  const portSetOf = rulePortSets(ctx, query, ports);
  const egressPolicies = ctx.policiesByClass('egress');
  const ingressPolicies = ctx.policiesByClass('ingress');
  const egressOf = egressSides(ctx, egressPolicies, portSetOf);
  const ingressOf = ingressSides(ctx, ingressPolicies, portSetOf);
  // The admin and baseline tiers around the NetworkPolicy tier (docs/admin-tiers.md).
  const tiers = ctx.adminTiers();
  if (tiers) withAdminTiers(tiers, query, ports, { egressOf, ingressOf, egressPolicies, ingressPolicies });
  return bothSides(ctx.size, egressOf, ingressOf, ports.mask);
}

/**
 * "A named port is resolved on the destination pod": per destination class, the port number
 * (-1: none), the classes that have one, and the classes by number.
 */
interface ResolvedPorts {
  resolved: Int32Array;
  mask: Bitset;
  groups: Map<number, Bitset>;
}

function resolvedPorts(ctx: ClassContext, query: PortQuery): ResolvedPorts {
  const { grouped, size } = ctx;
  const resolved = new Int32Array(size).fill(-1);
  for (const c of grouped.classes) {
    const port = resolvePort(query.port, query.protocol, c.external ? undefined : c);
    if (port !== undefined) resolved[c.index] = port;
  }
  const mask = emptySet(size);
  for (let c = 0; c < size; c++) if (resolved[c]! >= 0) setBit(mask, c);
  const groups = new Map<number, Bitset>();
  for (let c = 0; c < size; c++) {
    if (resolved[c]! < 0) continue;
    setBit(
      getOrCreate(groups, resolved[c], () => emptySet(size)),
      c,
    );
  }
  return { resolved, mask, groups };
}

/**
 * Per rule, and per text of its ports, the destination classes its ports admit: the same
 * ports in every namespace's copy of a policy are one set, not one per rule (rules × classes
 * bits otherwise).
 */
function rulePortSets(ctx: ClassContext, query: PortQuery, ports: ResolvedPorts): (rule: CompiledRule) => Bitset {
  const portSets = new Map<CompiledRule, Bitset>();
  const portSetsByText = new Map<string, Bitset>();
  return (rule) => {
    let set = portSets.get(rule);
    if (!set) {
      const text = rule.ports === 'all' ? '*' : rule.ports.map(canonicalPort).join('|');
      set = portSetsByText.get(text);
      if (!set) {
        set = ctx.rulePortSet(rule, query.protocol, ports.resolved, ports.groups);
        portSetsByText.set(text, set);
      }
      portSets.set(rule, set);
    }
    return set;
  };
}

/** Egress, per source class: the destinations its egress allows (isolation: union of rules). */
function egressSides(
  ctx: ClassContext,
  egressPolicies: readonly (readonly number[])[],
  portSetOf: (rule: CompiledRule) => Bitset,
): Bitset[] {
  const cache = new Map<string, Bitset>();
  return egressPolicies.map((policies) => {
    if (policies.length === 0) return ctx.all;
    const key = policies.join(',');
    let allowed = cache.get(key);
    if (!allowed) {
      allowed = emptySet(ctx.size);
      for (const pi of policies) {
        const { policy, egress } = at(ctx.compiled.policies, pi);
        for (const rule of egress) orAndInto(allowed, ctx.rulePeerSet(policy.namespace, rule), portSetOf(rule));
      }
      cache.set(key, allowed);
    }
    return allowed;
  });
}

/** Ingress, per destination class: the sources its ingress admits on this port. */
function ingressSides(
  ctx: ClassContext,
  ingressPolicies: readonly (readonly number[])[],
  portSetOf: (rule: CompiledRule) => Bitset,
): Bitset[] {
  const { compiled } = ctx;
  const cache = new Map<string, Bitset>();
  return ingressPolicies.map((policies, d) => {
    if (policies.length === 0) return ctx.all;
    const matching: string[] = [];
    for (const pi of policies) {
      at(compiled.policies, pi).ingress.forEach((rule, ri) => {
        if (hasBit(portSetOf(rule), d)) matching.push(`${pi}.${ri}`);
      });
    }
    const key = matching.join(',');
    let allowed = cache.get(key);
    if (!allowed) {
      allowed = emptySet(ctx.size);
      for (const pi of policies) {
        const { policy, ingress } = at(compiled.policies, pi);
        for (const rule of ingress) {
          if (hasBit(portSetOf(rule), d)) orInto(allowed, ctx.rulePeerSet(policy.namespace, rule));
        }
      }
      cache.set(key, allowed);
    }
    return allowed;
  });
}

/** Each side's NetworkPolicy answer put in its place among the admin and baseline tiers (in place). */
function withAdminTiers(
  tiers: AdminClassTiers,
  query: PortQuery,
  ports: ResolvedPorts,
  sides: {
    egressOf: Bitset[];
    ingressOf: Bitset[];
    egressPolicies: readonly (readonly number[])[];
    ingressPolicies: readonly (readonly number[])[];
  },
): void {
  const adminPorts = new Map<AdminRuleModel, Bitset>();
  const adminPortsOf = (rule: AdminRuleModel) => {
    let set = adminPorts.get(rule);
    if (!set) {
      set = tiers.portSet(rule, query.protocol, ports.resolved, ports.groups);
      adminPorts.set(rule, set);
    }
    return set;
  };
  const { egressOf, ingressOf } = sides;
  for (const [s, egress] of egressOf.entries()) {
    egressOf[s] = tiers.side(s, 'egress', egress, at(sides.egressPolicies, s).length > 0, (rule) =>
      tiers.egressMatches(rule, adminPortsOf(rule)),
    );
  }
  for (const [d, ingress] of ingressOf.entries()) {
    ingressOf[d] = tiers.side(d, 'ingress', ingress, at(sides.ingressPolicies, d).length > 0, (rule) =>
      tiers.ingressMatches(rule, adminPortsOf(rule), d),
    );
  }
}

/** "allowed iff S's egress allows it and D's ingress allows it", over destinations whose port resolves. */
function bothSides(size: number, egressOf: readonly Bitset[], ingressOf: readonly Bitset[], resolved: Bitset) {
  const words = wordsFor(size);
  const matrix = new Uint32Array(size * words);
  const candidates = emptySet(size);
  for (const [s, egress] of egressOf.entries()) {
    candidates.set(egress);
    andInto(candidates, resolved);
    const base = s * words;
    const sWord = s >>> 5;
    const sBit = 1 << (s & 31);
    forEachBit(candidates, (d) => {
      // d < size = ingressOf.length; sWord and the matrix offset lie within their sets.
      if ((ingressOf[d]![sWord]! & sBit) !== 0) matrix[base + (d >>> 5)]! |= 1 << (d & 31);
    });
  }
  return matrix;
}

/** Indexes over the class universe: namespaces, label keys/values, per-policy selections. */
export class ClassContext {
  readonly size: number;
  readonly all: Bitset;
  private readonly byNamespace = new Map<string, Bitset>();
  private readonly byKey = new Map<string, Bitset>();
  // Classes per label value as lists: in real clusters a label such as `app` often takes a
  // value per workload, and a set of classes per value would be workloads × classes bits.
  private readonly byKeyValue = new Map<string, Map<string, number[]>>();
  private readonly namespaceScopes = new Map<string, Bitset>();
  private readonly requirementSets = new Map<string, Bitset>();
  private readonly peerSets = new Map<CompiledRule, Bitset>();
  private readonly peerSetsByText = new Map<string, Bitset>();
  private selections?: number[][];
  private tiers?: AdminClassTiers | null;
  private readonly namespaceSelections = new Map<string, Bitset>();

  constructor(
    readonly compiled: CompiledCluster,
    readonly grouped: EndpointClasses,
  ) {
    this.size = grouped.classes.length;
    this.all = fullSet(this.size);
    for (const c of grouped.classes) {
      if (c.external || c.namespace === undefined) continue;
      this.member(this.byNamespace, c.namespace, c.index);
      for (const [k, v] of Object.entries(c.labels)) {
        this.member(this.byKey, k, c.index);
        const byValue = getOrCreate(this.byKeyValue, k, () => new Map<string, number[]>());
        getOrCreate(byValue, v, () => []).push(c.index);
      }
    }
  }

  private member(map: Map<string, Bitset>, key: string, index: number) {
    setBit(
      getOrCreate(map, key, () => emptySet(this.size)),
      index,
    );
  }

  get cluster(): ClusterModel {
    return this.compiled.model;
  }

  /** The admin tiers on classes; undefined when the cluster has no admin tier policy. */
  adminTiers(): AdminClassTiers | undefined {
    if (this.tiers === undefined) {
      const policies = this.cluster.adminPolicies ?? [];
      this.tiers = policies.length > 0 ? new AdminClassTiers(this, policies) : null;
    }
    return this.tiers ?? undefined;
  }

  namespaceClasses(namespace: string): Bitset {
    return this.byNamespace.get(namespace) ?? emptySet(this.size);
  }

  /** The pod classes of the namespaces whose labels match `selector` (admin tier subjects and peers). */
  namespacesMatching(selector: LabelSelectorModel): Bitset {
    const key = JSON.stringify(selector);
    let set = this.namespaceSelections.get(key);
    if (set) return set;
    set = emptySet(this.size);
    const matches = compileSelector(selector);
    for (const [name, classes] of this.byNamespace) {
      if (matches(this.compiled.namespaceLabels(name))) orInto(set, classes);
    }
    this.namespaceSelections.set(key, set);
    return set;
  }

  /** Pod classes of `base` whose labels match `selector` (its requirements ANDed). */
  select(selector: LabelSelectorModel, base: Bitset): Bitset {
    const out = base.slice();
    for (const requirement of requirementsOf(selector)) andInto(out, this.requirementSet(requirement));
    return out;
  }

  /**
   * The pod classes meeting one requirement: `requirementHolds` is asked once per value the
   * key takes among the classes, and once for "key absent".
   */
  private requirementSet(requirement: LabelRequirement): Bitset {
    const cacheKey = `${requirement.key}\u0000${requirement.operator}\u0000${[...requirement.values].join('\u0000')}`;
    let set = this.requirementSets.get(cacheKey);
    if (set) return set;
    set = emptySet(this.size);
    if (requirementHolds(requirement, undefined)) {
      for (const classes of this.byNamespace.values()) orInto(set, classes);
      andNotInto(set, this.byKey.get(requirement.key) ?? emptySet(this.size));
    }
    for (const [value, classes] of this.byKeyValue.get(requirement.key) ?? []) {
      if (requirementHolds(requirement, value)) for (const c of classes) setBit(set, c);
    }
    this.requirementSets.set(cacheKey, set);
    return set;
  }

  /**
   * For each class, the indexes (into `compiled.policies`) of the policies that isolate it for
   * `direction`, ascending. Kept as lists per class (a class is selected by a few policies of
   * its own namespace), not as a set of classes per policy: policies and classes both grow
   * with the cluster, so one bitset per policy was policies × classes bits (30,000 × 30,000
   * at 150,000 pods).
   */
  policiesByClass(direction: 'ingress' | 'egress'): number[][] {
    if (!this.selections) {
      const indexOf = new Map(this.compiled.policies.map((c, i) => [c, i]));
      const selections: number[][] = Array.from({ length: this.size }, () => []);
      for (const c of this.grouped.classes) {
        if (c.external || c.namespace === undefined) continue;
        const list = at(selections, c.index);
        for (const policy of this.compiled.policiesSelecting({ namespace: c.namespace, labels: c.labels })) {
          list.push(indexOf.get(policy) ?? -1);
        }
        list.sort((a, b) => a - b);
      }
      this.selections = selections;
    }
    return this.selections.map((list) => list.filter((pi) => at(this.compiled.policies, pi).policy.types[direction]));
  }

  /** The classes a rule's `from`/`to` admits (absent/empty = everything, external included). */
  rulePeerSet(policyNamespace: string, rule: CompiledRule): Bitset {
    let set = this.peerSets.get(rule);
    if (set) return set;
    // Rules that read the same (`canonicalPeer`) admit the same classes: a peer with a
    // namespaceSelector whichever policy holds it, one without in the policy's namespace.
    // One set per text, not per rule: rules and classes both grow with the cluster.
    const text = this.peersText(policyNamespace, rule);
    set = this.peerSetsByText.get(text);
    if (set) {
      this.peerSets.set(rule, set);
      return set;
    }
    if (rule.peers === 'all') set = this.all;
    else {
      set = emptySet(this.size);
      for (const peer of rule.peers) {
        if (peer.kind === 'ipBlock') {
          orInto(set, blockOf(this.grouped, peer));
          continue;
        }
        const scope = this.namespaceScope(peer, policyNamespace);
        const model = peer.model.kind === 'selector' ? peer.model : undefined;
        orInto(set, model?.podSelector ? this.select(model.podSelector, scope) : scope);
      }
    }
    this.peerSets.set(rule, set);
    this.peerSetsByText.set(text, set);
    return set;
  }

  private peersText(policyNamespace: string, rule: CompiledRule): string {
    const peers = rule.model.peers;
    if (peers === 'all') return '*';
    const here = peers.some((peer) => peer.kind === 'selector' && !peer.namespaceSelector);
    const text = peers.map(canonicalPeer).join('|');
    return here ? `${policyNamespace}\u0000${text}` : text;
  }

  /** The pod classes in the namespaces a selector peer reaches (`peerScopesNamespace`, per namespace). */
  private namespaceScope(peer: Extract<CompiledPeer, { kind: 'selector' }>, policyNamespace: string): Bitset {
    // Without a namespaceSelector a peer scopes the policy's own namespace
    // (`peerScopesNamespace`): asking every namespace for each of them was namespaces² calls.
    if (!peer.namespaces) return this.namespaceClasses(policyNamespace);
    const model = peer.model.kind === 'selector' ? peer.model : undefined;
    const key = model?.namespaceSelector ? JSON.stringify(model.namespaceSelector) : `=${policyNamespace}`;
    let set = this.namespaceScopes.get(key);
    if (set) return set;
    set = emptySet(this.size);
    for (const [name, classes] of this.byNamespace) {
      if (peerScopesNamespace(peer, policyNamespace, name, this.compiled.namespaceLabels(name))) orInto(set, classes);
    }
    this.namespaceScopes.set(key, set);
    return set;
  }

  /**
   * Destination classes a rule's `ports` admits, given each class's resolved port number
   * (`groups`: classes by resolved port). Every test is `matchPort`'s.
   */
  rulePortSet(rule: CompiledRule, protocol: Protocol, resolved: Int32Array, groups: Map<number, Bitset>): Bitset {
    if (rule.ports === 'all') return this.all;
    const set = emptySet(this.size);
    for (const rulePort of rule.ports) {
      // An entry that matches even an unresolved port matches every destination.
      if (matchPort(rulePort, protocol, undefined, undefined)) return this.all;
      if (typeof rulePort.port === 'string') {
        orInto(set, this.namedPortClasses(rulePort, protocol, resolved));
        continue;
      }
      for (const [port, members] of groups) if (matchPort(rulePort, protocol, port, undefined)) orInto(set, members);
    }
    return set;
  }

  private readonly named = new Map<string, { resolved: Int32Array; set: Bitset }>();

  /** Named rule ports resolve on each destination class's own container ports. */
  private namedPortClasses(
    rulePort: Exclude<CompiledRule['ports'], 'all'>[number],
    protocol: Protocol,
    resolved: Int32Array,
  ): Bitset {
    const key = `${rulePort.port}/${rulePort.protocol}/${protocol}`;
    const hit = this.named.get(key);
    if (hit && hit.resolved === resolved) return hit.set;
    const set = emptySet(this.size);
    for (const c of this.grouped.classes) {
      const port = resolved[c.index]!;
      if (port >= 0 && matchPort(rulePort, protocol, port, c)) setBit(set, c.index);
    }
    this.named.set(key, { resolved, set });
    return set;
  }
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
