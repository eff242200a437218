import type { ClusterModel, PodModel, Protocol } from '@netpol/core';
import { ipv4ToNumber } from './ipv4.js';

/** One Service port with backends: ClusterIP:port/protocol → backing pod IP:targetPort. */
export interface ServicePlan {
  /** The Service, `ns/name`. */
  service: string;
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
  /** Pod IP → the pod the dataplane addresses there (others are no endpoints). */
  addressable?: ReadonlyMap<string, PodModel>,
  reuse?: { previous: readonly ServicePlan[]; namespaces: ReadonlySet<string> },
): ServicePlan[] {
  const out: ServicePlan[] = [];
  const seen = new Set<string>();
  // Services outside `reuse.namespaces` keep their previous plans (same objects).
  const previous = new Map<string, ServicePlan[]>();
  for (const plan of reuse?.previous ?? []) {
    const list = previous.get(plan.service) ?? [];
    list.push(plan);
    previous.set(plan.service, list);
  }
  const podsByNs = new Map<string, PodModel[]>();
  for (const pod of cluster.pods) {
    if (reuse && !reuse.namespaces.has(pod.namespace)) continue; // their Services are reused
    const ip = pod.ips[0];
    if (addressable ? addressable.get(ip) !== pod : ip === undefined || ipv4ToNumber(ip) === undefined) {
      continue;
    }
    const list = podsByNs.get(pod.namespace) ?? [];
    list.push(pod);
    podsByNs.set(pod.namespace, list);
  }
  for (const service of cluster.services) {
    if (!service.clusterIP || ipv4ToNumber(service.clusterIP) === undefined || !service.selector) continue;
    if (reuse && !reuse.namespaces.has(service.namespace)) {
      for (const plan of previous.get(service.id) ?? []) {
        seen.add(`${plan.clusterIP} ${plan.protocol} ${plan.port}`);
        out.push(plan);
      }
      continue;
    }
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
        if (target !== undefined) endpoints.push({ pod: pod.id, ip: pod.ips[0], port: target });
      }
      if (endpoints.length === 0) continue;
      seen.add(key);
      out.push({
        service: service.id,
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
