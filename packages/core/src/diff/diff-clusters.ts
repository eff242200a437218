import { at } from '../at.js';
import { compileCluster } from '../engine/compile-cluster.js';
import type { CompiledPolicy } from '../engine/compile-policy.js';
import { selectsPod } from '../engine/selects-pod.js';
import type { Peer } from '../engine/types.js';
import { containerPortWords } from '../format/words.js';
import { type EndpointSample, listEndpointSamples } from '../matrix/endpoint-samples.js';
import { canonicalPolicy } from '../model/canonical.js';
import { firstBuild } from '../model/moved-model.js';
import { sameLabels } from '../model/selector.js';
import type { ClusterModel, PodModel, PolicyModel, Protocol } from '../model/types.js';
import { diffAdminPolicies } from './admin-policy-changes.js';
import { type ExternalEndpoint, externalEndpoints } from './external-endpoints.js';
import { describePolicyChange } from './policy-changes.js';
import { mergeSpans, type PortSpan, partitionPorts } from './port-partition.js';
import { rulesSeeApart } from './rules-see-apart.js';
import { TierMasks } from './tier-masks.js';
import type { UnanalyzedChange } from './unanalyzed-changes.js';
import { type SpanRef, VerdictMasks } from './verdict-masks.js';

export interface ConnectionChange {
  /** EndpointSample ids as `matrix` names them: `ns/pod`, `ns/name[Kind]`, or an outside IP. */
  from: string;
  to: string;
  protocol: Protocol;
  /** The ports whose verdict changed, merged into ranges. */
  spans: PortSpan[];
  /** Named ports of the destination whose verdict changed (symbolic diff: a class's port by name). */
  names?: string[];
}

export interface EndpointChange {
  id: string;
  /** What peers and rules see differently, for people: "labels app=a → app=b", "ports +TCP 8080". */
  changes: string[];
}

export interface ClusterDiff {
  opened: ConnectionChange[];
  closed: ConnectionChange[];
  /** Policy ids added, removed, changed in what they do; `details` says how each changed one did. */
  policies: { added: string[]; removed: string[]; changed: string[]; details: { id: string; changes: string[] }[] };
  /**
   * Endpoints in one version only (their connections there count as opened, or closed: issue 13),
   * and endpoints in both whose labels, namespace labels, ports or address changed (why
   * connections changed when no policy did), each with what changed.
   */
  endpoints: { added: string[]; removed: string[]; changed: EndpointChange[] };
  /** Outside addresses asked about, and what each stands for. */
  externals: ExternalEndpoint[];
  /**
   * Things neither version analyzed (Helm templates, other engines' policies) that differ
   * between them: what they open or close is unknown, so a diff with any is never "no changes".
   */
  unanalyzed?: UnanalyzedChange[];
}

/**
 * What a change opens and closes, at `matrix` granularity: for every pair of endpoints present
 * in both versions (pods, workloads on their first replica, and one outside address per class
 * of ipBlock-equivalent addresses), every protocol and every port span on which verdicts are
 * uniform, compare the verdicts of BASE and HEAD. An endpoint in one version only gains (or
 * loses) every connection it has there. Only pairs that can differ are asked: one
 * side's policies changed (selected by an added, removed or changed policy) or one endpoint's
 * labels, namespace labels, ports or address changed.
 */
