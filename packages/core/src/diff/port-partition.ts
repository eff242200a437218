import type { ClusterModel, PodModel, Protocol } from '../model/types.js';

/** An inclusive port range `[first, last]`. */
export type PortSpan = readonly [number, number];

export const MAX_PORT = 65535;

/**
 * Split 1..65535 of each protocol into spans on which every verdict of the given clusters is
 * the same: boundaries at every port and range any rule names and at every container port
 * (named ports resolve to container ports). One representative per span then answers for the
 * whole span, so a diff over these spans is exact, "any other port" included.
 */
export function partitionPorts(clusters: readonly ClusterModel[]): Map<Protocol, PortSpan[]> {
  const all = clusters.map(cutsOf);
  const out = new Map<Protocol, PortSpan[]>();
  for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) {
    const starts = [...new Set([1, ...all.flatMap((cuts) => [...(cuts.get(protocol) ?? [])])])].sort((a, b) => a - b);
    out.set(
      protocol,
      starts.map((start, i) => [start, (starts[i + 1] ?? MAX_PORT + 1) - 1] as const),
    );
  }
  return out;
}

/**
 * A cluster's boundaries per protocol, once per model (models are never changed once built:
 * the web UI's what-if diffs the input, whose model stays, with every edit).
 */
const cutsByCluster = new WeakMap<ClusterModel, Map<Protocol, Set<number>>>();

/** The pods' boundaries, once per pods list (a what-if of policies keeps the list). */
const cutsByPods = new WeakMap<readonly PodModel[], Map<Protocol, Set<number>>>();

function noCuts(): Map<Protocol, Set<number>> {
  return new Map<Protocol, Set<number>>([
    ['TCP', new Set()],
    ['UDP', new Set()],
    ['SCTP', new Set()],
  ]);
}

function cutter(cuts: Map<Protocol, Set<number>>): (protocol: Protocol, first: number, last: number) => void {
  return (protocol, first, last) => {
    const set = cuts.get(protocol);
    if (!set) return;
    if (first >= 1 && first <= MAX_PORT) set.add(first);
    if (last + 1 >= 1 && last + 1 <= MAX_PORT) set.add(last + 1);
  };
}

function podCutsOf(pods: readonly PodModel[]): Map<Protocol, Set<number>> {
  let cuts = cutsByPods.get(pods);
  if (cuts) return cuts;
  cuts = noCuts();
  const cut = cutter(cuts);
  // A workload's replicas share their ports: each list is read once.
  const seen = new Set<readonly unknown[]>();
  for (const pod of pods) {
    if (seen.has(pod.ports)) continue;
    seen.add(pod.ports);
    for (const p of pod.ports) cut(p.protocol, p.port, p.port);
  }
  cutsByPods.set(pods, cuts);
  return cuts;
}

function cutsOf(cluster: ClusterModel): Map<Protocol, Set<number>> {
  const known = cutsByCluster.get(cluster);
  if (known) return known;
  const cuts = new Map([...podCutsOf(cluster.pods)].map(([protocol, set]) => [protocol, new Set(set)]));
  const cut = cutter(cuts);
  for (const policy of cluster.policies) {
    for (const rules of [policy.ingress, policy.egress]) {
      for (const rule of rules) {
        if (rule.ports === 'all') continue;
        for (const p of rule.ports) if (typeof p.port === 'number') cut(p.protocol, p.port, p.endPort ?? p.port);
      }
    }
  }
  for (const policy of cluster.adminPolicies ?? []) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      if (rule.ports === 'all') continue;
      for (const p of rule.ports) {
        if (typeof p.port === 'number' && p.protocol) cut(p.protocol, p.port, Math.max(p.port, p.endPort ?? p.port));
      }
    }
  }
  cutsByCluster.set(cluster, cuts);
  return cuts;
}

/** Merge touching spans. */
export function mergeSpans(spans: readonly PortSpan[]): PortSpan[] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** JSON form of spans: a number for one port, `"a-b"` for a range. */
export function spansToJson(spans: readonly PortSpan[]): (number | string)[] {
  return spans.map(([a, b]) => (a === b ? a : `${a}-${b}`));
}
