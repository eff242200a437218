import type { Peer, RuleRef, SideVerdict } from '../engine/types.js';
import type { PodModel } from '../model/types.js';
import type { EndpointCheck } from './check-endpoints.js';

/**
 * What a `check` verdict rests on that the input does not say: an address netpol made up
 * that an ipBlock judged, a hostNetwork pod (whose traffic the CNI, not NetworkPolicy,
 * decides), or a source that is a Node's address denied by a pod's ingress (a pod's own node
 * may always reach it, and netpol does not know where pods run: docs/node-traffic.md). One
 * line each in the text report and `caveats` in `-o json`, so a verdict that may differ on a
 * real cluster never reads as certain.
 */
export interface CheckCaveat {
  code: 'made-up-address' | 'host-network' | 'node-source';
  /** The pod the caveat is about (`ns/name`). */
  pod: string;
  message: string;
}

export function checkCaveats(check: EndpointCheck): CheckCaveat[] {
  const out = new Map<string, CheckCaveat>();
  const add = (caveat: CheckCaveat) => out.set(`${caveat.code} ${caveat.pod}`, caveat);
  for (const pair of check.pairs) {
    for (const pod of [pair.source, pair.destination].flatMap(podOf)) {
      if (pod.hostNetwork) {
        add({
          code: 'host-network',
          pod: pod.id,
          message: `${pod.id} uses hostNetwork: its traffic has the node's address and most CNIs do not apply NetworkPolicy to it, so this verdict is CNI-defined`,
        });
      }
    }
    const node = pair.source.kind === 'external' ? nodeOf(check, pair.source.ip) : undefined;
    const destination = podOf(pair.destination)[0];
    if (node && destination && !pair.verdict.ingress.allowed) {
      add({
        code: 'node-source',
        pod: destination.id,
        message: `${node.address} is an address of Node ${node.name}: if ${destination.id} runs on that node, the node may reach it whatever the policies (the NetworkPolicy API always admits traffic from a pod's own node, e.g. kubelet's probes); netpol does not know where pods run and judged the address as any outside host`,
      });
    }
    const sides: [SideVerdict, Peer][] = [
      [pair.verdict.egress, pair.destination],
      [pair.verdict.ingress, pair.source],
    ];
    for (const [side, other] of sides) {
      const pod = podOf(other)[0];
      if (!pod?.addressMadeUp || !ipBlockDecides(side)) continue;
      add({
        code: 'made-up-address',
        pod: pod.id,
        message: `${pod.id} has no status.podIP: netpol made up ${pod.ips[0]}, and an ipBlock of ${side.selectedBy.map((p) => p.id).join(', ')} judged it, so on a cluster this verdict may differ (--pod-cidr gives the real pod range)`,
      });
    }
  }
  return [...out.values()];
}

/** The Node (of the input) one of whose addresses `ip` is. */
function nodeOf(check: EndpointCheck, ip: string): { name: string; address: string } | undefined {
  const node = check.nodes?.find((n) => n.addresses.includes(ip));
  return node && { name: node.name, address: ip };
}

function podOf(peer: Peer): PodModel[] {
  return peer.kind === 'pod' ? [peer.pod] : [];
}

/**
 * Whether an address decided this side: it was allowed only by ipBlock peers, or it was
 * denied while a rule that could have admitted it names an ipBlock.
 */
function ipBlockDecides(side: SideVerdict): boolean {
  if (!side.applies || !side.isolated || side.tier === 'admin' || side.tier === 'baseline') return false;
  if (side.allowed) return side.allowedBy.length > 0 && side.allowedBy.every(isIpBlockRef);
  return side.selectedBy.some((policy) =>
    policy[side.direction].some((rule) => rule.peers !== 'all' && rule.peers.some((peer) => peer.kind === 'ipBlock')),
  );
}

function isIpBlockRef(ref: RuleRef): boolean {
  const rule = ref.policy[ref.direction][ref.ruleIndex];
  if (!rule || rule.peers === 'all' || ref.peerIndex === undefined) return false;
  return rule.peers[ref.peerIndex]?.kind === 'ipBlock';
}