export function diffClusters(base: ClusterModel, head: ClusterModel): ClusterDiff {
  if (sameModels(base, head)) {
    // Nothing the engine reads differs: what the passes below would find, without them.
    const policies = { added: [], removed: [], changed: [], details: [] };
    const endpoints = { added: [], removed: [], changed: [] };
    return { opened: [], closed: [], policies, endpoints, externals: externalEndpoints([base, head]) };
  }
  const { policies, adminChanged } = diffAllPolicies(base, head);
  const baseEps = new Map(listEndpointSamples(base).map((e) => [e.id, e]));
  const headEps = new Map(listEndpointSamples(head).map((e) => [e.id, e]));
  const endpoints: ClusterDiff['endpoints'] = {
    added: [...headEps.keys()].filter((id) => !baseEps.has(id)),
    removed: [...baseEps.keys()].filter((id) => !headEps.has(id)),
    changed: [],
  };
  const externals = externalEndpoints([base, head]);
  const result: ClusterDiff = { opened: [], closed: [], policies, endpoints, externals };
  const compiledBase = compileCluster(base);
  const compiledHead = compileCluster(head);
  const changed = new Set([...policies.added, ...policies.removed, ...policies.changed]);
  // The admin tiers (docs/admin-tiers.md): verdicts come from every tier (TierMasks).
  const tiers = (base.adminPolicies ?? []).length > 0 || (head.adminPolicies ?? []).length > 0;
  // Nodes are seen only by admin `nodes` peers: without admin policies they change no verdict.
  const everything = adminChanged && tiers;
  // A side can differ when a policy isolating it in that direction changed (in either version).
  // Only the changed policies are asked whether they select the pod (as changedSides asks): the
  // same answer, as the policies selecting a pod are those of its namespace that select it.
  const changedIn = { base: changedByNamespace(base, changed), head: changedByNamespace(head, changed) };
  const touched = (version: 'base' | 'head', pod: PodModel, direction: 'ingress' | 'egress') =>
    changedIn[version].get(pod.namespace)?.some((c) => c.policy.types[direction] && selectsPod(c, pod)) ?? false;
  const dirty: Side[] = [];
  const alike = namespacesAlike(base, head);
  for (const [id, e] of baseEps) {
    const h = headEps.get(id);
    if (!h) continue;
    const identity = !sameParts(e.pod, h.pod, alike) && identityOf(base, e.pod) !== identityOf(head, h.pod);
    if (identity) endpoints.changed.push({ id, changes: describeChange(base, e.pod, head, h.pod) });
    const policiesChanged = (direction: 'ingress' | 'egress') =>
      everything || touched('base', e.pod, direction) || touched('head', h.pod, direction);
    const own = { egress: policiesChanged('egress'), ingress: policiesChanged('ingress') };
    dirty.push({
      id,
      base: podPeer(e.pod),
      head: podPeer(h.pod),
      egress: identity || own.egress,
      ingress: identity || own.ingress,
      identity,
      own,
    });
  }
  // Endpoints in one version only: every connection they have there is gained (or lost).
  const only: Side[] = [
    ...endpoints.added.map((id) => onlySide(id, (headEps.get(id) as EndpointSample).pod, 'head')),
    ...endpoints.removed.map((id) => onlySide(id, (baseEps.get(id) as EndpointSample).pod, 'base')),
  ];
  if (!dirty.some((d) => d.egress || d.ingress) && only.length === 0) return result;

  const sides: Side[] = [
    ...only,
    ...dirty,
    ...externals.map((x): Side => {
      const peer: Peer = { kind: 'external', ip: x.ip };
      return { id: x.ip, base: peer, head: peer, egress: false, ingress: false, identity: false };
    }),
  ];
  const spans: SpanRef[] = [];
  for (const [protocol, list] of partitionPorts([base, head])) for (const span of list) spans.push({ protocol, span });
  const peers = { base: sides.map((s) => s.base), head: sides.map((s) => s.head) };
  // NetworkPolicies alone: each side's masks, and the verdicts when there are no admin tiers.
  // The head's endpoints are mostly the base's pods (an edit keeps those it did not change):
  // what the base's masks found of them is the head's too when they are the same.
  const baseMasks = new VerdictMasks(compiledBase, peers.base, spans);
  const policyMasks = { base: baseMasks, head: new VerdictMasks(compiledHead, peers.head, spans, baseMasks) };
  // With admin tiers a pair's verdict is asked of every tier (TierMasks).
  const verdicts = tiers
    ? { base: new TierMasks(compiledBase, peers.base, spans), head: new TierMasks(compiledHead, peers.head, spans) }
    : policyMasks;
  // Without admin tiers, an endpoint whose labels changed in a way no rule or policy sees
  // (a version label on every workload) changes no verdict: not compared.
  if (!tiers && !everything) unseenIdentityChanges(sides, base, head, policyMasks, changed);
  const compare = pairComparer(sides, spans, verdicts, result);
  if (everything) compareEveryPair(sides, compare);
  // Without admin tiers the verdict is the NetworkPolicy masks alone: an endpoint whose identity
  // changed is compared a row (or column) at a time, from the masks' shared rows.
  else compareSides(sides, policyMasks, compare, tiers ? undefined : lineComparer(sides, spans, policyMasks, result));
  const order = new Map(sides.map((s, i) => [s.id, i]));
  const byPair = (a: ConnectionChange, b: ConnectionChange) =>
    (order.get(a.to) ?? 0) - (order.get(b.to) ?? 0) ||
    (order.get(a.from) ?? 0) - (order.get(b.from) ?? 0) ||
    PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol];
  result.opened.sort(byPair);
  result.closed.sort(byPair);
  return result;
}

