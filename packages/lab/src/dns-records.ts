import { type ClusterModel, first, matchesSelector } from '@netpol/core';
import type { OutsideHost } from './lab-names.js';

export const CLUSTER_DOMAIN = 'cluster.local';

/**
 * The names the lab's cluster DNS answers, as CoreDNS's kubernetes plugin would:
 * `<svc>.<ns>.svc.cluster.local` → ClusterIP (headless: the backing pods' IPs), and the
 * outside hosts. `<a-b-c-d>.<ns>.pod.cluster.local` is answered on the fly (see dnsLookup).
 */
export function dnsRecords(cluster: ClusterModel, outside: readonly OutsideHost[]): Record<string, string[]> {
  const records: Record<string, string[]> = {};
  for (const service of cluster.services) {
    const name = `${service.name}.${service.namespace}.svc.${CLUSTER_DOMAIN}`.toLowerCase();
    if (service.clusterIP) records[name] = [service.clusterIP];
    else if (service.selector) {
      const selector = service.selector;
      records[name] = cluster.pods
        .filter(
          (p) =>
            p.namespace === service.namespace &&
            matchesSelector({ matchLabels: selector, matchExpressions: [] }, p.labels),
        )
        .map((p) => first(p.ips));
    }
  }
  for (const host of outside) records[host.name.toLowerCase()] = [host.ip];
  return records;
}

/** Look a name up in `records`, answering `<ip-dashed>.<ns>.pod.cluster.local` too. */
export function dnsLookup(
  records: Readonly<Record<string, readonly string[]>>,
  name: string,
): readonly string[] | undefined {
  const key = name.toLowerCase().replace(/\.$/, '');
  const found = records[key];
  if (found) return found;
  const pod = /^(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})\.[a-z0-9-]+\.pod\.cluster\.local$/.exec(key);
  if (pod?.slice(1, 5).every((p) => Number(p) <= 255)) return [pod.slice(1, 5).join('.')];
  // A namespace or service "directory" name exists but has no address (NODATA, not NXDOMAIN).
  if (key === CLUSTER_DOMAIN || key === `svc.${CLUSTER_DOMAIN}`) return [];
  return undefined;
}
