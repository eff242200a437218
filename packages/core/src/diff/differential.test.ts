import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at } from '../at.js';
import { compileCluster } from '../engine/compile-cluster.js';
import { naiveAllowed } from '../engine/naive-evaluator.js';
import type { Peer } from '../engine/types.js';
import { loadText, namespace, pod, policy, stream } from '../lint/test-helpers.js';
import { listEndpointSamples } from '../matrix/endpoint-samples.js';
import type { ClusterModel, PodModel, Protocol } from '../model/types.js';
import { changedSides, diffClusters } from './diff-clusters.js';
import { partitionPorts } from './port-partition.js';
import { type SpanRef, VerdictMasks } from './verdict-masks.js';

/** Seeded PRNG (mulberry32) so every run sees the same random clusters. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(list: readonly T[]): T => at(list, Math.floor(next() * list.length)),
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof rng>;

const NAMESPACES = ['a', 'b', 'c'];
const PORTS = [53, 80, 443, 8080];
const PROTOCOLS: Protocol[] = ['TCP', 'UDP'];

function labels(r: Rng): Record<string, string> {
  const out: Record<string, string> = {};
  if (r.chance(0.7)) out.app = r.pick(['web', 'db', 'api']);
  if (r.chance(0.4)) out.tier = r.pick(['x', 'y']);
  return out;
}

function selector(r: Rng) {
  if (r.chance(0.3)) return {};
  if (r.chance(0.2)) {
    const operator = r.pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
    const values = operator === 'In' || operator === 'NotIn' ? { values: ['x'] } : {};
    return { matchExpressions: [{ key: 'tier', operator, ...values }] };
  }
  return { matchLabels: { app: r.pick(['web', 'db', 'api']) } };
}

function peer(r: Rng) {
  const k = r.int(4);
  if (k === 0) return { podSelector: selector(r) };
  if (k === 1) return { namespaceSelector: { matchLabels: { team: r.pick(['red', 'blue']) } } };
  if (k === 2) return { namespaceSelector: selector(r), podSelector: selector(r) };
  return r.chance(0.5)
    ? { ipBlock: { cidr: '198.18.0.0/16', except: ['198.18.128.0/17'] } }
    : { ipBlock: { cidr: r.pick(['203.0.113.0/24', '0.0.0.0/0', '192.168.0.0/16']) } };
}

function port(r: Rng) {
  const protocol = r.pick(PROTOCOLS);
  const k = r.int(4);
  if (k === 0) return { protocol };
  if (k === 1) return { protocol, port: 'http' };
  if (k === 2) return { protocol, port: 80, endPort: 443 };
  return { protocol, port: r.pick(PORTS) };
}

function rule(r: Rng, dir: 'from' | 'to') {
  const out: Record<string, unknown> = {};
  if (r.chance(0.8)) out[dir] = Array.from({ length: 1 + r.int(2) }, () => peer(r));
  if (r.chance(0.7)) out.ports = Array.from({ length: 1 + r.int(2) }, () => port(r));
  return out;
}

function randomPolicy(r: Rng, name: string) {
  const types = r.pick([['Ingress'], ['Egress'], ['Ingress', 'Egress'], undefined]);
  const spec: Record<string, unknown> = { podSelector: selector(r) };
  if (types) spec.policyTypes = types;
  if (r.chance(0.8)) spec.ingress = Array.from({ length: r.int(3) }, () => rule(r, 'from'));
  if (r.chance(0.6)) spec.egress = Array.from({ length: r.int(3) }, () => rule(r, 'to'));
  return policy(r.pick(NAMESPACES), name, spec);
}

function randomWorld(r: Rng) {
  const objects: object[] = NAMESPACES.map((n) => namespace(n, r.chance(0.5) ? { team: r.pick(['red', 'blue']) } : {}));
  for (let i = 0; i < 6; i++) {
    const ports = r.chance(0.6)
      ? [{ containerPort: r.pick([80, 8080, 443]), name: 'http', protocol: r.pick(PROTOCOLS) }]
      : [];
    objects.push(pod(r.pick(NAMESPACES), `p${i}`, labels(r), ports));
  }
  return objects;
}

const cluster = (objects: object[]) => loadText(stream(objects)).loaded.cluster;

const PROBE_PORTS = [1, 52, 53, 54, 79, 80, 81, 200, 443, 444, 8079, 8080, 8081, 30000, 65535];

/**
 * Asserts that `diffClusters(base, head)` names exactly the (pair, protocol, port) whose naive
 * verdict changed, over every endpoint of either version (one that exists in one version only
 * has no connection in the other) and the outside addresses it asked about. Returns the count
 * of changed verdicts.
 */
