import {
  atLeast,
  type Cidr,
  type ClusterModel,
  cidrContainsIp,
  first,
  formatPath,
  parseCidr,
  parseIp,
} from '@netpol/core';
import { GATEWAY_IP } from './lab-names.js';
import type { StoredObject } from './lab-state.js';

/**
 * The lab only ever uses addresses reserved for testing (COMMON.md): pods and Services in
 * 198.18.0.0/15 (198.18.0.0/24 is the node's), outside hosts in 203.0.113.0/24. Manifests
 * from a real cluster carry other addresses (`status.podIP` 10.x, `clusterIP` 10.96.x):
 * ClusterIPs are simply re-assigned (policies never see them); pod addresses are refused
 * unless the user asks to re-address them, because ipBlock rules may depend on them.
 */
const LAB_RANGE = parseCidr('198.18.0.0/15') as Cidr;
const INFRA_RANGE = parseCidr('198.18.0.0/24') as Cidr;

export function isLabPodAddress(ip: string): boolean {
  const parsed = parseIp(ip);
  return parsed !== undefined && cidrContainsIp(LAB_RANGE, parsed) && !cidrContainsIp(INFRA_RANGE, parsed);
}

const OUTSIDE_RANGE = parseCidr('203.0.113.0/24') as Cidr;

/** Where lab traffic may go: pods and Services, or the outside hosts' range. */
export function isLabAddress(ip: string): boolean {
  const parsed = parseIp(ip);
  return parsed !== undefined && (cidrContainsIp(LAB_RANGE, parsed) || cidrContainsIp(OUTSIDE_RANGE, parsed));
}

/** An outside host address: in 203.0.113.0/24, not its network or broadcast address. */
export function isOutsideHostAddress(ip: string): boolean {
  const parsed = parseIp(ip);
  return parsed !== undefined && cidrContainsIp(OUTSIDE_RANGE, parsed) && !/\.(0|255)$/.test(ip);
}

export interface AddressFix {
  objects: StoredObject[];
  /** What was re-addressed (printed as notes). */
  notes: string[];
  /** Pod addresses the lab will not use (without `readdress`), or that two pods share. */
  errors: string[];
  /** The same errors by object (index into `objects`) and field, for `file:line:col`. */
  problems: AddressProblem[];
}

export interface AddressProblem {
  /**
   * Outside 198.18.0.0/15, or in its 198.18.0.0/24 the node keeps (`--readdress` fixes
   * both), or an address another pod has.
   */
  reason: 'outside' | 'reserved' | 'shared';
  index: number;
  /** `Pod ns/name`. */
  object: string;
  path: (string | number)[];
  message: string;
}

export function fixAddresses(objects: readonly StoredObject[], readdress: boolean): AddressFix {
  const notes: string[] = [];
  const problems: AddressProblem[] = [];
  // The first pod of each address given in the manifests (`status.podIP`).
  const owners = new Map<string, string>();
  const out = objects.map((o, index) => {
    const kind = o.value.kind;
    const meta = (o.value.metadata ?? {}) as { name?: string; namespace?: string };
    const id = `${meta.namespace ?? 'default'}/${meta.name ?? ''}`;
    if (kind === 'Pod') {
      const status = o.value.status as { podIP?: unknown; podIPs?: { ip?: unknown }[] } | undefined;
      const fields: [(string | number)[], unknown][] = [
        [['status', 'podIP'], status?.podIP],
        ...(Array.isArray(status?.podIPs)
          ? status.podIPs.map((p, i): [(string | number)[], unknown] => [['status', 'podIPs', i, 'ip'], p?.ip])
          : []),
      ];
      const ips = fields.filter((f): f is [(string | number)[], string] => typeof f[1] === 'string' && f[1] !== '');
      const outside = ips.filter(([, ip]) => !isLabPodAddress(ip));
      if (outside.length === 0) {
        const first = ips[0];
        if (first) {
          const other = owners.get(first[1]);
          if (other) {
            problems.push({
              reason: 'shared',
              index,
              object: `Pod ${id}`,
              path: first[0],
              message: `${first[1]} is also the address of Pod ${other}: two pods cannot share one`,
            });
          } else owners.set(first[1], id);
        }
        return o;
      }
      if (!readdress) {
        const reserved = isReserved(first(outside)[1]);
        problems.push({
          reason: reserved ? 'reserved' : 'outside',
          index,
          object: `Pod ${id}`,
          path: first(outside)[0],
          message: notAPodAddress(first(outside)[1]),
        });
        return o;
      }
      const value = structuredClone(o.value);
      delete (value.status as Record<string, unknown>).podIP;
      delete (value.status as Record<string, unknown>).podIPs;
      notes.push(`Pod ${id}: ${first(outside)[1]} replaced by a lab address (--readdress)`);
      return { ...o, value };
    }
    if (kind === 'Node') {
      // The lab is one node: a Node object stands for it, so `nodes` peers of the admin tiers
      // reach the node's address. Addresses in the lab's pod range are kept (a host-network
      // pod's node has that pod's address, as upstream's conformance cluster does).
      const status = (o.value.status ?? {}) as { addresses?: { address?: unknown }[] };
      const addresses = Array.isArray(status.addresses) ? status.addresses : [];
      const ips = addresses.map((a) => a?.address).filter((a): a is string => typeof a === 'string' && !!parseIp(a));
      if (ips.length > 0 && ips.every(isLabPodAddress)) return o;
      if (ips.length === 1 && ips[0] === GATEWAY_IP) return o;
      const value = structuredClone(o.value);
      value.status = { addresses: [{ type: 'InternalIP', address: GATEWAY_IP }] };
      notes.push(
        `Node ${meta.name ?? ''}: ${ips.length > 0 ? ips.join(', ') : 'no address'} replaced by the lab node's ${GATEWAY_IP}`,
      );
      return { ...o, value };
    }
    if (kind === 'Service') {
      const spec = (o.value.spec ?? {}) as { clusterIP?: unknown; clusterIPs?: unknown };
      const ip = typeof spec.clusterIP === 'string' ? spec.clusterIP : undefined;
      if (!ip || ip === 'None' || isLabPodAddress(ip)) return o;
      if (!parseIp(ip)) return o;
      const value = structuredClone(o.value);
      const vspec = value.spec as Record<string, unknown>;
      delete vspec.clusterIP;
      delete vspec.clusterIPs;
      notes.push(`Service ${id}: clusterIP ${ip} is outside 198.18.0.0/15; the lab assigns one`);
      return { ...o, value };
    }
    return o;
  });
  const errors = problems.map((p) => `${p.object}: ${formatPath(p.path)} ${p.message}`);
  return { objects: out, notes, errors, problems };
}

