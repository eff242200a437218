import { type ClusterModel, formatPortQuery } from '@netpol/core';

/**
 * The port the page shows first when the URL names none: the one the NetworkPolicies' rules
 * name most (ties: the earlier in `ports`, core's order). The matrix's port list starts with
 * the lowest port, which is DNS's 53 in nearly every cluster: a newcomer's first graph then
 * shows only the arrows to kube-dns, not the traffic the policies are about.
 */
export function preferredPort(cluster: ClusterModel, ports: readonly string[]): string | undefined {
  const named = new Map<string, number>();
  for (const policy of cluster.policies) {
    // Only the rules the engine reads: policyTypes can leave a side's rules out.
    const sides = [policy.types.ingress ? policy.ingress : [], policy.types.egress ? policy.egress : []];
    for (const rules of sides) {
      for (const rule of rules) {
        if (rule.ports === 'all') continue;
        for (const p of rule.ports) {
          if (typeof p.port !== 'number' || p.endPort !== undefined) continue;
          const port = formatPortQuery({ protocol: p.protocol, port: p.port });
          named.set(port, (named.get(port) ?? 0) + 1);
        }
      }
    }
  }
  let best = ports[0];
  for (const port of ports) if ((named.get(port) ?? 0) > (named.get(best ?? '') ?? 0)) best = port;
  return best;
}
