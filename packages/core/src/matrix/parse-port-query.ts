import type { PortQuery } from '../engine/types.js';
import type { ClusterModel, Protocol } from '../model/types.js';
import { PROTOCOLS } from '../model/types.js';
import type { MatrixEndpoint } from './matrix-endpoints.js';

export type PortQueryResult = { ok: true; value: PortQuery } | { ok: false; message: string };

/** `80`, `53/UDP`, `http`, `dns/udp`: a number 1-65535 or a port name; protocol default TCP. */
export function parsePortQuery(text: string): PortQueryResult {
  const slash = text.indexOf('/');
  const portText = slash < 0 ? text : text.slice(0, slash);
  const protocolText = slash < 0 ? 'TCP' : text.slice(slash + 1).toUpperCase();
  if (!PROTOCOLS.includes(protocolText as Protocol)) {
    return {
      ok: false,
      message: `invalid protocol "${text.slice(slash + 1)}" in port "${text}": use TCP, UDP or SCTP`,
    };
  }
  const protocol = protocolText as Protocol;
  if (/^\d+$/.test(portText)) {
    const port = Number(portText);
    if (port < 1 || port > 65535) return { ok: false, message: `invalid port "${text}": must be between 1 and 65535` };
    return { ok: true, value: { protocol, port } };
  }
  // IANA_SVC_NAME, as container port names are validated.
  if (/^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(portText) && /[a-z]/.test(portText) && !portText.includes('--')) {
    return { ok: true, value: { protocol, port: portText } };
  }
  return {
    ok: false,
    message: `invalid port "${text}": expected a number, a port name, or either with /TCP, /UDP, /SCTP`,
  };
}

/**
 * Ports a matrix shows when none are asked: every container port of the endpoints and every
 * single numeric port the policies name (ranges and names are left out), TCP then UDP then
 * SCTP, ascending; 80/TCP when there are none.
 */
export function defaultMatrixPorts(cluster: ClusterModel, endpoints: readonly MatrixEndpoint[]): PortQuery[] {
  const seen = new Map<string, PortQuery>();
  const add = (protocol: Protocol, port: number) => seen.set(`${protocol}/${port}`, { protocol, port });
  for (const e of endpoints) if (e.kind !== 'external') for (const p of e.pod.ports) add(p.protocol, p.port);
  for (const policy of cluster.policies) {
    for (const rule of [...policy.ingress, ...(policy.types.egress ? policy.egress : [])]) {
      if (rule.ports === 'all') continue;
      for (const p of rule.ports) if (typeof p.port === 'number' && p.endPort === undefined) add(p.protocol, p.port);
    }
  }
  if (seen.size === 0) return [{ protocol: 'TCP', port: 80 }];
  return [...seen.values()].sort((a, b) =>
    a.protocol !== b.protocol
      ? PROTOCOLS.indexOf(a.protocol) - PROTOCOLS.indexOf(b.protocol)
      : (a.port as number) - (b.port as number),
  );
}
