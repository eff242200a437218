import type { ClusterModel, PodModel, Protocol } from '@netpol/core';
import { at, first } from '@netpol/core';
import { ipv4ToNumber } from './ipv4.js';
import { LayeredMap } from './layered-map.js';

/** One Service port with backends: ClusterIP:port/protocol → backing pod IP:targetPort. */
export interface ServicePlan {
  /** The Service, `ns/name`. */
  service: string;
  namespace: string;
  /** `ns/name:port/PROTOCOL`. */
  name: string;
  clusterIP: string;
  protocol: Protocol;
  port: number;
  endpoints: { pod: string; ip: string; port: number }[];
}

/**
 * Service NAT as kube-proxy programs it: every Service port with a ClusterIP and at least one
 * ready backend (a pod of the Service's namespace whose labels carry the whole selector).
 * A numeric targetPort applies to every backend; a named one is resolved on each backend's
 * container ports of the same protocol, and a backend without that name is no endpoint for
 * that port. Services without a selector, headless Services and ports without backends are
 * left out (their ClusterIP is then unrouted in the lab). Only IPv4 is programmed.
 */
export function planServices(
  cluster: ClusterModel,
  /** Pod IP → the pod (by id) the dataplane addresses there (others are no endpoints). */
  addressable?: ReadonlyMap<string, PodModel>,
  reuse?: { previous: readonly ServicePlan[]; namespaces: ReadonlySet<string> },
): ServicePlan[] {
  const out: ServicePlan[] = [];
  const seen = new Set<string>();
  // Services outside `reuse.namespaces` keep their previous plans (same objects). `previous`
  // lists the same Services in the same order (same `servicesKeyOf`), so one cursor walks it.
  // Reuse is off when Services share a ClusterIP: which one claims a port depends on others.
  const reusing = reuse && !sharesClusterIp(cluster) ? reuse : undefined;
  const previous = reusing?.previous ?? [];
  let cursor = 0;
  const podsByNs = new Map<string, PodModel[]>();
  for (const pod of cluster.pods) {
    if (reusing && !reusing.namespaces.has(pod.namespace)) continue; // their Services are reused
    const ip = pod.ips[0];
    if (ip === undefined || (addressable ? addressable.get(ip)?.id !== pod.id : ipv4ToNumber(ip) === undefined)) {
      continue;
    }
    const list = podsByNs.get(pod.namespace) ?? [];
    list.push(pod);
    podsByNs.set(pod.namespace, list);
  }
  for (const service of cluster.services) {
    if (reusing && !reusing.namespaces.has(service.namespace)) {
      while (previous[cursor]?.service === service.id) out.push(at(previous, cursor++));
      continue;
    }
    while (previous[cursor]?.service === service.id) cursor++;
    if (!service.clusterIP || ipv4ToNumber(service.clusterIP) === undefined || !service.selector) continue;
    const selector = Object.entries(service.selector);
    const backends = (podsByNs.get(service.namespace) ?? []).filter((pod) =>
      selector.every(([k, v]) => pod.labels[k] === v),
    );
    for (const sp of service.ports) {
      const key = `${service.clusterIP} ${sp.protocol} ${sp.port}`;
      if (seen.has(key)) continue; // a second Service claiming the same ClusterIP:port
      const endpoints: ServicePlan['endpoints'] = [];
      for (const pod of backends) {
        const target =
          typeof sp.targetPort === 'number'
            ? sp.targetPort
            : pod.ports.find((p) => p.name === sp.targetPort && p.protocol === sp.protocol)?.port;
        if (target !== undefined) endpoints.push({ pod: pod.id, ip: first(pod.ips), port: target });
      }
      if (endpoints.length === 0) continue;
      seen.add(key);
      out.push({
        service: service.id,
        namespace: service.namespace,
        name: `${service.id}:${sp.port}/${sp.protocol}`,
        clusterIP: service.clusterIP,
        protocol: sp.protocol,
        port: sp.port,
        endpoints,
      });
    }
  }
  return out;
}

const sharedClusterIps = new WeakMap<object, boolean>();

/** Whether two Services have the same ClusterIP (then they compete for its ports). */
export function sharesClusterIp(cluster: ClusterModel): boolean {
  let shared = sharedClusterIps.get(cluster.services);
  if (shared === undefined) {
    const ips = new Set<string>();
    shared = false;
    for (const s of cluster.services) {
      if (!s.clusterIP) continue;
      if (ips.has(s.clusterIP)) shared = true;
      ips.add(s.clusterIP);
    }
    sharedClusterIps.set(cluster.services, shared);
  }
  return shared;
}

/** Protocol names as nft writes them. */
export const NFT_PROTOCOL: Record<Protocol, string> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };

/** The NAT chain for Service ports of a protocol with `n` endpoints: `nat_tcp_3`. */
export function natChainName(s: ServicePlan): string {
  return `nat_${NFT_PROTOCOL[s.protocol]}_${s.endpoints.length}`;
}

/**
 * How many Service ports use each NAT chain and each backend address: a chain exists, and a
 * pod is in the hairpin set, while its count is above zero.
 */
export interface ServiceUse {
  chains: ReadonlyMap<string, number>;
  backends: ReadonlyMap<string, number>;
}

export function serviceUseOf(services: readonly ServicePlan[]): ServiceUse {
  return updateServiceUse({ chains: new Map(), backends: new Map() }, [], services);
}

/** `previous` without the `removed` Service ports and with the `added` ones (a layer over it). */
export function updateServiceUse(
  previous: ServiceUse,
  removed: readonly ServicePlan[],
  added: readonly ServicePlan[],
): ServiceUse {
  const chains = new Map(previous.chains);
  const backends = LayeredMap.over(previous.backends);
  const count = (map: Map<string, number> | LayeredMap<string, number>, key: string, by: number) => {
    const n = (map.get(key) ?? 0) + by;
    if (n > 0) map.set(key, n);
    else map.delete(key);
  };
  for (const [plans, by] of [
    [removed, -1],
    [added, 1],
  ] as const) {
    for (const s of plans) {
      count(chains, natChainName(s), by);
      for (const e of s.endpoints) count(backends, e.ip, by);
    }
  }
  return { chains, backends };
}

/** Identifies the Services as the dataplane sees them (selector, ClusterIP, ports). */
const servicesKeys = new WeakMap<object, string>();

export function servicesKeyOf(cluster: ClusterModel): string {
  let key = servicesKeys.get(cluster.services);
  if (key === undefined) {
    key = JSON.stringify(cluster.services.map((s) => [s.id, s.clusterIP, s.selector, s.ports]));
    servicesKeys.set(cluster.services, key);
  }
  return key;
}
