import { at } from '../../at.js';
import { NAMESPACE_NAME_LABEL } from '../../constants.js';
import { AddressIndex } from '../../engine/address-index.js';
import { serviceSelectsPod } from '../../engine/service-selects-pod.js';
import { listSome, peerWords, selectorYaml } from '../../format/words.js';
import type { EndpointSample } from '../../matrix/endpoint-samples.js';
import { parseCidr, parseIp } from '../../model/cidr.js';
import type { ServiceModel } from '../../model/types.js';
import { type IpBlockPeerAt, ipBlockPeers, peerPath } from '../rule-helpers.js';
import type { LintReport, LintRule } from '../types.js';

/**
 * "Traffic to a Service is judged against the backing pods after translation" (SPEC; seed 002:
 * "be cautious when using ipBlock targeting cluster-internal Service IPs"): an ipBlock that
 * names a Service's ClusterIP but none of its pods' addresses does not allow traffic to that
 * Service, e.g. DNS allowed as `ipBlock: {cidr: 10.96.0.10/32}`. A block for "anywhere"
 * (prefix 0) is left alone.
 */
export const ipblockServiceIp: LintRule = {
  id: 'ipblock-service-ip',
  severity: 'warning',
  summary: "an ipBlock names a Service's ClusterIP, but policies see the backing pods' addresses",
  help: "CNIs apply NetworkPolicy after a Service's ClusterIP is translated to a backing pod's IP, so an ipBlock with the ClusterIP (or the Service CIDR) matches nothing for that traffic. Select the Service's pods with namespaceSelector + podSelector (in one peer) instead.",
  check({ cluster, compiled, endpointsIn, peerEndpoints }, report) {
    // Parsed once: ClusterIPs, and each Service's backing endpoints when first needed.
    const services = cluster.services.flatMap((s) => {
      const ip = s.clusterIP ? parseIp(s.clusterIP) : undefined;
      return s.clusterIP && ip ? [{ service: s as ServiceModel & { clusterIP: string }, ip }] : [];
    });
    if (services.length === 0) return;
    const backingOf = new Map<string, EndpointSample[]>();
    const backing = (s: ServiceModel) => {
      let list = backingOf.get(s.id);
      if (!list) {
        list = endpointsIn(s.namespace).filter((e) => serviceSelectsPod(s, e.pod));
        backingOf.set(s.id, list);
      }
      return list;
    };
    // An ipBlock matches by address alone: the Services of each distinct block, once, found
    // by address (30,000 policies' blocks against 10,000 ClusterIPs, not each against each).
    const byAddress = new AddressIndex(services, (s) => s.ip);
    const hits = new Map<string, ServiceModel[]>();
    for (const found of ipBlockPeers(cluster)) {
      const { policy, peer } = found;
      const block = parseCidr(peer.cidr);
      if (!block || block.prefix === 0) continue;
      const key = `${peer.cidr} except ${peer.except.join(',')}`;
      let hit = hits.get(key);
      if (!hit) {
        const halves = compiled.peer(policy, peer);
        const named = halves.kind === 'ipBlock' ? byAddress.within(halves.ranges) : [];
        const inBlock = named.length > 0 ? new Set(peerEndpoints(policy, peer)) : new Set<EndpointSample>();
        hit = named
          .filter(({ service }) => !backing(service).some((e) => inBlock.has(e)))
          .map(({ service }) => service);
        hits.set(key, hit);
      }
      if (hit.length > 0) report(serviceIpFinding(found, hit));
    }
  },
};

/** The finding on an ipBlock peer that holds the ClusterIPs of `services` (not empty) and none of their pods. */
export function serviceIpFinding(
  { policy, rule, peer, object }: IpBlockPeerAt,
  services: readonly ServiceModel[],
): LintReport {
  const first = at(services, 0);
  const instead = first.selector
    ? `; to reach it, select its pods instead: {namespaceSelector: {matchLabels: {${NAMESPACE_NAME_LABEL}: ${first.namespace}}}, podSelector: ${selectorYaml({ matchLabels: first.selector, matchExpressions: [] })}}`
    : '';
  const what =
    rule.direction === 'egress'
      ? 'policies judge traffic to a Service after it is translated to a backing pod address, so this peer does not allow traffic to it'
      : 'traffic never comes from a ClusterIP (sources are pod or node addresses), so this peer admits nothing from it';
  return {
    object,
    path: [...peerPath(rule, peer), 'ipBlock', 'cidr'],
    message: `${peerWords(peer, policy.namespace)} contains the ClusterIP of Service ${listSome(services.map((s) => `${s.id} (${s.clusterIP})`))} but none of its pods' addresses: ${what}${instead}`,
  };
}
