import { type IpAddress, parseIp } from '../model/cidr.js';
import type { ClusterModel, PodModel } from '../model/types.js';
import { combine, externalSide } from './combine.js';
import { type CompiledPolicy, compilePolicy, type PeerFacts } from './compile-policy.js';
import { selectsPod } from './selects-pod.js';
import type { Engine, Peer, PortQuery, SideVerdict, Verdict } from './types.js';

/**
 * The reference engine: exact, one pair at a time, with reasons. Selectors and CIDRs are
 * compiled once and policies indexed by namespace; each `check` then looks only at the
 * policies of the two pods' namespaces. Semantics: SPEC.md "Semantics".
 */
export function createReferenceEngine(cluster: ClusterModel): Engine {
  const byNamespace = new Map<string, CompiledPolicy[]>();
  for (const policy of cluster.policies) {
    const list = byNamespace.get(policy.namespace) ?? [];
    list.push(compilePolicy(policy));
    byNamespace.set(policy.namespace, list);
  }
  const podIps = new Map<PodModel, IpAddress | undefined>();
  const facts = (peer: Peer): PeerFacts => {
    if (peer.kind === 'external') return { ip: parseIp(peer.ip) };
    const pod = peer.pod;
    if (!podIps.has(pod)) podIps.set(pod, pod.ips.length > 0 ? parseIp(pod.ips[0]) : undefined);
    const namespace = cluster.namespaces.get(pod.namespace);
    return { pod, namespaceLabels: namespace?.labels, ip: podIps.get(pod) };
  };
  const selecting = (pod: PodModel) => (byNamespace.get(pod.namespace) ?? []).filter((p) => selectsPod(p, pod));

  return {
    cluster,
    check(source: Peer, destination: Peer, query: PortQuery): Verdict {
      const destinationPod = destination.kind === 'pod' ? destination.pod : undefined;
      // A named port asked for is resolved on the destination pod's container ports.
      const port =
        typeof query.port === 'number'
          ? query.port
          : destinationPod?.ports.find((p) => p.name === query.port && p.protocol === query.protocol)?.port;
      const sourceFacts = facts(source);
      const destinationFacts = facts(destination);
      const side = (direction: 'egress' | 'ingress'): SideVerdict => {
        const subject = direction === 'egress' ? source : destination;
        if (subject.kind === 'external') return externalSide(direction);
        return combine(selecting(subject.pod), {
          direction,
          subject: subject.pod,
          peer: direction === 'egress' ? destinationFacts : sourceFacts,
          protocol: query.protocol,
          port,
          destination: destinationPod,
        });
      };
      const egress = side('egress');
      const ingress = side('ingress');
      const verdict: Verdict = { allowed: egress.allowed && ingress.allowed, egress, ingress };
      if (port !== undefined) verdict.port = port;
      if (source.kind === 'external' && destination.kind === 'external') {
        verdict.note = 'external-to-external';
      } else if (source.kind === 'pod' && destinationPod && source.pod.id === destinationPod.id) {
        // Traffic from a pod to itself is always allowed.
        verdict.allowed = true;
        verdict.note = 'self';
      } else if (port === undefined) {
        verdict.allowed = false;
        verdict.note = 'named-port-unresolved';
      }
      return verdict;
    },
  };
}
