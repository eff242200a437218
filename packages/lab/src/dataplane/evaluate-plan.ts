import type { Protocol } from '@netpol/core';
import { ipv4ToNumber } from './ipv4.js';
import type { DataplanePlan, DirectionPlan, TierDirectionPlan, TierVerdict } from './plan-types.js';

/**
 * What the rendered filter decides for a new connection (after Service DNAT), computed on the
 * plan in the order the nft chains run: the same pod on both ends is always allowed (hairpin);
 * the egress check of an isolated source, then the ingress check of an isolated destination,
 * each one lookup of (subject class, peer class) and, unless every port is allowed, of the port.
 * Tests compare it with the engine on random clusters; real packets check the nft text.
 */
export function evaluatePlan(
  plan: DataplanePlan,
  sourceIp: string,
  destinationIp: string,
  protocol: Protocol,
  port: number,
  /** Addresses in each `egress_fqdn_<i>` set (what the lab DNS answered); none by default. */
  resolved: readonly ReadonlySet<string>[] = [],
): boolean {
  if (sourceIp === destinationIp && plan.podIds.has(sourceIp)) return true;
  const side = (d: 'egress' | 'ingress', subjectIp: string, peerIp: string): boolean => {
    const tiers = plan.tiers?.[d];
    if (!tiers) return sideAllows(plan, plan[d], subjectIp, peerIp, protocol, port);
    // The chain `<d>_tiers`: admin tier, NetworkPolicy if isolated (final), baseline, allowed.
    const sets = d === 'egress' ? resolved : [];
    const admin = tierVerdict(tiers, 'admin', subjectIp, peerIp, protocol, port, sets);
    if (admin !== undefined) return admin === 'return';
    if (plan[d].subjects.has(subjectIp)) return sideAllows(plan, plan[d], subjectIp, peerIp, protocol, port);
    return tierVerdict(tiers, 'baseline', subjectIp, peerIp, protocol, port, sets) !== 'drop';
  };
  return side('egress', sourceIp, destinationIp) && side('ingress', destinationIp, sourceIp);
}

function tierVerdict(
  tiers: TierDirectionPlan,
  tier: 'admin' | 'baseline',
  subjectIp: string,
  peerIp: string,
  protocol: Protocol,
  port: number,
  resolved: readonly ReadonlySet<string>[],
): TierVerdict | undefined {
  const subject = tiers.subjects.get(subjectIp);
  if (subject === undefined) return undefined;
  let peer = tiers.podPeers.get(peerIp) ?? netPeer(tiers, peerIp);
  // The chain's `ip daddr @egress_fqdn_<i> ct mark set ct mark map @egress_fqdn_<i>_class`.
  tiers.domainSteps.forEach((step, i) => {
    const next = peer === undefined ? undefined : step.get(peer);
    if (resolved[i]?.has(peerIp) && next !== undefined) peer = next;
  });
  const segments = tiers.pairs.get(`${subject} . ${peer}`)?.[tier] ?? [];
  return segments.find((s) => s.protocol === protocol && s.first <= port && port <= s.last)?.verdict;
}

function sideAllows(
  plan: DataplanePlan,
  side: DirectionPlan,
  subjectIp: string,
  peerIp: string,
  protocol: Protocol,
  port: number,
): boolean {
  const subject = side.subjects.get(subjectIp);
  if (subject === undefined) return true;
  const peer = side.podPeers.get(peerIp) ?? netPeer(side, peerIp);
  const verdict = side.allow.get(`${subject} . ${peer}`);
  if (verdict === undefined) return false;
  if (verdict === 'all') return true;
  const profile = [...plan.profiles.values()].find((p) => p.id === verdict);
  return profile?.ranges.some((r) => r.protocol === protocol && r.first <= port && port <= r.last) ?? false;
}

function netPeer(side: Pick<DirectionPlan, 'netPeers'>, ip: string): number | undefined {
  const address = ipv4ToNumber(ip);
  if (address === undefined) return undefined;
  return side.netPeers.find((n) => n.range.first <= address && address <= n.range.last)?.peer;
}