/**
 * Which directions of the given pods (each pair: one pod as BASE and as HEAD has it) may see
 * other verdicts in HEAD, as `diffClusters` finds its sides: a policy selecting the pod in
 * that direction changed in what it does (in either version), or the pod looks otherwise to
 * peers and rules (both directions). A pair of pods with no such direction has the same
 * verdict in both versions. `undefined`: every pair may differ (admin tiers and their
 * policies or nodes changed). The web UI keeps its matrices across an edit, computing again
 * only the rows and columns of the directions found here.
 */
export function changedSides(
  base: ClusterModel,
  head: ClusterModel,
  pods: readonly [PodModel, PodModel][],
): { egress: boolean; ingress: boolean }[] | undefined {
  if (sameModels(base, head) && pods.every(([a, b]) => a === b))
    return pods.map(() => ({ egress: false, ingress: false }));
  const { policies, adminChanged } = diffAllPolicies(base, head);
  const tiers = (base.adminPolicies ?? []).length > 0 || (head.adminPolicies ?? []).length > 0;
  if (adminChanged && tiers) return undefined;
  const changed = new Set([...policies.added, ...policies.removed, ...policies.changed]);
  // Only the changed policies are asked whether they select a pod (a few, where the summary's
  // diff asks every policy of the pod's namespace): the same answer, as `policiesSelecting` is
  // the policies of the pod's namespace that select it.
  const changedIn = { base: changedByNamespace(base, changed), head: changedByNamespace(head, changed) };
  const touched = (version: 'base' | 'head', pod: PodModel, direction: 'ingress' | 'egress') =>
    changedIn[version].get(pod.namespace)?.some((c) => c.policy.types[direction] && selectsPod(c, pod)) ?? false;
  const alike = namespacesAlike(base, head);
  return pods.map(([a, b]) => {
    const identity = !sameParts(a, b, alike) && identityOf(base, a) !== identityOf(head, b);
    const side = (direction: 'ingress' | 'egress') =>
      identity || touched('base', a, direction) || touched('head', b, direction);
    return { egress: side('egress'), ingress: side('ingress') };
  });
}

/**
 * Whether two models are made of the very same parts: the same pods, workloads and Services
 * lists, namespace, policy, admin policy and node models (a what-if edit of a comment, or one
 * that only moved List items: core's unmovedModel). Models are never changed once built, so
 * every verdict, identity and endpoint is the same in both.
 */
function sameModels(base: ClusterModel, head: ClusterModel): boolean {
  if (base === head) return true;
  if (base.pods !== head.pods || base.workloads !== head.workloads || base.services !== head.services) return false;
  const same = (a: readonly object[] = [], b: readonly object[] = []) =>
    a.length === b.length && a.every((x, k) => x === b[k]);
  if (!same(base.policies, head.policies) || !same(base.adminPolicies, head.adminPolicies)) return false;
  if (!same(base.nodes, head.nodes) || !same(base.dropped, head.dropped)) return false;
  if (base.namespaces.size !== head.namespaces.size) return false;
  for (const [name, namespace] of base.namespaces) if (head.namespaces.get(name) !== namespace) return false;
  return true;
}