function assertAgreesWithNaive(base: ClusterModel, head: ClusterModel, where: string): number {
  const d = diffClusters(base, head);
  const find = (list: typeof d.opened, from: string, to: string, protocol: string, n: number) =>
    list.some(
      (c) => c.from === from && c.to === to && c.protocol === protocol && c.spans.some(([a, b]) => n >= a && n <= b),
    );
  const baseEps = new Map(listEndpointSamples(base).map((e) => [e.id, e]));
  const headEps = new Map(listEndpointSamples(head).map((e) => [e.id, e]));
  const podSide = (pod: PodModel | undefined): Peer | undefined => (pod ? { kind: 'pod', pod } : undefined);
  const sides = [
    ...[...new Set([...baseEps.keys(), ...headEps.keys()])].map((id) => ({
      id,
      base: podSide(baseEps.get(id)?.pod),
      head: podSide(headEps.get(id)?.pod),
      external: false,
    })),
    ...d.externals.map((x) => {
      const peer: Peer = { kind: 'external', ip: x.ip };
      return { id: x.ip, base: peer, head: peer, external: true };
    }),
  ];
  let changes = 0;
  for (const s of sides) {
    for (const t of sides) {
      if (s === t || (s.external && t.external)) continue;
      for (const protocol of ['TCP', 'UDP', 'SCTP'] as Protocol[]) {
        for (const n of PROBE_PORTS) {
          const q = { protocol, port: n };
          const before = s.base && t.base ? naiveAllowed(base, s.base, t.base, q) : false;
          const after = s.head && t.head ? naiveAllowed(head, s.head, t.head, q) : false;
          const pair = `${where} ${s.id} -> ${t.id} ${protocol} ${n}`;
          assert.equal(find(d.opened, s.id, t.id, protocol, n), before === false && after === true, `opened? ${pair}`);
          assert.equal(find(d.closed, s.id, t.id, protocol, n), before === true && after === false, `closed? ${pair}`);
          if (before !== after) changes++;
        }
      }
    }
  }
  return changes;
}

