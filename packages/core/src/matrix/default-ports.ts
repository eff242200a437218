import type { PortQuery } from '../engine/types.js';
import type { ClusterModel, Protocol } from '../model/types.js';
import { PROTOCOLS } from '../model/types.js';
import type { MatrixEndpoint } from './matrix-endpoints.js';

/**
 * Ports a matrix shows when none are asked: every container port of the endpoints and every
 * single numeric port the policies name (ranges and names are left out), TCP then UDP then
 * SCTP, ascending; 80/TCP when there are none.
 */
export function defaultMatrixPorts(cluster: ClusterModel, endpoints: readonly MatrixEndpoint[]): PortQuery[] {
  const seen = new Map<string, PortQuery>();
  const add = (protocol: Protocol, port: number) => seen.set(`${protocol}/${port}`, { protocol, port });
  // Replicas and workloads of one template share their ports: each list is read once.
  const lists = new Set<readonly unknown[]>();
  for (const e of endpoints) {
    if (e.kind === 'external' || lists.has(e.pod.ports)) continue;
    lists.add(e.pod.ports);
    for (const p of e.pod.ports) add(p.protocol, p.port);
  }
  for (const policy of cluster.policies) {
    for (const rules of policy.types.egress ? [policy.ingress, policy.egress] : [policy.ingress]) {
      for (const rule of rules) {
        if (rule.ports === 'all') continue;
        for (const p of rule.ports) if (typeof p.port === 'number' && p.endPort === undefined) add(p.protocol, p.port);
      }
    }
  }
  if (seen.size === 0) return [{ protocol: 'TCP', port: 80 }];
  return [...seen.values()].sort((a, b) =>
    a.protocol !== b.protocol
      ? PROTOCOLS.indexOf(a.protocol) - PROTOCOLS.indexOf(b.protocol)
      : (a.port as number) - (b.port as number),
  );
}
