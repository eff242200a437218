import { at } from '../at.js';
import { cidrContainsIp, parseCidr, parseIp } from '../model/cidr.js';
import { matchesSelector } from '../model/selector.js';
import type { ClusterModel, PolicyModel } from '../model/types.js';
import type { IpBlockAtom } from './address-space.js';
import type { SymbolicEndpoint } from './symbolic-endpoint.js';
import type { SymbolicSpace } from './symbolic-space.js';

/**
 * The classes of `space` that a pods endpoint stands for. The space must have been cut by the
 * endpoint's own selectors and address (its atoms), so each class lies wholly inside or
 * outside it and one witness decides.
 */
export function endpointClasses(space: SymbolicSpace, endpoint: Extract<SymbolicEndpoint, { kind: 'pods' }>): number[] {
  return space.classes.flatMap((c, i) => {
    const w = at(space.witnesses, c.witness);
    const inside =
      matchesSelector(endpoint.atom.namespaceSelector, w.namespace.labels) &&
      (!endpoint.atom.podSelector || matchesSelector(endpoint.atom.podSelector, w.pod.labels)) &&
      (!endpoint.address || inBlock(endpoint.address, w.pod.ips[0]));
    return inside ? [i] : [];
  });
}

/** Whether `ip` is in the block's CIDR and in none of its exceptions. */
export function inBlock(block: IpBlockAtom, ip: string | undefined): boolean {
  const address = ip === undefined ? undefined : parseIp(ip);
  const cidr = parseCidr(block.cidr);
  if (!address || !cidr || !cidrContainsIp(cidr, address)) return false;
  return !block.except.some((e) => {
    const c = parseCidr(e);
    return c !== undefined && cidrContainsIp(c, address);
  });
}

/**
 * The input's policy for a policy of a witness cluster: a namespace variant runs on copies of
 * its namespace's policies (`prod~2/p`), which people know as `prod/p`.
 */
export function originalPolicies(cluster: ClusterModel): (policy: PolicyModel) => PolicyModel {
  const originals = new Map(cluster.policies.map((p) => [`${p.namespace}/${p.name}`, p]));
  return (p) => originals.get(`${p.namespace.replace(/~\d+$/, '')}/${p.name}`) ?? p;
}