/** The compiled NetworkPolicies of `cluster` whose ids are in `changed`, by namespace. */
function changedByNamespace(cluster: ClusterModel, changed: ReadonlySet<string>): Map<string, CompiledPolicy[]> {
  const byNamespace = new Map<string, CompiledPolicy[]>();
  if (changed.size === 0) return byNamespace;
  const compiled = compileCluster(cluster);
  for (const policy of cluster.policies) {
    if (!changed.has(policy.id)) continue;
    const list = byNamespace.get(policy.namespace);
    if (list) list.push(compiled.compiled(policy));
    else byNamespace.set(policy.namespace, [compiled.compiled(policy)]);
  }
  return byNamespace;
}

/** An endpoint as both versions see it, and which of its directions may have changed. */
interface Side {
  id: string;
  base: Peer;
  head: Peer;
  egress: boolean;
  ingress: boolean;
  /** What peers see of it changed (labels, namespace labels, ports, address), or it is in one version only. */
  identity: boolean;
  /** Whether a policy selecting it changed, per direction (the dirtiness without `identity`). */
  own?: { egress: boolean; ingress: boolean };
  /** The one version it exists in (absent: both). */
  only?: 'base' | 'head';
}

function podPeer(pod: PodModel): Peer {
  return { kind: 'pod', pod };
}

function onlySide(id: string, pod: PodModel, version: 'base' | 'head'): Side {
  return { id, base: podPeer(pod), head: podPeer(pod), egress: true, ingress: true, identity: true, only: version };
}

/**
 * The policies of every tier added, removed and changed, and whether the admin tiers changed:
 * their policies are listed with the others; when any changed (or a node's address or labels,
 * which admin `nodes` peers see), every pair may change.
 */
function diffAllPolicies(
  base: ClusterModel,
  head: ClusterModel,
): { policies: ClusterDiff['policies']; adminChanged: boolean } {
  const policies = diffPolicies(base, head);
  const admin = diffAdminPolicies(base, head);
  policies.added.push(...admin.added);
  policies.removed.push(...admin.removed);
  policies.changed.push(...admin.changed);
  policies.details.push(...admin.details);
  const nodes = (c: ClusterModel) => JSON.stringify((c.nodes ?? []).map((n) => [n.name, n.labels, n.addresses]));
  const adminChanged =
    admin.added.length + admin.removed.length + admin.changed.length > 0 || nodes(base) !== nodes(head);
  return { policies, adminChanged };
}

/**
 * Every pair that can differ (a source whose egress may have changed to every endpoint, every
 * source to a destination whose ingress may have), compared span by span: the spans allowed
 * only in HEAD are opened, only in BASE closed. Pair by pair: when the admin tiers changed,
 * every pair may differ.
 */
function compareEveryPair(sides: readonly Side[], compare: (from: number, to: number) => void): void {
  const dirtyTo = sides.map((s, i) => (s.ingress ? i : -1)).filter((i) => i >= 0);
  const all = sides.map((_, i) => i);
  for (const from of all) {
    const source = at(sides, from);
    if (!source.egress && dirtyTo.length === 0) continue;
    for (const to of source.egress ? all : dirtyTo) compare(from, to);
  }
}

/**
 * The same pairs, fewer compared in full. A NetworkPolicy verdict is the source's egress AND
 * the destination's ingress; a side whose policies did not change, facing an endpoint whose
 * identity did not change, allows the same in both versions, so such a pair can differ only
 * where its other side's masks differ. Those are compared a whole row at a time (`sideRow`:
 * one side against every endpoint, typed arrays, no object per pair), and only the pairs
 * where they differ, or where both sides may differ, are compared in full. With admin tiers
 * (unchanged, nodes too: else `compareEveryPair`) the tiers answer the same for a pair whose
 * endpoints did not change, so a pair whose NetworkPolicy masks are the same has the same
 * verdict too.
 */