describe('diff against the naive oracle', () => {
  it('diffClusters reports exactly the pairs and ports whose naive verdict changed', () => {
    let changes = 0;
    for (let seed = 100; seed < 130; seed++) {
      const r = rng(seed);
      const world = randomWorld(r);
      const pols = Array.from({ length: 4 }, (_, i) => randomPolicy(r, `n${i}`));
      const headPols = pols.map((p, i) => (r.chance(0.4) ? randomPolicy(r, `n${i}`) : p));
      changes += assertAgreesWithNaive(cluster([...world, ...pols]), cluster([...world, ...headPols]), `seed ${seed}`);
    }
    assert.ok(changes > 50, `the random changes changed something (${changes})`);
  });

  it('one base diffed against several heads in turn (the web UI: the input against each edit) agrees each time', () => {
    // The base's compiled cluster keeps what its masks found of the endpoints (VerdictMasks'
    // endpoint side) from one diff to the next while the endpoints are the same pods.
    let changes = 0;
    for (let seed = 300; seed < 315; seed++) {
      const r = rng(seed);
      const world = randomWorld(r);
      const pols = Array.from({ length: 4 }, (_, i) => randomPolicy(r, `n${i}`));
      const base = cluster([...world, ...pols]);
      for (let k = 0; k < 4; k++) {
        const edited = cluster([...world, ...pols.map((p, i) => (r.chance(0.4) ? randomPolicy(r, `n${i}`) : p))]);
        // The input's pods, as a what-if of policies keeps them.
        const head = { ...base, policies: edited.policies };
        changes += assertAgreesWithNaive(base, head, `seed ${seed} head ${k}`);
      }
    }
    assert.ok(changes > 50, `the random changes changed something (${changes})`);
  });

  it('a head of the very same parts (a comment, items moved) is no change, without the passes; a namespace relabelled is', () => {
    let changes = 0;
    for (let seed = 500; seed < 512; seed++) {
      const r = rng(seed);
      const base = cluster([...randomWorld(r), ...Array.from({ length: 4 }, (_, i) => randomPolicy(r, `n${i}`))]);
      // Other lists and maps of the same models: diffClusters and changedSides answer at once.
      const same = { ...base, policies: [...base.policies], namespaces: new Map(base.namespaces) };
      // The same again, but a list of its own: every pass is made.
      const passes = { ...same, pods: [...base.pods] };
      assert.deepEqual(diffClusters(base, same), diffClusters(base, passes), `seed ${seed}`);
      const pairs = base.pods.map((pod): [PodModel, PodModel] => [pod, pod]);
      assert.deepEqual(changedSides(base, same, pairs), changedSides(base, passes, pairs), `seed ${seed}`);
      // A namespace model of other labels (the same pods lists): not the same parts.
      const [name, ns] = at([...base.namespaces], seed % base.namespaces.size);
      const team = ns.labels.team === 'red' ? 'blue' : 'red';
      const relabelled = {
        ...same,
        namespaces: new Map(same.namespaces).set(name, { ...ns, labels: { ...ns.labels, team } }),
      };
      changes += assertAgreesWithNaive(base, relabelled, `seed ${seed} relabelled`);
    }
    assert.ok(changes > 0, `relabelling a namespace changed something (${changes})`);
  });

  // compareSides skips a pair when the side that may have changed gives the same mask in both
  // versions; that holds only while the other side's identity is unchanged. These cases change
  // endpoints (labels, namespace labels, ports, pods added and removed) along with policies.
  it('with endpoints changed too: relabelled, re-ported, added and removed pods, namespace labels', () => {
    let changes = 0;
    let endpointChanges = 0;
    let samePolicies = 0;
    for (let seed = 200; seed < 230; seed++) {
      const r = rng(seed);
      const world = randomWorld(r);
      const headWorld = world.map((o) => mutate(r, o)).filter((o): o is object => o !== undefined);
      if (r.chance(0.3)) headWorld.push(pod(r.pick(NAMESPACES), 'added', labels(r), []));
      const pols = Array.from({ length: 4 }, (_, i) => randomPolicy(r, `n${i}`));
      const same = r.chance(0.4);
      if (same) samePolicies++;
      const headPols = same ? pols : pols.map((p, i) => (r.chance(0.3) ? randomPolicy(r, `n${i}`) : p));
      const base = cluster([...world, ...pols]);
      const head = cluster([...headWorld, ...headPols]);
      const d = diffClusters(base, head);
      endpointChanges += d.endpoints.added.length + d.endpoints.removed.length + d.endpoints.changed.length;
      changes += assertAgreesWithNaive(base, head, `seed ${seed}`);
    }
    assert.ok(
      samePolicies > 5 && endpointChanges > 30,
      `endpoints changed (${endpointChanges}), ${samePolicies} alone`,
    );
    assert.ok(changes > 50, `the random changes changed something (${changes})`);
  });
});

/**
 * An edited version's masks share what the input's found of the endpoints (`like`) when its
 * endpoints are the input's pods and its namespaces' labels are the same: every verdict vector
 * equals a fresh computation's (masks of the same version found on their own), whichever
 * version asks first. Sharing is seen in an ipBlock's members (kept per side: the same array).
 */
