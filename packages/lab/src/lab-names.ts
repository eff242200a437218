/**
 * Names and fixed addresses of a lab (packages/lab/README.md, "Layout on the machine"). Every network namespace
 * the lab makes is `np-<labid>-...`; nothing else is ever created or removed.
 */

export const DEFAULT_LAB_ID = 'lab';
/** The node side of every veth carries this address; pods route everything via it. */
export const GATEWAY_IP = '198.18.0.1';
/** The cluster DNS Service the lab adds when the manifests define no kube-dns pods. */
export const LAB_DNS_IP = '198.19.0.10';
export const OUTSIDE_CIDR = '203.0.113.0/24';
export const DEFAULT_OUTSIDE_HOSTS: readonly OutsideHost[] = [{ name: 'example.com', ip: '203.0.113.10' }];
export const STATE_ROOT = '/run/netpol';

export interface OutsideHost {
  name: string;
  ip: string;
}

/** A lab id is short so `np-<labid>-p<N>` stays a valid, readable namespace name. */
export function checkLabId(id: string): string | undefined {
  if (!/^[a-z0-9]{1,12}$/.test(id)) return `lab id '${id}' must be 1-12 lowercase letters or digits`;
  return undefined;
}

export function netnsPrefix(labId: string): string {
  return `np-${labId}-`;
}

/** A namespace this lab makes: `np-<labid>-node`, `-p<N>` or `-x<N>`, nothing else. */
export function isLabNetns(labId: string, name: string): boolean {
  const rest = name.startsWith(netnsPrefix(labId)) ? name.slice(netnsPrefix(labId).length) : undefined;
  return rest !== undefined && /^(node|[px][1-9][0-9]{0,8})$/.test(rest);
}

export function nodeNetns(labId: string): string {
  return `np-${labId}-node`;
}

export function podNetns(labId: string, index: number): string {
  return `np-${labId}-p${index}`;
}

export function outsideNetns(labId: string, index: number): string {
  return `np-${labId}-x${index}`;
}

/** Node-side veth of pod `index` (`vp<N>`) or outside host `index` (`vx<N>`). */
export function nodeVeth(kind: 'pod' | 'outside', index: number): string {
  return `${kind === 'pod' ? 'vp' : 'vx'}${index}`;
}

export function stateDir(labId: string, root = STATE_ROOT): string {
  return `${root}/${labId}`;
}

/** Per-namespace files `ip netns exec` bind-mounts over /etc (resolv.conf). */
export function netnsEtcDir(netns: string): string {
  return `/etc/netns/${netns}`;
}

/** `198.18.3.4` → `198-18-3-4` as in `<ip>.<ns>.pod.cluster.local`. */
export function dashedIp(ip: string): string {
  return ip.replaceAll('.', '-');
}