function compareSides(
  sides: readonly Side[],
  masks: { base: VerdictMasks; head: VerdictMasks },
  compare: (from: number, to: number) => void,
  lines?: LineComparer,
): void {
  const words = masks.base.words;
  const count = sides.length;
  /** Calls `fn` with every endpoint whose masks differ between the two rows (undefined: not isolated). */
  const eachDiffering = (a: Uint32Array | undefined, b: Uint32Array | undefined, fn: (o: number) => void) => {
    if (!a || !b) {
      if (a !== b) for (let o = 0; o < count; o++) fn(o);
      return;
    }
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      const o = Math.floor(i / words);
      fn(o);
      i = (o + 1) * words - 1; // on to the next endpoint
    }
  };
  const bySet = (direction: 'ingress' | 'egress') => (a: number, b: number) =>
    masks.base.setOf(direction, a) - masks.base.setOf(direction, b) || a - b;
  const all = sides.map((_, i) => i);
  const dirtyTo = all.filter((i) => at(sides, i).ingress);
  // Sources whose egress may have changed: every destination (grouped by set: rows are shared).
  for (const from of all.filter((i) => at(sides, i).egress).sort(bySet('egress'))) {
    if (at(sides, from).identity) {
      // Both sides of every pair may differ (peers see this source differently).
      if (lines) lines.sourceRow(from);
      else for (const to of all) compare(from, to);
      continue;
    }
    // Destinations whose ingress may have changed too: in full; to the others only this
    // source's egress can make a pair differ.
    for (const to of dirtyTo) compare(from, to);
    eachDiffering(masks.base.sideRow('egress', from), masks.head.sideRow('egress', from), (to) => {
      if (!at(sides, to).ingress) compare(from, to);
    });
  }
  // Every other source to the destinations whose ingress may have changed.
  for (const to of [...dirtyTo].sort(bySet('ingress'))) {
    const others = (from: number) => {
      if (!at(sides, from).egress) compare(from, to); // else compared above
    };
    // The source's egress is the same in both versions unless the destination's identity changed.
    if (at(sides, to).identity) {
      if (lines) lines.destinationColumn(to, (from) => at(sides, from).egress);
      else for (const from of all) others(from);
    } else eachDiffering(masks.base.sideRow('ingress', to), masks.head.sideRow('ingress', to), others);
  }
}

/**
 * Clears `identity` of the sides whose change no policy sees. Without admin tiers, what an
 * endpoint's labels, namespace labels and address decide is which policies select it and
 * which rules admit it as a peer; its container ports decide named ports. When its ports are
 * the same, the policies isolating it are the same (by id) in each direction, and every rule
 * of every policy unchanged between the versions admits it in both or in neither, every
 * verdict it takes part in is the same, except through a changed policy, whose own sides
 * are compared anyway (`own`). Each distinct peer's endpoints are computed once per version
 * and compared (`rulesSeeApart`): only where a peer sees an endpoint apart is a rule asked;
 * comparing every pair of a relabelled endpoint was quadratic in endpoints.
 */
function unseenIdentityChanges(
  sides: Side[],
  base: ClusterModel,
  head: ClusterModel,
  masks: { base: VerdictMasks; head: VerdictMasks },
  changed: ReadonlySet<string>,
): void {
  const candidates = sides.flatMap((s, o) =>
    s.identity && !s.only && s.own && s.base.kind === 'pod' && s.head.kind === 'pod' ? [o] : [],
  );
  if (candidates.length === 0) return;
  const seen = new Uint8Array(sides.length);
  for (const o of candidates) {
    const [b, h] = [at(sides, o).base, at(sides, o).head];
    if (
      b.kind !== 'pod' ||
      h.kind !== 'pod' ||
      b.pod.hostNetwork !== h.pod.hostNetwork ||
      JSON.stringify(b.pod.ports) !== JSON.stringify(h.pod.ports)
    )
      seen[o] = 1;
    else if (
      masks.base.policyIds('ingress', o) !== masks.head.policyIds('ingress', o) ||
      masks.base.policyIds('egress', o) !== masks.head.policyIds('egress', o)
    ) {
      seen[o] = 1;
    }
  }
  rulesSeeApart(masks, unchangedPolicies(base, head, changed), seen, candidates);
  for (const o of candidates) {
    const side = at(sides, o);
    if (seen[o] || !side.own) continue;
    side.identity = false;
    side.egress = side.own.egress;
    side.ingress = side.own.ingress;
  }
}