describe("VerdictMasks of an edited version reuse the input's endpoints", () => {
  it('the same vectors as masks found on their own, shared only when the namespaces are labelled alike', () => {
    let shared = 0;
    let apart = 0;
    for (let seed = 400; seed < 430; seed++) {
      const r = rng(seed);
      const world = randomWorld(r);
      const pols = Array.from({ length: 4 }, (_, i) => randomPolicy(r, `n${i}`));
      // A policy with an ipBlock peer, unchanged in the head: its compiled rule is the base's.
      pols.push(policy('a', 'blocks', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }));
      // One that sees a namespace relabelled green (below).
      pols.push(
        policy('b', 'green', {
          podSelector: {},
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'green' } } }] }],
        }),
      );
      const base = cluster([...world, ...pols]);
      // A namespace relabelled in the head (its pods stay the same objects): its facts differ.
      const relabelled = r.chance(0.4) ? r.pick(NAMESPACES) : undefined;
      const team = r.pick(['red', 'blue', 'green']);
      const edited = cluster([
        ...world.map((o) => {
          const meta = (o as { kind: string; metadata: { name: string } }).metadata;
          return (o as { kind: string }).kind === 'Namespace' && meta.name === relabelled
            ? namespace(relabelled, { team })
            : o;
        }),
        ...pols.map((p, i) => (i < 4 && r.chance(0.5) ? randomPolicy(r, `n${i}`) : p)),
      ]);
      // The input's pods, as a what-if of policies keeps them; the namespaces as edited.
      const head: ClusterModel = { ...base, policies: edited.policies, namespaces: edited.namespaces };
      const peers: Peer[] = [
        ...base.pods.map((pod): Peer => ({ kind: 'pod', pod })),
        { kind: 'external', ip: '198.18.0.1' },
        { kind: 'external', ip: '203.0.113.9' },
      ];
      const spans: SpanRef[] = [];
      for (const [protocol, list] of partitionPorts([base, head]))
        for (const span of list) spans.push({ protocol, span });
      const baseFirst = r.chance(0.5);
      const baseMasks = new VerdictMasks(compileCluster(base), peers, spans);
      const headMasks = new VerdictMasks(compileCluster(head), peers, spans, baseMasks);
      // Fresh: copies of the models (compiled anew, nothing kept for them), no `like`.
      const fresh = {
        base: new VerdictMasks(compileCluster({ ...base }), peers, spans),
        head: new VerdictMasks(compileCluster({ ...head }), peers, spans),
      };
      const vectors = (masks: VerdictMasks) =>
        peers.flatMap((_, i) =>
          peers.map((_, j) => {
            const out = new Uint32Array(masks.words);
            masks.allowed(i, j, out);
            return [...out];
          }),
        );
      const [first, second] = baseFirst ? [baseMasks, headMasks] : [headMasks, baseMasks];
      const firstVectors = vectors(first);
      const secondVectors = vectors(second);
      assert.deepEqual(baseFirst ? firstVectors : secondVectors, vectors(fresh.base), `seed ${seed} base`);
      assert.deepEqual(baseFirst ? secondVectors : firstVectors, vectors(fresh.head), `seed ${seed} head`);
      const blockPeer = compileCluster(head).policies.find((c) => c.policy.name === 'blocks')?.egress[0]?.peers;
      const block = blockPeer === 'all' ? undefined : blockPeer?.[0];
      assert.ok(block?.kind === 'ipBlock', `seed ${seed}: the ipBlock peer`);
      const labelsAlike = [...new Set(base.pods.map((p) => p.namespace))].every(
        (ns) =>
          JSON.stringify(base.namespaces.get(ns)?.labels ?? {}) ===
          JSON.stringify(head.namespaces.get(ns)?.labels ?? {}),
      );
      const sharing = headMasks.blockBits(block) === baseMasks.blockBits(block);
      assert.equal(sharing, labelsAlike, `seed ${seed}: shared exactly when the namespaces are labelled alike`);
      if (sharing) shared++;
      else apart++;
    }
    assert.ok(shared > 10 && apart > 2, `both cases occur (shared ${shared}, apart ${apart})`);
  });
});

