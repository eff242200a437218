import type { Engine, Peer, PortQuery, Verdict } from '../engine/types.js';
import type { Outcome } from '../issues.js';
import type { NodeModel } from '../model/admin-types.js';
import type { ServicePortModel } from '../model/types.js';
import type { Endpoint } from './resolve-endpoint.js';

/** One judged connection: a concrete source and destination, on the port as it arrives. */
export interface PairCheck {
  source: Peer;
  destination: Peer;
  /** After Service `targetPort` translation (may still be a name: the engine resolves it). */
  port: PortQuery;
  verdict: Verdict;
}

export type EndpointCheckReason =
  /** The Service has no selector or no pod matches it: nothing can answer. */
  | 'service-no-backends'
  /**
   * `from` and `to` are the same workload with two or more replicas: judged from its first
   * replica to its second (replicas talking to each other), not as a pod reaching itself.
   */
  | 'between-replicas';

export interface EndpointCheck {
  allowed: boolean;
  from: Endpoint;
  to: Endpoint;
  /** The port as asked (the Service port when `to` is a Service). */
  port: PortQuery;
  /** The Service port that matched, when `to` is a Service. */
  servicePort?: ServicePortModel;
  /** Set when no pair could be judged. */
  reason?: EndpointCheckReason;
  /** Every source × destination pair judged; allowed only when there is one and all allow. */
  pairs: PairCheck[];
  /** The input's Node objects (their addresses as sources: `checkCaveats`). */
  nodes?: readonly NodeModel[];
}

/** The Service has no port of that number or name (bad input, not a denial). */
export interface ServicePortUnknown {
  code: 'service-port-unknown';
  message: string;
  /** The Service's ports, as `80/TCP (http)`. */
  candidates: string[];
}

/** `80/TCP`, `http (80/TCP)`: how reports name a Service port. */
export function formatServicePort(port: ServicePortModel): string {
  return `${port.name ? `${port.name} ` : ''}${port.port}/${port.protocol} -> ${port.targetPort}`;
}

/**
 * Judge `from` → `to` on `port`. A Service destination is judged on each backing pod after
 * translation of the Service port to its `targetPort` (a number, or a name resolved on each
 * backing pod by the engine), as CNIs see the packet after kube-proxy's DNAT; it is allowed
 * only when it has backends and every backend allows. A headless Service (`clusterIP: None`)
 * has no DNAT: its DNS name resolves to the pods' own addresses, so the asked port reaches
 * the pods unchanged (a Service port of that number or name is still reported). A Service
 * source is judged as each of its backing pods. An unknown port of a Service with a
 * ClusterIP is an error (bad input), not a denial.
 */
export function checkEndpoints(
  engine: Engine,
  from: Endpoint,
  to: Endpoint,
  port: PortQuery,
): Outcome<EndpointCheck, ServicePortUnknown> {
  let servicePort: ServicePortModel | undefined;
  let destinationPort = port;
  if (to.kind === 'service') {
    servicePort = to.service.ports.find(
      (p) =>
        p.protocol === port.protocol && (typeof port.port === 'number' ? p.port === port.port : p.name === port.port),
    );
    const headless = to.service.clusterIP === undefined;
    if (!servicePort && !headless) {
      const known = to.service.ports.map((p) => `${p.port}/${p.protocol}${p.name ? ` (${p.name})` : ''}`);
      const message = `Service ${to.service.id} has no port ${port.port}/${port.protocol}${
        known.length > 0 ? `; its ports: ${known.join(', ')}` : ' (it declares no ports)'
      }`;
      return { ok: false, error: { code: 'service-port-unknown', message, candidates: known } };
    }
    if (servicePort && !headless) destinationPort = { protocol: servicePort.protocol, port: servicePort.targetPort };
  }
  const sources = peersOf(from);
  const destinations = peersOf(to);
  // "Can backend reach backend?" asks whether its replicas reach each other: a pod reaching
  // itself is always allowed, so first replica -> first replica would answer nothing.
  const replicas =
    from.kind === 'pod' && to.kind === 'pod' && from.workload && from.workload.id === to.workload?.id
      ? from.workload.pods
      : [];
  const secondReplica = replicas[1];
  const betweenReplicas = secondReplica !== undefined;
  if (betweenReplicas) destinations[0] = { kind: 'pod', pod: secondReplica };
  const pairs: PairCheck[] = [];
  for (const source of sources) {
    for (const destination of destinations) {
      pairs.push({
        source,
        destination,
        port: destinationPort,
        verdict: engine.check(source, destination, destinationPort),
      });
    }
  }
  const check: EndpointCheck = {
    allowed: pairs.length > 0 && pairs.every((p) => p.verdict.allowed),
    from,
    to,
    port,
    pairs,
  };
  if (servicePort) check.servicePort = servicePort;
  if (engine.cluster.nodes?.length) check.nodes = engine.cluster.nodes;
  if (pairs.length === 0) check.reason = 'service-no-backends';
  else if (betweenReplicas) check.reason = 'between-replicas';
  return { ok: true, value: check };
}

function peersOf(endpoint: Endpoint): Peer[] {
  switch (endpoint.kind) {
    case 'pod':
      return [{ kind: 'pod', pod: endpoint.pod }];
    case 'external':
      return [{ kind: 'external', ip: endpoint.ip }];
    case 'service':
      return endpoint.backends.map((pod): Peer => ({ kind: 'pod', pod }));
  }
}
