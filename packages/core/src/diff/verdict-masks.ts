import { at } from '../at.js';
import type { CompiledCluster } from '../engine/compile-cluster.js';
import type { CompiledPolicy, CompiledRule, PeerFacts } from '../engine/compile-policy.js';
import { matchPort } from '../engine/match-port.js';
import type { Peer } from '../engine/types.js';
import type { Direction, PodModel, Protocol } from '../model/types.js';
import type { PortSpan } from './port-partition.js';

/** One column of the verdict vector: a protocol and a span of ports judged on its first port. */
export interface SpanRef {
  protocol: Protocol;
  span: PortSpan;
}

/**
 * Verdicts of one cluster version for many (source, destination) pairs over many port spans
 * at once, as bit vectors (bit k = span k allowed). It asks the compiled cluster (which
 * policies select, which peers match) and `matchPort`, so it answers exactly what the engine
 * answers, but shares work between pairs: each side's isolating policies are found once per
 * endpoint, each rule's peer match once per (rule, endpoint), each rule's port mask once per
 * rule (once per destination when it names ports). diff's differential test checks it
 * against naiveAllowed.
 */
export class VerdictMasks {
  readonly words: number;
  private readonly facts: PeerFacts[];
  private readonly pods: (PodModel | undefined)[];
  private readonly isolating: { ingress: CompiledPolicy[]; egress: CompiledPolicy[] }[];
  /** Per rule, the endpoints asked about (a map, not an array per rule: rules × endpoints is quadratic). */
  private readonly peerCache = new Map<CompiledRule, Map<number, boolean>>();
  private readonly portCache = new Map<CompiledRule, Uint32Array | Map<number, Uint32Array>>();
  private readonly sets: { ingress: number; egress: number }[];
  /** Ingress policy sets with a named rule port (resolved on the subject: not shareable). */
  private readonly namedSets = new Set<number>();
  private readonly caches = {
    ingress: { slot: -1, entries: new Map<number, Uint32Array>() },
    egress: { slot: -1, entries: new Map<number, Uint32Array>() },
  };

  constructor(
    private readonly compiled: CompiledCluster,
    peers: readonly Peer[],
    private readonly spans: readonly SpanRef[],
  ) {
    this.words = Math.max(1, Math.ceil(spans.length / 32));
    const policyIndex = new Map<CompiledPolicy, number>(compiled.policies.map((c, i) => [c, i]));
    this.pods = peers.map((p) => (p.kind === 'pod' ? p.pod : undefined));
    this.facts = peers.map((p) => compiled.facts(p));
    this.isolating = peers.map((p) => {
      if (p.kind === 'external') return { ingress: [], egress: [] };
      const selecting = compiled.policiesSelecting(p.pod);
      return {
        ingress: selecting.filter((c) => c.policy.types.ingress),
        egress: selecting.filter((c) => c.policy.types.egress),
      };
    });
    const ids = new Map<string, number>();
    const intern = (list: CompiledPolicy[], direction: Direction) => {
      const key = `${direction}:${list.map((c) => policyIndex.get(c)).join(',')}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size;
        ids.set(key, id);
        const named = list.some((c) =>
          c.ingress.some((r) => r.ports !== 'all' && r.ports.some((p) => typeof p.port === 'string')),
        );
        if (direction === 'ingress' && named) this.namedSets.add(id);
      }
      return id;
    };
    this.sets = this.isolating.map((s) => ({
      ingress: intern(s.ingress, 'ingress'),
      egress: intern(s.egress, 'egress'),
    }));
  }

  /** Writes the allowed vector of source → destination into `out`. */
  allowed(source: number, destination: number, out: Uint32Array): void {
    out.fill(0xffffffff);
    const egress = this.sideMask('egress', source, destination);
    // Every mask here, and out, is this.words long.
    if (egress) for (let w = 0; w < this.words; w++) out[w]! &= egress[w]!;
    const ingress = this.sideMask('ingress', destination, source);
    if (ingress) for (let w = 0; w < this.words; w++) out[w]! &= ingress[w]!;
  }

  /** Subjects with the same isolating policies share an id (per direction). */
  setOf(direction: Direction, subject: number): number {
    return at(this.sets, subject)[direction];
  }

  /**
   * What `subject`'s side allows towards/from `other` (undefined: everything, not isolated).
   * Subjects with the same isolating policies get the same answer for the same `other`,
   * unless an ingress rule names a port (resolved on the subject itself), so answers are
   * kept per (policy set, other) for the latest set asked (egress) or latest other (ingress):
   * callers that iterate sources grouped by set reuse nearly every answer.
   */
  private sideMask(direction: Direction, subject: number, other: number): Uint32Array | undefined {
    const policies = at(this.isolating, subject)[direction];
    if (policies.length === 0) return undefined; // not isolated (or outside): allows everything
    const set = at(this.sets, subject)[direction];
    const cache = this.caches[direction];
    const shareable = direction === 'egress' || !this.namedSets.has(set);
    const [slot, key] = direction === 'egress' ? [set, other] : [other, set];
    if (shareable) {
      if (cache.slot !== slot) {
        cache.slot = slot;
        cache.entries.clear();
      }
      const hit = cache.entries.get(key);
      if (hit) return hit;
    }
    const destination = direction === 'egress' ? other : subject;
    const acc = new Uint32Array(this.words);
    for (const policy of policies) {
      for (const rule of direction === 'ingress' ? policy.ingress : policy.egress) {
        if (!this.peerMatches(policy, rule, other)) continue;
        const mask = this.portMask(rule, destination);
        for (let w = 0; w < this.words; w++) acc[w]! |= mask[w]!;
      }
    }
    if (shareable) cache.entries.set(key, acc);
    return acc;
  }

  private peerMatches(policy: CompiledPolicy, rule: CompiledRule, other: number): boolean {
    if (rule.peers === 'all') return true;
    let cache = this.peerCache.get(rule);
    if (!cache) {
      cache = new Map();
      this.peerCache.set(rule, cache);
    }
    let matches = cache.get(other);
    if (matches === undefined) {
      const facts = at(this.facts, other);
      matches = rule.peers.some((p) => this.compiled.peerMatches(policy.policy, p.model, facts));
      cache.set(other, matches);
    }
    return matches;
  }

  private portMask(rule: CompiledRule, destination: number): Uint32Array {
    const named = rule.ports !== 'all' && rule.ports.some((p) => typeof p.port === 'string');
    let entry = this.portCache.get(rule);
    if (!named) {
      if (!(entry instanceof Uint32Array)) {
        entry = this.computeMask(rule, undefined);
        this.portCache.set(rule, entry);
      }
      return entry;
    }
    if (!(entry instanceof Map)) {
      entry = new Map();
      this.portCache.set(rule, entry);
    }
    let mask = entry.get(destination);
    if (!mask) {
      mask = this.computeMask(rule, this.pods[destination]);
      entry.set(destination, mask);
    }
    return mask;
  }

  private computeMask(rule: CompiledRule, destination: PodModel | undefined): Uint32Array {
    const mask = new Uint32Array(this.words);
    this.spans.forEach(({ protocol, span }, k) => {
      const ok = rule.ports === 'all' || rule.ports.some((p) => matchPort(p, protocol, span[0], destination));
      if (ok) mask[k >>> 5]! |= 1 << (k & 31);
    });
    return mask;
  }
}