/** The policies in both versions and unchanged, compiled: BASE's and HEAD's. */
export function unchangedPolicies(
  base: ClusterModel,
  head: ClusterModel,
  changed: ReadonlySet<string>,
): [CompiledPolicy, CompiledPolicy][] {
  const compiledBase = compileCluster(base);
  const compiledHead = compileCluster(head);
  const headById = new Map(head.policies.map((p) => [p.id, p]));
  return base.policies.flatMap((policy) => {
    const other = headById.get(policy.id);
    return !other || changed.has(policy.id) ? [] : [[compiledBase.compiled(policy), compiledHead.compiled(other)]];
  });
}

/** Compares every pair of one source, or of one destination, in full: see `lineComparer`. */
interface LineComparer {
  sourceRow(from: number): void;
  /** Every source but those `skip` names, to `to`. */
  destinationColumn(to: number, skip: (from: number) => boolean): void;
}

/**
 * `pairComparer` for every pair of one endpoint at once, when the NetworkPolicy masks are
 * the verdict (no admin tiers). A pair's verdict is the source's egress mask towards the
 * destination AND the destination's ingress mask from the source; one side comes from the
 * endpoint's row (`sideRow`, shared by endpoints with the same policies), the other from the
 * masks' per-set answers, so no mask is computed per pair. When every pod is relabelled (a
 * version label on every workload), every endpoint's identity changed and every pair is
 * compared: per pair this is a few word operations, where asking `allowed` per pair made a
 * 2,000-workload diff take a minute.
 */
function lineComparer(
  sides: readonly Side[],
  spans: readonly SpanRef[],
  masks: { base: VerdictMasks; head: VerdictMasks },
  result: ClusterDiff,
): LineComparer {
  const words = masks.base.words;
  const before = new Uint32Array(words);
  const after = new Uint32Array(words);
  const ALL = 0xffffffff;
  /** `line` (a row of endpoints × words, undefined: all allowed) at `o`, AND `mask` (undefined: all), into `out`. */
  const combine = (out: Uint32Array, line: Uint32Array | undefined, o: number, mask: Uint32Array | undefined) => {
    for (let w = 0; w < words; w++) out[w] = (line ? line[o * words + w]! : ALL) & (mask ? mask[w]! : ALL);
  };
  const judge = (from: number, to: number) => recordPair(at(sides, from), at(sides, to), spans, before, after, result);
  const bothOutside = (from: number, to: number) =>
    at(sides, from).base.kind === 'external' && at(sides, to).base.kind === 'external';
  return {
    sourceRow(from) {
      const egress = { base: masks.base.sideRow('egress', from), head: masks.head.sideRow('egress', from) };
      for (let to = 0; to < sides.length; to++) {
        if (to === from || bothOutside(from, to)) continue;
        combine(before, egress.base, to, masks.base.sideMask('ingress', to, from));
        combine(after, egress.head, to, masks.head.sideMask('ingress', to, from));
        judge(from, to);
      }
    },
    destinationColumn(to, skip) {
      const ingress = { base: masks.base.sideRow('ingress', to), head: masks.head.sideRow('ingress', to) };
      // Sources grouped by egress policies: the masks keep one set's answers at a time.
      const order = sides.map((_, i) => i);
      order.sort(
        (a, b) =>
          masks.base.setOf('egress', a) - masks.base.setOf('egress', b) ||
          masks.head.setOf('egress', a) - masks.head.setOf('egress', b) ||
          a - b,
      );
      for (const from of order) {
        if (from === to || skip(from) || bothOutside(from, to)) continue;
        combine(before, ingress.base, from, masks.base.sideMask('egress', from, to));
        combine(after, ingress.head, from, masks.head.sideMask('egress', from, to));
        judge(from, to);
      }
    },
  };
}

