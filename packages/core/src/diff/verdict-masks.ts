import { first } from '../at.js';
import type { CompiledCluster } from '../engine/compile-cluster.js';
import type { CompiledPeer, CompiledPolicy, CompiledRule, PeerFacts } from '../engine/compile-policy.js';
import { matchPeer, peerScopesNamespace } from '../engine/match-peer.js';
import { matchPort } from '../engine/match-port.js';
import type { Peer } from '../engine/types.js';
import { canonicalPeer, canonicalSelector } from '../model/canonical.js';
import { sameLabels } from '../model/selector.js';
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
  /** Each endpoint as peers see it, made when first asked (most are not, in a what-if diff). */
  private readonly facts: (PeerFacts | undefined)[];
  private readonly factsOfPod: (pod: PodModel) => PeerFacts;
  private readonly pods: (PodModel | undefined)[];
  /**
   * Each subject's isolating policies per direction and their sets' ids, found when it is first
   * asked about as a subject: a what-if diff asks the few sides that may have changed and the
   * endpoints whose masks differ, not every endpoint.
   */
  private readonly subjects: (Subject | undefined)[];
  private readonly sidesOf: (pod: PodModel) => PodSides;
  /** Set ids by their policies' key (`ingress:3,7`). */
  private readonly setIds = new Map<string, number>();
  /** Per rule, the endpoints asked about (a map, not an array per rule: rules × endpoints is quadratic). */
  private readonly peerCache = new Map<CompiledRule, Map<number, boolean>>();
  /**
   * Per rule that a whole row was asked of (`sideRow`), its peer match over every endpoint as
   * a bitset: only the rules of the sides whose policies changed, never every rule.
   */
  private readonly ruleBits: WeakMap<CompiledRule, Uint32Array>;
  /** `sideRow`'s answer per direction (endpoints × words), and the policy set it holds. */
  private readonly rows = {
    ingress: { set: -1, mask: new Uint32Array(0) },
    egress: { set: -1, mask: new Uint32Array(0) },
  };
  private readonly portCache = new Map<CompiledRule, Uint32Array | Map<number, Uint32Array>>();
  /** Ingress policy sets with a named rule port (resolved on the subject: not shareable). */
  private readonly namedSets = new Set<number>();
  private readonly caches = {
    ingress: { slot: -1, entries: new Map<number, Uint32Array>() },
    egress: { slot: -1, entries: new Map<number, Uint32Array>() },
  };

  /**
   * `like`: the masks of another version of the cluster (a what-if diff's input, for the edited
   * version): when this one's endpoints are the same (the same pods, the same outside addresses,
   * in the same order) and its namespaces' labels alike, what they found of the endpoints alone
   * is this one's too (their facts are equal; an unchanged policy's compiled rules are the same
   * objects in both, so their peer bits are shared as well).
   */
  constructor(
    private readonly compiled: CompiledCluster,
    peers: readonly Peer[],
    private readonly spans: readonly SpanRef[],
    like?: VerdictMasks,
  ) {
    this.words = Math.max(1, Math.ceil(spans.length / 32));
    this.factsOfPod = factsOf(compiled);
    this.sidesOf = sidesOf(compiled);
    this.pods = peers.map((p) => (p.kind === 'pod' ? p.pod : undefined));
    // What is found of the endpoints alone is kept with the compiled cluster for the same
    // endpoints: the web UI's what-if diffs the input (whose compiled cluster stays) against
    // every edit, with the same endpoints each time.
    const kept = endpointSides.get(compiled);
    const side =
      kept && sameEndpoints(kept, peers)
        ? kept
        : like && sameEndpoints(like.side, peers) && like.labelsAlikeIn(compiled)
          ? like.side
          : {
              pods: this.pods,
              ips: peers.map((p) => (p.kind === 'pod' ? undefined : p.ip)),
              facts: peers.map((p) => (p.kind === 'pod' ? undefined : compiled.facts(p))),
              reached: new Map<string, string[]>(),
              blocks: new Map<string, Uint32Array>(),
              ruleBits: new WeakMap<CompiledRule, Uint32Array>(),
            };
    endpointSides.set(compiled, side);
    this.side = side;
    this.facts = side.facts;
    this.reached = side.reached;
    this.blocks = side.blocks;
    this.ruleBits = side.ruleBits;
    this.subjects = peers.map(() => undefined);
  }

  private readonly side: EndpointSide;

  /** Whether `compiled` gives the namespaces of these endpoints' pods the labels this cluster gives them. */
  private labelsAlikeIn(compiled: CompiledCluster): boolean {
    if (compiled === this.compiled) return true;
    for (const namespace of this.podsByNamespace().keys()) {
      const a = this.compiled.namespaceLabels(namespace);
      const b = compiled.namespaceLabels(namespace);
      if (a !== b && !sameLabels(a, b)) return false;
    }
    return true;
  }

  private fact(o: number): PeerFacts {
    let found = this.facts[o];
    if (!found) {
      found = this.factsOfPod(this.pods[o] as PodModel); // outside addresses' facts are made up front
      this.facts[o] = found;
    }
    return found;
  }

  /** `subject`'s isolating policies and their sets (an outside address: none, not isolated). */
  private subject(subject: number): Subject {
    let found = this.subjects[subject];
    if (found) return found;
    const pod = this.pods[subject];
    const sides = pod ? this.sidesOf(pod) : OUTSIDE;
    const intern = (direction: Direction) => {
      const key = `${direction}:${sides.keys[direction]}`;
      let id = this.setIds.get(key);
      if (id === undefined) {
        id = this.setIds.size;
        this.setIds.set(key, id);
        const named = sides[direction].some((c) =>
          c.ingress.some((r) => r.ports !== 'all' && r.ports.some((p) => typeof p.port === 'string')),
        );
        if (direction === 'ingress' && named) this.namedSets.add(id);
      }
      return id;
    };
    found = {
      ingress: sides.ingress,
      egress: sides.egress,
      sets: { ingress: intern('ingress'), egress: intern('egress') },
    };
    this.subjects[subject] = found;
    return found;
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

  /**
   * What `subject`'s side allows towards (egress) or from (ingress) every endpoint at once:
   * endpoint o's mask at `o * words`, or undefined when the side is not isolated (it allows
   * everything). The array is this object's and holds the answer until the next call in the
   * same direction; subjects with the same policies share it (unless an ingress rule names a
   * port, resolved on the subject), so callers asking subjects grouped by set compute each
   * set once. Each rule's peer match is computed over every endpoint once, as a bitset.
   */
  sideRow(direction: Direction, subject: number): Uint32Array | undefined {
    const side = this.subject(subject);
    const policies = side[direction];
    if (policies.length === 0) return undefined;
    const set = side.sets[direction];
    const row = this.rows[direction];
    const shareable = direction === 'egress' || !this.namedSets.has(set);
    const words = this.words;
    const count = this.pods.length;
    if (row.mask.length !== count * words) row.mask = new Uint32Array(count * words);
    else if (shareable && row.set === set) return row.mask;
    row.set = shareable ? set : -1;
    const out = row.mask;
    out.fill(0);
    for (const policy of policies) {
      for (const rule of direction === 'ingress' ? policy.ingress : policy.egress) {
        const bits = this.ruleMatches(policy, rule);
        // A port named by an egress rule is resolved on each destination; ingress: on the subject.
        const fixed = direction === 'ingress' || !namesPort(rule) ? this.portMask(rule, subject) : undefined;
        const add = (o: number) => {
          const mask = fixed ?? this.portMask(rule, o);
          const at0 = o * words;
          for (let w = 0; w < words; w++) out[at0 + w]! |= mask[w]!;
        };
        if (!bits) for (let o = 0; o < count; o++) add(o);
        else forEachBit(bits, add);
      }
    }
    return out;
  }

  /** A rule's peer match over every endpoint (bit o: endpoint o); undefined when it has no peers (everything). */
  private ruleMatches(policy: CompiledPolicy, rule: CompiledRule): Uint32Array | undefined {
    if (rule.peers === 'all') return undefined;
    const known = this.ruleBits.get(rule);
    if (known) return known;
    const bits = this.peerBits(policy, rule);
    if (bits) this.ruleBits.set(rule, bits);
    return bits;
  }

  /**
   * The endpoints `rule` (of `policy`) admits as peers, as bits (undefined: every endpoint),
   * computed and not kept: a diff asks every rule once to see which endpoints the rules see
   * differently, and keeping rules × endpoints bits would be quadratic in memory.
   */
  peerBits(policy: CompiledPolicy, rule: CompiledRule): Uint32Array | undefined {
    if (rule.peers === 'all') return undefined;
    const known = this.ruleBits.get(rule);
    if (known) return known;
    const bits = new Uint32Array(Math.ceil(this.pods.length / 32));
    for (const peer of rule.peers) {
      if (peer.kind === 'ipBlock') {
        const members = this.blockMembers(peer);
        for (let w = 0; w < bits.length; w++) bits[w]! |= members[w]!;
        continue;
      }
      // o < pods.length, so o >>> 5 < bits.length
      this.forEachSelected(peer, policy.policy.namespace, (o) => {
        bits[o >>> 5]! |= 1 << (o & 31);
      });
    }
    return bits;
  }

  /**
   * Calls `fn` with each endpoint a selector peer of a policy in `policyNamespace` admits: the
   * pod half asked only in the namespaces the namespace half reaches (a pod's facts show its
   * own labels). In namespace order, each namespace's endpoints in index order.
   */
  forEachSelected(peer: SelectorPeer, policyNamespace: string, fn: (o: number) => void): void {
    for (const namespace of this.namespacesReached(peer, policyNamespace)) {
      for (const o of this.podsByNamespace().get(namespace) ?? []) {
        if (!peer.pods || peer.pods(this.pods[o]?.labels ?? {})) fn(o);
      }
    }
  }

  /** The endpoints an ipBlock peer admits, as bits over every endpoint (kept per block: never write to it). */
  blockBits(peer: Extract<CompiledPeer, { kind: 'ipBlock' }>): Uint32Array {
    return this.blockMembers(peer);
  }

  /** The pod endpoints (indexes) of each namespace. */
  private podsByNamespace(): Map<string, number[]> {
    if (!this.side.byNamespace) {
      const byNamespace = new Map<string, number[]>();
      this.pods.forEach((pod, o) => {
        if (!pod) return;
        const members = byNamespace.get(pod.namespace);
        if (members) members.push(o);
        else byNamespace.set(pod.namespace, [o]);
      });
      this.side.byNamespace = byNamespace;
    }
    return this.side.byNamespace;
  }

  /** Per namespaceSelector (canonical text): the namespaces it reaches. */
  private readonly reached: Map<string, string[]>;

  private namespacesReached(peer: SelectorPeer, policyNamespace: string): readonly string[] {
    // Without a namespaceSelector, the policy's own namespace (peerScopesNamespace): not asked
    // of every namespace once per policy namespace.
    if (!peer.namespaces) return [policyNamespace];
    const selector = peer.model.kind === 'selector' ? peer.model.namespaceSelector : undefined;
    const key = canonicalSelector(selector);
    let namespaces = this.reached.get(key);
    if (!namespaces) {
      namespaces = [];
      for (const [namespace, members] of this.podsByNamespace()) {
        // Every endpoint of a namespace has its labels: asked of the first.
        const labels = this.fact(first(members)).namespaceLabels ?? {};
        if (peerScopesNamespace(peer, policyNamespace, namespace, labels)) namespaces.push(namespace);
      }
      this.reached.set(key, namespaces);
    }
    return namespaces;
  }

  /** Per distinct ipBlock: the endpoints whose address it holds (pods by their primary address). */
  private readonly blocks: Map<string, Uint32Array>;

  private blockMembers(peer: Extract<CompiledPeer, { kind: 'ipBlock' }>): Uint32Array {
    const key = canonicalPeer(peer.model);
    let members = this.blocks.get(key);
    if (!members) {
      const bits = new Uint32Array(Math.ceil(this.pods.length / 32));
      // The namespace is not read for an ipBlock.
      for (let o = 0; o < this.pods.length; o++) if (matchPeer(peer, '', this.fact(o))) bits[o >>> 5]! |= 1 << (o & 31);
      members = bits;
      this.blocks.set(key, members);
    }
    return members;
  }

  /** The ids of the policies isolating `subject` in `direction`, in policy order. */
  policyIds(direction: Direction, subject: number): string {
    return this.subject(subject)
      [direction].map((c) => c.policy.id)
      .join('\n');
  }

  /** Subjects with the same isolating policies share an id (per direction). */
  setOf(direction: Direction, subject: number): number {
    return this.subject(subject).sets[direction];
  }

  /**
   * What `subject`'s side allows towards/from `other` (undefined: everything, not isolated).
   * Subjects with the same isolating policies get the same answer for the same `other`,
   * unless an ingress rule names a port (resolved on the subject itself), so answers are
   * kept per (policy set, other) for the latest set asked (egress) or latest other (ingress):
   * callers that iterate sources grouped by set reuse nearly every answer.
   */
  sideMask(direction: Direction, subject: number, other: number): Uint32Array | undefined {
    const side = this.subject(subject);
    const policies = side[direction];
    if (policies.length === 0) return undefined; // not isolated (or outside): allows everything
    const set = side.sets[direction];
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

  /** Whether `rule` (of `policy`) admits endpoint `other` as a peer (kept per rule and endpoint). */
  peerMatches(policy: CompiledPolicy, rule: CompiledRule, other: number): boolean {
    if (rule.peers === 'all') return true;
    const bits = this.ruleBits.get(rule);
    if (bits) return (bits[other >>> 5]! & (1 << (other & 31))) !== 0;
    let cache = this.peerCache.get(rule);
    if (!cache) {
      cache = new Map();
      this.peerCache.set(rule, cache);
    }
    let matches = cache.get(other);
    if (matches === undefined) {
      const facts = this.fact(other);
      matches = rule.peers.some((p) => this.compiled.peerMatches(policy.policy, p.model, facts));
      cache.set(other, matches);
    }
    return matches;
  }

  private portMask(rule: CompiledRule, destination: number): Uint32Array {
    const named = namesPort(rule);
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

/**
 * What VerdictMasks find of their endpoints alone, whatever the ports (see the constructor):
 * each endpoint's facts, the pods of each namespace, the namespaces a selector reaches, each
 * ipBlock's members and each rule's peer bits. Kept per compiled cluster for its last list of
 * endpoints (the same pods, the same outside addresses, in the same order), and shared with an
 * edited version's masks whose endpoints and namespace labels are the same (`like`).
 */
interface EndpointSide {
  pods: readonly (PodModel | undefined)[];
  ips: readonly (string | undefined)[];
  facts: (PeerFacts | undefined)[];
  byNamespace?: Map<string, number[]>;
  reached: Map<string, string[]>;
  blocks: Map<string, Uint32Array>;
  /** Weak: an edited version sharing this side adds its changed rules, which go with it. */
  ruleBits: WeakMap<CompiledRule, Uint32Array>;
}

const endpointSides = new WeakMap<CompiledCluster, EndpointSide>();

function sameEndpoints(side: EndpointSide, peers: readonly Peer[]): boolean {
  if (side.pods.length !== peers.length) return false;
  for (let o = 0; o < peers.length; o++) {
    const peer = peers[o] as Peer;
    if (peer.kind === 'pod' ? side.pods[o] !== peer.pod : side.pods[o] !== undefined || side.ips[o] !== peer.ip)
      return false;
  }
  return true;
}

/** A subject's isolating policies per direction, and their sets' ids in one VerdictMasks. */
interface Subject {
  ingress: readonly CompiledPolicy[];
  egress: readonly CompiledPolicy[];
  sets: { ingress: number; egress: number };
}

/** A pod's isolating policies per direction and their key (the policies' indexes in the compiled cluster). */
interface PodSides {
  ingress: readonly CompiledPolicy[];
  egress: readonly CompiledPolicy[];
  keys: { ingress: string; egress: string };
}

const OUTSIDE: PodSides = { ingress: [], egress: [], keys: { ingress: '', egress: '' } };

/**
 * Each pod's sides and facts, kept per compiled cluster and pod (models are never changed once
 * built): the web UI's what-if diffs the input, whose compiled cluster stays, with every edit.
 */
const sidesByCluster = new WeakMap<CompiledCluster, (pod: PodModel) => PodSides>();
const factsByCluster = new WeakMap<CompiledCluster, (pod: PodModel) => PeerFacts>();

function sidesOf(compiled: CompiledCluster): (pod: PodModel) => PodSides {
  let sides = sidesByCluster.get(compiled);
  if (sides) return sides;
  const policyIndex = new Map<CompiledPolicy, number>(compiled.policies.map((c, i) => [c, i]));
  const known = new WeakMap<PodModel, PodSides>();
  sides = (pod) => {
    let found = known.get(pod);
    if (!found) {
      const policies = compiled.policiesSelectingOnce(pod);
      const ingress = policies.filter((c) => c.policy.types.ingress);
      const egress = policies.filter((c) => c.policy.types.egress);
      const key = (list: readonly CompiledPolicy[]) => list.map((c) => policyIndex.get(c)).join(',');
      found = { ingress, egress, keys: { ingress: key(ingress), egress: key(egress) } };
      known.set(pod, found);
    }
    return found;
  };
  sidesByCluster.set(compiled, sides);
  return sides;
}

function factsOf(compiled: CompiledCluster): (pod: PodModel) => PeerFacts {
  let facts = factsByCluster.get(compiled);
  if (facts) return facts;
  const known = new WeakMap<PodModel, PeerFacts>();
  facts = (pod) => {
    let found = known.get(pod);
    if (!found) {
      found = compiled.facts({ kind: 'pod', pod });
      known.set(pod, found);
    }
    return found;
  };
  factsByCluster.set(compiled, facts);
  return facts;
}

/** A rule port given by name (resolved on the destination pod). */
function namesPort(rule: CompiledRule): boolean {
  return rule.ports !== 'all' && rule.ports.some((p) => typeof p.port === 'string');
}

export type SelectorPeer = Extract<CompiledPeer, { kind: 'selector' }>;

/** Calls `fn` with the index of every set bit, in order, skipping empty words. */
function forEachBit(bits: Uint32Array, fn: (index: number) => void): void {
  for (let w = 0; w < bits.length; w++) {
    let word = bits[w]!;
    while (word !== 0) {
      const low = word & -word;
      fn(w * 32 + 31 - Math.clz32(low));
      word ^= low;
    }
  }
}
