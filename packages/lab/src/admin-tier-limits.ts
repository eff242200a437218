import type { ClusterModel } from '@netpol/core';

/**
 * What the lab cannot reproduce of the admin tiers with this input (docs/admin-tiers.md, "On
 * the lab"), one sentence each; `lab up`/`lab apply` print them as notes.
 */
export function adminTierLabLimits(cluster: ClusterModel): string[] {
  const admin = cluster.adminPolicies ?? [];
  const rules = admin.flatMap((p) => [...p.ingress, ...p.egress]);
  const count = (kind: string) => rules.filter((r) => r.peers.some((peer) => peer.kind === kind)).length;
  const limits: string[] = [];
  const names = count('domainNames');
  if (names > 0) {
    limits.push(
      `${names} admin tier ${names === 1 ? 'rule has' : 'rules have'} domainNames peers: the lab matches them to the outside hosts its DNS answered for those names (--outside NAME=IP), for the answer's TTL (5 s); the engine matches no address, so lab probe just after such a lookup reports those connections as disagreements`,
    );
  }
  return limits;
}
