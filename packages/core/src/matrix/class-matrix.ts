import type { PortQuery } from '../engine/types.js';
import type { AdminRuleModel } from '../model/admin-types.js';
import { compileSelector } from '../model/selector.js';
import type { ClusterModel, LabelSelectorModel, PolicyModel, Protocol, RuleModel } from '../model/types.js';
import { AdminClassTiers } from './admin-class-tiers.js';
import {
  and,
  andInto,
  andNotInto,
  type Bitset,
  emptySet,
  forEachBit,
  fullSet,
  hasBit,
  orInto,
  setBit,
  wordsFor,
} from './bitset.js';
import { blockKey, type EndpointClasses } from './endpoint-classes.js';

/**
 * The class-by-class matrix for one port: row `s` (classWords words) has bit `d` set when a
 * member of class s may open a connection to a (different) member of class d. Same rules
 * as the reference engine; the self case is the caller's.
 */
export function computeClassMatrix(ctx: ClassContext, query: PortQuery): Uint32Array {
  const { cluster, grouped, size } = ctx;
  const words = wordsFor(size);

  // "A named port is resolved on the destination pod": per destination class, the port number.
  const resolved = new Int32Array(size).fill(-1);
  for (const c of grouped.classes) {
    if (typeof query.port === 'number') resolved[c.index] = query.port;
    else if (!c.external) {
      const hit = c.ports.find((p) => p.name === query.port && p.protocol === query.protocol);
      if (hit) resolved[c.index] = hit.port;
    }
  }
  const resolvedMask = emptySet(size);
  for (let c = 0; c < size; c++) if (resolved[c] >= 0) setBit(resolvedMask, c);

  const groups = new Map<number, Bitset>();
  for (let c = 0; c < size; c++) {
    if (resolved[c] < 0) continue;
    setBit(
      getOrCreate(groups, resolved[c], () => emptySet(size)),
      c,
    );
  }
  const portSets = new Map<RuleModel, Bitset>();
  const portSetOf = (rule: RuleModel) => {
    let set = portSets.get(rule);
    if (!set) {
      set = ctx.rulePortSet(rule, query.protocol, resolved, groups);
      portSets.set(rule, set);
    }
    return set;
  };

  // Egress, per source class: the destinations its egress allows (isolation: union of rules).
  const egressCache = new Map<string, Bitset>();
  const egressOf: Bitset[] = [];
  const egressPolicies = ctx.policiesByClass('egress');
  for (let s = 0; s < size; s++) {
    const policies = egressPolicies[s];
    if (policies.length === 0) {
      egressOf.push(ctx.all);
      continue;
    }
    const key = policies.join(',');
    let allowed = egressCache.get(key);
    if (!allowed) {
      allowed = emptySet(size);
      for (const pi of policies) {
        for (const rule of cluster.policies[pi].egress)
          orInto(allowed, and(ctx.rulePeerSet(pi, rule), portSetOf(rule)));
      }
      egressCache.set(key, allowed);
    }
    egressOf.push(allowed);
  }

  // Ingress, per destination class: the sources its ingress admits on this port.
  const ingressCache = new Map<string, Bitset>();
  const ingressOf: Bitset[] = [];
  const ingressPolicies = ctx.policiesByClass('ingress');
  for (let d = 0; d < size; d++) {
    const policies = ingressPolicies[d];
    if (policies.length === 0) {
      ingressOf.push(ctx.all);
      continue;
    }
    const matching: string[] = [];
    for (const pi of policies) {
      cluster.policies[pi].ingress.forEach((rule, ri) => {
        if (hasBit(portSetOf(rule), d)) matching.push(`${pi}.${ri}`);
      });
    }
    const key = matching.join(',');
    let allowed = ingressCache.get(key);
    if (!allowed) {
      allowed = emptySet(size);
      for (const pi of policies) {
        for (const rule of cluster.policies[pi].ingress) {
          if (hasBit(portSetOf(rule), d)) orInto(allowed, ctx.rulePeerSet(pi, rule));
        }
      }
      ingressCache.set(key, allowed);
    }
    ingressOf.push(allowed);
  }

  // The admin and baseline tiers around the NetworkPolicy tier (docs/admin-tiers.md).
  const tiers = ctx.adminTiers();
  if (tiers) {
    const adminPorts = new Map<AdminRuleModel, Bitset>();
    const adminPortsOf = (rule: AdminRuleModel) => {
      let set = adminPorts.get(rule);
      if (!set) {
        set = tiers.portSet(rule, query.protocol, resolved, groups);
        adminPorts.set(rule, set);
      }
      return set;
    };
    for (let s = 0; s < size; s++) {
      egressOf[s] = tiers.side(s, 'egress', egressOf[s], egressPolicies[s].length > 0, (rule) =>
        tiers.egressMatches(rule, adminPortsOf(rule)),
      );
    }
    for (let d = 0; d < size; d++) {
      ingressOf[d] = tiers.side(d, 'ingress', ingressOf[d], ingressPolicies[d].length > 0, (rule) =>
        tiers.ingressMatches(rule, adminPortsOf(rule), d),
      );
    }
  }

  // "allowed iff S's egress allows it and D's ingress allows it".
  const matrix = new Uint32Array(size * words);
  const candidates = emptySet(size);
  for (let s = 0; s < size; s++) {
    candidates.set(egressOf[s]);
    andInto(candidates, resolvedMask);
    const base = s * words;
    const sWord = s >>> 5;
    const sBit = 1 << (s & 31);
    forEachBit(candidates, (d) => {
      if ((ingressOf[d][sWord] & sBit) !== 0) matrix[base + (d >>> 5)] |= 1 << (d & 31);
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
  private readonly byKeyValue = new Map<string, Map<string, Bitset>>();
  private readonly namespaceSelections = new Map<string, Bitset>();
  private readonly peerSets = new Map<RuleModel, Bitset>();
  private selections?: Bitset[];
  private tiers?: AdminClassTiers | null;

  constructor(
    readonly cluster: ClusterModel,
    readonly grouped: EndpointClasses,
  ) {
    this.size = grouped.classes.length;
    this.all = fullSet(this.size);
    for (const c of grouped.classes) {
      if (c.external || c.namespace === undefined) continue;
      this.member(this.byNamespace, c.namespace, c.index);
      for (const [k, v] of Object.entries(c.labels)) {
        this.member(this.byKey, k, c.index);
        this.member(
          getOrCreate(this.byKeyValue, k, () => new Map()),
          v,
          c.index,
        );
      }
    }
  }

  private member(map: Map<string, Bitset>, key: string, index: number) {
    setBit(
      getOrCreate(map, key, () => emptySet(this.size)),
      index,
    );
  }

  /** Pod classes of `base` whose labels match `selector`. */
  select(selector: LabelSelectorModel, base: Bitset): Bitset {
    const out = base.slice();
    const none = emptySet(this.size);
    for (const [k, v] of Object.entries(selector.matchLabels)) andInto(out, this.byKeyValue.get(k)?.get(v) ?? none);
    for (const { key, operator, values } of selector.matchExpressions) {
      if (operator === 'Exists') andInto(out, this.byKey.get(key) ?? none);
      else if (operator === 'DoesNotExist') andNotInto(out, this.byKey.get(key) ?? none);
      else {
        const any = emptySet(this.size);
        for (const v of values) {
          const set = this.byKeyValue.get(key)?.get(v);
          if (set) orInto(any, set);
        }
        // NotIn is true when the key is absent.
        if (operator === 'In') andInto(out, any);
        else andNotInto(out, any);
      }
    }
    return out;
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

  /** For each class, the indexes of the policies that isolate it for `direction`. */
  policiesByClass(direction: 'ingress' | 'egress'): number[][] {
    this.selections ??= this.cluster.policies.map((policy) =>
      this.select(policy.podSelector, this.namespaceClasses(policy.namespace)),
    );
    const out: number[][] = Array.from({ length: this.size }, () => []);
    this.cluster.policies.forEach((policy, pi) => {
      if (!policy.types[direction]) return;
      forEachBit(this.selections![pi], (c) => {
        out[c].push(pi);
      });
    });
    return out;
  }

  /** The classes a rule's `from`/`to` admits (absent/empty = everything, external included). */
  rulePeerSet(policyIndex: number, rule: RuleModel): Bitset {
    let set = this.peerSets.get(rule);
    if (set) return set;
    if (rule.peers === 'all') set = this.all;
    else {
      const policy: PolicyModel = this.cluster.policies[policyIndex];
      set = emptySet(this.size);
      for (const peer of rule.peers) {
        if (peer.kind === 'ipBlock') {
          orInto(set, this.grouped.blockMembers[this.grouped.blocks.get(blockKey(peer))!]);
          continue;
        }
        const base = peer.namespaceSelector
          ? this.namespacesMatching(peer.namespaceSelector)
          : this.namespaceClasses(policy.namespace);
        orInto(set, peer.podSelector ? this.select(peer.podSelector, base) : base);
      }
    }
    this.peerSets.set(rule, set);
    return set;
  }

  namespacesMatching(selector: LabelSelectorModel): Bitset {
    const key = JSON.stringify(selector);
    let set = this.namespaceSelections.get(key);
    if (set) return set;
    set = emptySet(this.size);
    const matches = compileSelector(selector);
    for (const [name, classes] of this.byNamespace) {
      const ns = this.cluster.namespaces.get(name);
      const labels = ns ? ns.labels : { 'kubernetes.io/metadata.name': name };
      if (matches(labels)) orInto(set, classes);
    }
    this.namespaceSelections.set(key, set);
    return set;
  }

  /**
   * Destination classes a rule's `ports` admits, given each class's resolved port number
   * (`groups`: classes by resolved port).
   */
  rulePortSet(rule: RuleModel, protocol: Protocol, resolved: Int32Array, groups: Map<number, Bitset>): Bitset {
    if (rule.ports === 'all') return this.all;
    const set = emptySet(this.size);
    for (const rulePort of rule.ports) {
      if (rulePort.protocol !== protocol) continue;
      if (rulePort.port === undefined) return this.all;
      if (typeof rulePort.port === 'number') {
        const last = rulePort.endPort ?? rulePort.port;
        for (const [port, members] of groups) if (port >= rulePort.port && port <= last) orInto(set, members);
        continue;
      }
      // A named rule port matches when the destination has a container port of that name
      // and protocol whose number is the port asked.
      orInto(set, this.namedPortClasses(rulePort.port, protocol, resolved));
    }
    return set;
  }

  private readonly named = new Map<string, { resolved: Int32Array; set: Bitset }>();

  private namedPortClasses(name: string, protocol: Protocol, resolved: Int32Array): Bitset {
    const key = `${name}/${protocol}`;
    const hit = this.named.get(key);
    if (hit && hit.resolved === resolved) return hit.set;
    const set = emptySet(this.size);
    for (const c of this.grouped.classes) {
      const port = resolved[c.index];
      if (port >= 0 && c.ports.some((p) => p.name === name && p.protocol === protocol && p.port === port)) {
        setBit(set, c.index);
      }
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
