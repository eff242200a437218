import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { NAMESPACE_NAME_LABEL } from '../constants.js';
import { arbitraryCluster, type ClusterScenario, SCENARIO_EXTERNALS } from '../engine/arbitrary-cluster.js';
import { compileCluster } from '../engine/compile-cluster.js';
import type { Peer } from '../engine/types.js';
import type { ClusterModel, Labels, NamespaceModel } from '../model/types.js';
import { unchangedPolicies } from './diff-clusters.js';
import { rulesSeeApart } from './rules-see-apart.js';
import { type SpanRef, VerdictMasks } from './verdict-masks.js';

/** Label edits a version may make: selectors read app, tier, team and env; nobody reads version. */
const POD_EDITS: ((labels: Labels) => Labels)[] = [
  (l) => ({ ...l, version: 'v2' }),
  (l) => ({ ...l, app: 'a' }),
  (l) => ({ ...l, app: 'c' }),
  (l) => Object.fromEntries(Object.entries(l).filter(([k]) => k !== 'tier')),
  (l) => ({ ...l, tier: 'be' }),
];
const NAMESPACE_EDITS: ((labels: Labels) => Labels)[] = [
  (l) => ({ ...l, team: 'b' }),
  (l) => Object.fromEntries(Object.entries(l).filter(([k]) => k !== 'env')),
  (l) => ({ ...l, env: 'prod' }),
];
const IPS = ['10.0.0.3', '10.0.1.7', '10.0.0.200'];

/**
 * HEAD: the scenario with some pods relabelled or readdressed and some namespaces relabelled;
 * `edits[k]` picks what happens to pod k (and namespace k): 0 nothing, else an edit.
 */
function edited(cluster: ClusterModel, edits: readonly number[]): ClusterModel {
  const pick = <T>(list: readonly T[], k: number) => list[(edits[k % edits.length] ?? 0) % (list.length + 1)];
  const namespaces = new Map<string, NamespaceModel>();
  [...cluster.namespaces.values()].forEach((ns, k) => {
    const edit = pick(NAMESPACE_EDITS, k + 7);
    namespaces.set(ns.name, edit ? { ...ns, labels: { ...edit(ns.labels), [NAMESPACE_NAME_LABEL]: ns.name } } : ns);
  });
  const pods = cluster.pods.map((pod, k) => {
    const edit = pick(POD_EDITS, k);
    const ip = pick(IPS, k + 3);
    return { ...pod, labels: edit ? edit(pod.labels) : pod.labels, ips: ip ? [ip] : pod.ips };
  });
  return { ...cluster, namespaces, pods };
}

const SPANS: SpanRef[] = [{ protocol: 'TCP', span: [1, 65535] }];
const counts = { runs: 0, apart: 0, sparse: 0 };

/** Each rule's peer bits over every endpoint, compared (the way before rulesSeeApart). */
function denseSeen(base: ClusterModel, head: ClusterModel, peers: { base: Peer[]; head: Peer[] }): Uint8Array {
  const masks = {
    base: new VerdictMasks(compileCluster(base), peers.base, SPANS),
    head: new VerdictMasks(compileCluster(head), peers.head, SPANS),
  };
  const seen = new Uint8Array(peers.base.length);
  for (const [pb, ph] of unchangedPolicies(base, head, new Set())) {
    for (const direction of ['ingress', 'egress'] as const) {
      pb[direction].forEach((rule, i) => {
        const bitsBase = masks.base.peerBits(pb, rule);
        const bitsHead = masks.head.peerBits(ph, ph[direction][i] as typeof rule);
        if (!bitsBase || !bitsHead) {
          if (bitsBase !== bitsHead) seen.fill(1);
          return;
        }
        for (let o = 0; o < seen.length; o++) {
          const bit = (bits: Uint32Array) => (bits[o >>> 5]! >>> (o & 31)) & 1;
          if (bit(bitsBase) !== bit(bitsHead)) seen[o] = 1;
        }
      });
    }
  }
  return seen;
}

function sameAsDense(scenario: ClusterScenario, edits: number[]): void {
  const base = scenario.cluster;
  const head = edited(base, edits);
  const externals = SCENARIO_EXTERNALS.map((ip): Peer => ({ kind: 'external', ip }));
  const peers = {
    base: [...base.pods.map((pod): Peer => ({ kind: 'pod', pod })), ...externals],
    head: [...head.pods.map((pod): Peer => ({ kind: 'pod', pod })), ...externals],
  };
  const masks = {
    base: new VerdictMasks(compileCluster(base), peers.base, SPANS),
    head: new VerdictMasks(compileCluster(head), peers.head, SPANS),
  };
  const seen = new Uint8Array(peers.base.length);
  const pairs = unchangedPolicies(base, head, new Set());
  rulesSeeApart(
    masks,
    pairs,
    seen,
    peers.base.map((_, o) => o),
  );
  const want = denseSeen(base, head, peers);
  assert.deepEqual([...seen], [...want]);
  counts.runs++;
  if (want.includes(1)) counts.apart++;
  if (pairs.some(([p]) => [...p.ingress, ...p.egress].some((r) => r.peers !== 'all'))) counts.sparse++;
}

test('property: rulesSeeApart marks exactly the endpoints some unchanged rule admits in one version only', () => {
  fc.assert(fc.property(arbitraryCluster(), fc.array(fc.nat(12), { minLength: 1, maxLength: 16 }), sameAsDense), {
    numRuns: 150,
  });
  // The property reached both answers, and rules with peers (the per-peer path).
  assert.ok(counts.apart > counts.runs / 4, `only ${counts.apart} of ${counts.runs} runs saw an endpoint apart`);
  assert.ok(counts.sparse > counts.runs / 2, `only ${counts.sparse} of ${counts.runs} runs had rules with peers`);
});