/** Compares one pair in full (both versions' verdicts over every span) into `result`. */
function pairComparer(
  sides: readonly Side[],
  spans: readonly SpanRef[],
  masks: { base: VerdictMasks | TierMasks; head: VerdictMasks | TierMasks },
  result: ClusterDiff,
): (from: number, to: number) => void {
  const before = new Uint32Array(masks.base.words);
  const after = new Uint32Array(masks.head.words);
  return (from, to) => {
    if (from === to) return;
    const source = at(sides, from);
    const destination = at(sides, to);
    if (source.base.kind === 'external' && destination.base.kind === 'external') return;
    masks.base.allowed(from, to, before);
    masks.head.allowed(from, to, after);
    recordPair(source, destination, spans, before, after, result);
  };
}

/** A pair's verdicts in both versions into `result`; a pair with an endpoint that does not exist in a version has no connection there. */
function recordPair(
  source: Side,
  destination: Side,
  spans: readonly SpanRef[],
  before: Uint32Array,
  after: Uint32Array,
  result: ClusterDiff,
): void {
  if (source.only === 'head' || destination.only === 'head') before.fill(0);
  if (source.only === 'base' || destination.only === 'base') after.fill(0);
  pairChanges(source.id, destination.id, spans, before, after, result);
}

/** The spans whose verdict differs between `before` and `after` (one bit per span), per protocol. */
function pairChanges(
  from: string,
  to: string,
  spans: readonly SpanRef[],
  before: Uint32Array,
  after: Uint32Array,
  result: ClusterDiff,
): void {
  let same = true;
  for (let w = 0; w < before.length; w++) if (before[w] !== after[w]) same = false;
  if (same) return;
  const opened = new Map<Protocol, PortSpan[]>();
  const closed = new Map<Protocol, PortSpan[]>();
  spans.forEach(({ protocol, span }, k) => {
    const bit = 1 << (k & 31);
    // k indexes spans, and both masks hold a bit per span.
    const b = (before[k >>> 5]! & bit) !== 0;
    const a = (after[k >>> 5]! & bit) !== 0;
    if (a === b) return;
    const target = a ? opened : closed;
    target.set(protocol, [...(target.get(protocol) ?? []), span]);
  });
  for (const [protocol, list] of opened) result.opened.push({ from, to, protocol, spans: mergeSpans(list) });
  for (const [protocol, list] of closed) result.closed.push({ from, to, protocol, spans: mergeSpans(list) });
}

const PROTOCOL_ORDER: Record<Protocol, number> = { TCP: 0, UDP: 1, SCTP: 2 };

/** Policies by id: added, removed, and changed in what they do (not in formatting or metadata). */
export function diffPolicies(base: ClusterModel, head: ClusterModel): ClusterDiff['policies'] {
  const baseById = new Map(base.policies.map((p) => [p.id, p]));
  const headById = new Map(head.policies.map((p) => [p.id, p]));
  // One build, or a copy of it moved by an edit (`movedModel`), does the same: no texts to compare.
  const same = (b: PolicyModel, h: PolicyModel) =>
    firstBuild(b) === firstBuild(h) || canonicalPolicy(b) === canonicalPolicy(h);
  const changed: string[] = [];
  for (const [id, h] of headById) {
    const b = baseById.get(id);
    if (b && !same(b, h)) changed.push(id);
  }
  changed.sort();
  return {
    added: [...headById.keys()].filter((id) => !baseById.has(id)).sort(),
    removed: [...baseById.keys()].filter((id) => !headById.has(id)).sort(),
    changed,
    details: changed.flatMap((id) => {
      const b = baseById.get(id);
      const h = headById.get(id);
      return b && h ? [{ id, changes: describePolicyChange(b, h) }] : [];
    }),
  };
}

