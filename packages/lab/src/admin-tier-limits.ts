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
      `${names} admin tier ${names === 1 ? 'rule has' : 'rules have'} domainNames peers: the lab matches no address for them yet, as the engine (lint domain-names-unenforceable-without-dns)`,
    );
  }
  return limits;
}
