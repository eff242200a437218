import { at, type ClusterModel, first, naiveAllowed, type Peer, type Protocol } from '@netpol/core';
import type { ProbeTarget, TestTopology, TopologyEndpoint } from './test-topology.js';

/**
 * Test utility: open real connections between every pair of endpoints (and to every Service
 * port) and compare each with the naive evaluator. A connection the engine allows but that timed
 * out is retried once with a longer wait before it counts, so a loaded machine does not fail
 * the test; a denied one that got an answer is always a failure.
 */

export interface Mismatch {
  from: string;
  to: string;
  protocol: Protocol;
  port: number;
  expected: boolean;
  observed: boolean;
  via?: string;
}

export interface CheckOptions {
  ports: readonly { protocol: Protocol; port: number }[];
  /** Probe Service ClusterIPs too (single-backend Services: exact; others: skipped). */
  services?: boolean;
  /** false: every probe must answer, whatever the policies say (a non-enforcing dataplane). */
  enforce?: boolean;
  timeoutMs?: number;
  concurrency?: number;
}

export interface CheckReport {
  probes: number;
  allowed: number;
  denied: number;
  mismatches: Mismatch[];
}

export function endpointsOf(cluster: ClusterModel, externals: readonly string[]): TopologyEndpoint[] {
  return [
    ...cluster.pods.map((p): TopologyEndpoint => ({ ip: first(p.ips), kind: 'pod', name: p.id })),
    ...externals.map((ip): TopologyEndpoint => ({ ip, kind: 'external', name: ip })),
  ];
}

/** One probe of a source: where it connects, what the naive evaluator expects, and whom it reaches. */
interface Case {
  target: ProbeTarget;
  expected: boolean;
  to: string;
  via?: string;
}

const ipOf = (p: Peer) => (p.kind === 'pod' ? first(p.pod.ips) : p.ip);
const nameOf = (p: Peer) => (p.kind === 'pod' ? p.pod.id : p.ip);

export async function checkConnectivity(
  topo: TestTopology,
  cluster: ClusterModel,
  externals: readonly string[],
  options: CheckOptions,
): Promise<CheckReport> {
  const enforce = options.enforce ?? true;
  const peers: Peer[] = [
    ...cluster.pods.map((pod): Peer => ({ kind: 'pod', pod })),
    ...externals.map((ip): Peer => ({ kind: 'external', ip })),
  ];
  const plan = new Map<Peer, Case[]>();
  for (const source of peers) {
    const cases = pairCases(cluster, peers, source, options, enforce);
    if (options.services) cases.push(...serviceCases(cluster, source, options, enforce));
    plan.set(source, cases);
  }
  const report: CheckReport = { probes: 0, allowed: 0, denied: 0, mismatches: [] };
  const queue = [...plan.entries()];
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const [source, cases] = item;
      if (cases.length > 0) await probeSource(topo, source, cases, options.timeoutMs ?? 1000, report);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 3 }, worker));
  return report;
}

/** Every other endpoint on every port (outside address to outside address: none). */
function pairCases(
  cluster: ClusterModel,
  peers: readonly Peer[],
  source: Peer,
  options: CheckOptions,
  enforce: boolean,
): Case[] {
  const cases: Case[] = [];
  for (const destination of peers) {
    if (source === destination) continue;
    if (source.kind === 'external' && destination.kind === 'external') continue;
    for (const q of options.ports) {
      const expected = !enforce || naiveAllowed(cluster, source, destination, q) === true;
      cases.push({ target: { ip: ipOf(destination), ...q }, expected, to: nameOf(destination) });
    }
  }
  return cases;
}

/** Service ports with a single backend, on a probed port: through the ClusterIP to that backend. */
function serviceCases(cluster: ClusterModel, source: Peer, options: CheckOptions, enforce: boolean): Case[] {
  const cases: Case[] = [];
  for (const service of cluster.services) {
    if (!service.clusterIP || !service.selector) continue;
    const selector = Object.entries(service.selector);
    const backends = cluster.pods.filter(
      (p) => p.namespace === service.namespace && selector.every(([k, v]) => p.labels[k] === v),
    );
    if (backends.length !== 1) continue;
    const backend = first(backends);
    for (const sp of service.ports) {
      const port =
        typeof sp.targetPort === 'number'
          ? sp.targetPort
          : backend.ports.find((p) => p.name === sp.targetPort && p.protocol === sp.protocol)?.port;
      if (port === undefined || sp.protocol === 'SCTP') continue;
      if (!options.ports.some((q) => q.protocol === sp.protocol && q.port === port)) continue;
      const expected =
        !enforce ||
        naiveAllowed(cluster, source, { kind: 'pod', pod: backend }, { protocol: sp.protocol, port }) === true;
      cases.push({
        target: { ip: service.clusterIP, port: sp.port, protocol: sp.protocol },
        expected,
        to: backend.id,
        via: `${service.id}:${sp.port}`,
      });
    }
  }
  return cases;
}

/** A source's probes, those that should have answered and did not retried with a longer wait; counted into `report`. */
async function probeSource(
  topo: TestTopology,
  source: Peer,
  cases: readonly Case[],
  timeoutMs: number,
  report: CheckReport,
): Promise<void> {
  const from = ipOf(source);
  const results = await topo.probe(
    from,
    cases.map((c) => c.target),
    timeoutMs,
  );
  const retry = cases.filter((c, i) => c.expected && !at(results, i).answered);
  const retried = retry.length
    ? await topo.probe(
        from,
        retry.map((c) => c.target),
        timeoutMs * 3,
      )
    : [];
  cases.forEach((c, i) => {
    let observed = at(results, i).answered;
    let server = at(results, i).server;
    const again = retry.indexOf(c);
    if (again >= 0) {
      observed = at(retried, again).answered;
      server = at(retried, again).server;
    }
    report.probes++;
    if (c.expected) report.allowed++;
    else report.denied++;
    // Through a Service, the answer must come from the backend the case names.
    const wrongServer = c.via !== undefined && observed && server !== undefined && server !== c.to;
    if (observed !== c.expected || wrongServer) {
      report.mismatches.push({
        from: nameOf(source),
        to: wrongServer ? `${c.to} (answered by ${server})` : c.to,
        protocol: c.target.protocol,
        port: c.target.port,
        expected: c.expected,
        observed,
        via: c.via,
      });
    }
  });
}