/**
 * Whether two pods' identities are equal without making their texts: the parts `identityText`
 * reads are the same objects (a what-if edit keeps most pods' models, or copies them with
 * their labels and ports) and their namespaces' labels are alike. False: compare the texts.
 */
function sameParts(a: PodModel, b: PodModel, namespacesAlike: (namespace: string) => boolean): boolean {
  if (a === b) return namespacesAlike(a.namespace);
  return (
    a.namespace === b.namespace &&
    a.labels === b.labels &&
    a.ports === b.ports &&
    a.hostNetwork === b.hostNetwork &&
    a.ips.length === b.ips.length &&
    a.ips.every((ip, i) => ip === b.ips[i]) &&
    namespacesAlike(a.namespace)
  );
}

/** Whether a namespace has the same labels in both versions (asked once per namespace). */
function namespacesAlike(base: ClusterModel, head: ClusterModel): (namespace: string) => boolean {
  const known = new Map<string, boolean>();
  return (namespace) => {
    let alike = known.get(namespace);
    if (alike === undefined) {
      const a = base.namespaces.get(namespace)?.labels;
      const b = head.namespaces.get(namespace)?.labels;
      alike = a === b || sameLabels(a ?? {}, b ?? {});
      known.set(namespace, alike);
    }
    return alike;
  };
}

const identities = new WeakMap<ClusterModel, WeakMap<PodModel, string>>();

/**
 * Everything about a pod that peers and rules can see. Kept per model and pod (models are not
 * changed once built): the web UI's what-if compares the input with every edit.
 */
function identityOf(cluster: ClusterModel, pod: PodModel): string {
  let known = identities.get(cluster);
  if (!known) {
    known = new WeakMap();
    identities.set(cluster, known);
  }
  let identity = known.get(pod);
  if (identity === undefined) {
    identity = identityText(cluster, pod);
    known.set(pod, identity);
  }
  return identity;
}

function identityText(cluster: ClusterModel, pod: PodModel): string {
  const sorted = (labels: Readonly<Record<string, string>>) =>
    Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([
    pod.namespace,
    sorted(pod.labels),
    sorted(cluster.namespaces.get(pod.namespace)?.labels ?? {}),
    pod.ips,
    [...pod.ports].map((p) => `${p.name ?? ''}/${p.protocol}/${p.port}`).sort(),
    pod.hostNetwork,
  ]);
}

/** "labels app=a → app=b", "namespace labels +team=x", "ports +8080/TCP -80/TCP", "address 10.0.0.1 → 10.0.0.2". */
function describeChange(base: ClusterModel, before: PodModel, head: ClusterModel, after: PodModel): string[] {
  const labels = (l: Readonly<Record<string, string>>) => Object.entries(l).map(([k, v]) => `${k}=${v}`);
  const delta = (a: readonly string[], b: readonly string[]) => {
    const gone = a.filter((x) => !b.includes(x)).sort();
    const come = b.filter((x) => !a.includes(x)).sort();
    if (gone.length === 0 && come.length === 0) return '';
    if (gone.length > 0 && come.length > 0) return `${gone.join(',')} → ${come.join(',')}`;
    return [...come.map((x) => `+${x}`), ...gone.map((x) => `-${x}`)].join(' ');
  };
  const ports = (p: PodModel) => p.ports.map(containerPortWords);
  const out: string[] = [];
  const l = delta(labels(before.labels), labels(after.labels));
  if (l) out.push(`labels ${l}`);
  const ns = delta(
    labels(base.namespaces.get(before.namespace)?.labels ?? {}),
    labels(head.namespaces.get(after.namespace)?.labels ?? {}),
  );
  if (ns) out.push(`namespace labels ${ns}`);
  const p = delta(ports(before), ports(after));
  if (p) out.push(`ports ${p}`);
  if (before.ips.join(',') !== after.ips.join(','))
    out.push(`address ${before.ips.join(',')} → ${after.ips.join(',')}`);
  if (before.hostNetwork !== after.hostNetwork) out.push(after.hostNetwork ? 'hostNetwork on' : 'hostNetwork off');
  return out;
}