/**
 * changedSides (the web UI asks again only the matrix rows and columns it flags): every pair
 * of pods in both versions whose naive verdict changed has its source's egress or its
 * destination's ingress flagged, and the flags are the definition's, where a side is touched
 * when any policy selecting the pod in that direction (in either version: `policiesSelecting`)
 * was added, removed or changed. changedSides asks only the changed policies.
 */
function assertChangedSides(base: ClusterModel, head: ClusterModel, where: string): number {
  const headPods = new Map(head.pods.map((p) => [p.id, p]));
  const pods = base.pods.flatMap((p): [PodModel, PodModel][] => {
    const h = headPods.get(p.id);
    return h ? [[p, h]] : [];
  });
  const sides = changedSides(base, head, pods);
  assert.ok(sides, where);
  const { policies } = diffClusters(base, head);
  const changed = new Set([...policies.added, ...policies.removed, ...policies.changed]);
  const touched = (cluster: ClusterModel, pod: PodModel, direction: 'ingress' | 'egress') =>
    compileCluster(cluster)
      .policiesSelecting(pod)
      .some((c) => c.policy.types[direction] && changed.has(c.policy.id));
  let flagged = 0;
  pods.forEach(([b, h], i) => {
    const side = at(sides, i);
    for (const direction of ['ingress', 'egress'] as const) {
      if (touched(base, b, direction) || touched(head, h, direction)) assert.ok(side[direction], `${where} ${b.id}`);
      if (side[direction]) flagged++;
    }
  });
  pods.forEach(([sb, sh], i) => {
    pods.forEach(([tb, th], j) => {
      if (i === j || at(sides, i).egress || at(sides, j).ingress) return;
      for (const protocol of ['TCP', 'UDP'] as Protocol[]) {
        for (const n of PROBE_PORTS) {
          const q = { protocol, port: n };
          const before = naiveAllowed(base, { kind: 'pod', pod: sb }, { kind: 'pod', pod: tb }, q);
          const after = naiveAllowed(head, { kind: 'pod', pod: sh }, { kind: 'pod', pod: th }, q);
          assert.equal(after, before, `${where} ${sb.id} -> ${tb.id} ${protocol} ${n}: changed, not flagged`);
        }
      }
    });
  });
  return flagged;
}

describe('changedSides against the naive oracle', () => {
  it('flags every side a changed policy selects, and every pair whose verdict changed', () => {
    let flagged = 0;
    for (let seed = 300; seed < 330; seed++) {
      const r = rng(seed);
      const world = randomWorld(r);
      const headWorld = r.chance(0.3) ? world.map((o) => mutate(r, o) ?? o) : world;
      const pols = Array.from({ length: 4 }, (_, i) => randomPolicy(r, `n${i}`));
      const headPols = pols.map((p, i) => (r.chance(0.4) ? randomPolicy(r, `n${i}`) : p));
      flagged += assertChangedSides(cluster([...world, ...pols]), cluster([...headWorld, ...headPols]), `seed ${seed}`);
    }
    assert.ok(flagged > 30, `sides were flagged (${flagged})`);
  });
});

/** A random change to one object of a random world (or none): labels, ports, removal. */
function mutate(r: Rng, object: object): object | undefined {
  const o = structuredClone(object) as {
    kind: string;
    metadata: { labels: Record<string, string> };
    spec?: { containers: { ports?: unknown[] }[] };
  };
  if (o.kind === 'Namespace') {
    if (r.chance(0.25)) o.metadata.labels = r.chance(0.5) ? { team: r.pick(['red', 'blue']) } : {};
    return o;
  }
  const k = r.int(8);
  if (k === 0) return undefined;
  if (k === 1) o.metadata.labels = labels(r);
  // A label no selector reads (a version bump): the diff leaves such pods out of the pairs.
  if (k === 3 || k === 4) o.metadata.labels = { ...o.metadata.labels, version: r.pick(['v1', 'v2']) };
  const container = o.spec?.containers[0];
  if (k === 2 && container) container.ports = [{ containerPort: r.pick([80, 443]), name: 'http', protocol: 'TCP' }];
  return o;
}
