import type { Peer, RuleRef, SideVerdict } from '../engine/types.js';
import type { PodModel } from '../model/types.js';
import type { EndpointCheck } from './check-endpoints.js';

/**
 * What a `check` verdict rests on that the input does not say: an address netpol made up
 * that an ipBlock judged, or a hostNetwork pod (whose traffic the CNI, not NetworkPolicy,
 * decides). One line each in the text report and `caveats` in `-o json`, so a verdict that
 * may differ on a real cluster never reads as certain.
 */
export interface CheckCaveat {
  code: 'made-up-address' | 'host-network';
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