function isReserved(ip: string): boolean {
  const parsed = parseIp(ip);
  return parsed !== undefined && cidrContainsIp(INFRA_RANGE, parsed);
}

/** Why `ip` cannot be a lab pod's address. */
function notAPodAddress(ip: string): string {
  return isReserved(ip)
    ? `${ip} is in 198.18.0.0/24, which the lab keeps for its node (198.18.0.1 is every pod's gateway)`
    : `${ip} is outside the lab's pod range 198.18.0.0/15`;
}

/**
 * Problems that would break the lab's routing: a pod address the lab cannot give, two pods
 * with one address, a pod with a Service's ClusterIP (the DNS Service's above all: its
 * queries would go to the pod, not through the Service).
 */
export function clusterAddressErrors(cluster: ClusterModel): string[] {
  const errors: string[] = [];
  const owner = new Map<string, string>();
  const services = new Map<string, string>();
  for (const service of cluster.services) if (service.clusterIP) services.set(service.clusterIP, service.id);
  for (const pod of cluster.pods) {
    const ip = first(pod.ips);
    if (!isLabPodAddress(ip)) errors.push(`Pod ${pod.id}: address ${notAPodAddress(ip)}`);
    const service = services.get(ip);
    if (service) errors.push(`Pod ${pod.id}: address ${ip} is the ClusterIP of Service ${service}`);
    const other = owner.get(ip);
    if (other) errors.push(`Pods ${other} and ${pod.id} have the same address ${ip}`);
    else owner.set(ip, pod.id);
  }
  return errors;
}

/** Outside hosts the lab can make: each its own name and address in 203.0.113.1-254. */
export function outsideHostErrors(hosts: readonly { name: string; ip: string }[]): string[] {
  const errors: string[] = [];
  const names = new Set<string>();
  const ips = new Map<string, string>();
  for (const host of hosts) {
    if (!isOutsideHostAddress(host.ip)) errors.push(`outside host ${host.name}=${host.ip}: not in 203.0.113.1-254`);
    const other = ips.get(host.ip);
    if (other !== undefined) errors.push(`outside hosts ${other} and ${host.name} have the same address ${host.ip}`);
    else ips.set(host.ip, host.name);
    if (names.has(host.name)) errors.push(`outside host ${host.name} is named twice`);
    names.add(host.name);
  }
  return errors;
}

/**
 * Single outside addresses (203.0.113.x/32, as a cidr or an except entry) that ipBlock rules
 * name but no outside host of the lab has. Connections to them fail at once (no route) rather
 * than reach a host or time out, so the rule cannot be tried; `lab up` says so.
 */
export function outsideAddressesWithoutHost(cluster: ClusterModel, hostIps: readonly string[]): string[] {
  const have = new Set(hostIps);
  const named = new Set<string>();
  for (const policy of cluster.policies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      if (rule.peers === 'all') continue;
      for (const peer of rule.peers) {
        if (peer.kind !== 'ipBlock') continue;
        for (const text of [peer.cidr, ...peer.except]) {
          const [ip, bits] = atLeast(text.split('/'), 1);
          if ((bits === undefined || bits === '32') && isOutsideHostAddress(ip) && !have.has(ip)) named.add(ip);
        }
      }
    }
  }
  return [...named].sort((a, b) => Number(a.split('.')[3]) - Number(b.split('.')[3]));
}
