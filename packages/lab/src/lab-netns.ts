import { mkdirSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { first } from '@netpol/core';
import { exec, LabError, mapLimit, mustExec } from './exec.js';
import { helperProgram } from './helper-programs.js';
import { GATEWAY_IP, isLabNetns, netnsEtcDir, nodeNetns, nodeVeth } from './lab-names.js';

/**
 * Namespace plumbing (packages/lab/README.md, "Layout on the machine"): every pod or outside host is a netns
 * with `eth0` = its IP/32 and a default route via 198.18.0.1; the node side `vp<N>`/`vx<N>`
 * carries 198.18.0.1/32 and a /32 route back. Only `np-` namespaces are touched, and the
 * only host path written is /etc/netns/np-*.
 */

export interface Attachment {
  netns: string;
  kind: 'pod' | 'outside';
  index: number;
  ip: string;
  /** resolv.conf contents, when the endpoint resolves through the cluster DNS. */
  resolvConf?: string;
}

function assertOurs(netns: string): void {
  if (!netns.startsWith('np-')) throw new LabError(`refusing to touch namespace ${netns}: not a lab namespace`);
}

export async function createNodeNetns(labId: string): Promise<void> {
  const node = nodeNetns(labId);
  await mustExec('ip', ['netns', 'add', node]);
  await mustExec('ip', ['-n', node, 'link', 'set', 'lo', 'up']);
  // Only inside the node namespace: forward between pods, answer ARP for the gateway, and
  // answer every probe of a port or protocol nothing serves (unlimitIcmpErrors).
  await mustExec('ip', [
    'netns',
    'exec',
    node,
    'sh',
    '-c',
    'echo 1 > /proc/sys/net/ipv4/ip_forward && echo 1 > /proc/sys/net/ipv4/conf/all/proxy_arp && echo 0 > /proc/sys/net/ipv4/icmp_ratelimit',
  ]);
}

/**
 * `net.ipv4.icmp_ratelimit = 0` in each namespace (`helpers/icmp-errors-unlimited.py`, one
 * python process for all): probes count an ICMP unreachable as "let through", and the
 * default limit (a burst of 6, then one a second to each peer) made the seventh unserved
 * UDP or SCTP port of one destination look dropped. Without python3 the limit stays (SCTP
 * is not probed then; UDP ports are mostly served).
 */
async function unlimitIcmpErrors(netns: readonly string[]): Promise<void> {
  const python = await exec('python3', [helperProgram('icmp-errors-unlimited.py'), ...netns]);
  if (python.code === 127) return;
  if (python.code !== 0) throw new LabError(`setting icmp_ratelimit failed: ${python.stderr.trim().slice(0, 500)}`);
}

/** What a long `attach` tells and heeds: progress (n/N wired), and a signal to stop early. */
export interface AttachHooks {
  progress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Create the namespaces and wire each to the node. Namespaces must be journaled first. */
export async function attach(labId: string, items: readonly Attachment[], hooks: AttachHooks = {}): Promise<void> {
  if (items.length === 0) return;
  for (const item of items) assertOurs(item.netns);
  await mustExec('ip', ['-force', '-batch', '-'], { input: items.map((i) => `netns add ${i.netns}\n`).join('') });
  const node = nodeNetns(labId);
  let done = 0;
  await mapLimit(items, 6, async (item) => {
    // Ctrl-C on a 1,000-pod `up`: stop within one pod, not at the end.
    hooks.signal?.throwIfAborted();
    const veth = nodeVeth(item.kind, item.index);
    const script = [
      'link set lo up',
      `link add eth0 type veth peer name ${veth} netns ${node}`,
      `addr add ${item.ip}/32 dev eth0`,
      'link set eth0 up',
      `route add default via ${GATEWAY_IP} dev eth0 onlink`,
    ];
    await mustExec('ip', ['-n', item.netns, '-batch', '-'], { input: `${script.join('\n')}\n` });
    if (item.resolvConf !== undefined) {
      const dir = netnsEtcDir(item.netns);
      mkdirSync(dir, { recursive: true });
      writeFileSync(`${dir}/resolv.conf`, item.resolvConf);
    }
    hooks.progress?.(++done, items.length);
  });
  const nodeScript = items.flatMap((item) => {
    const veth = nodeVeth(item.kind, item.index);
    return [`addr add ${GATEWAY_IP}/32 dev ${veth}`, `link set ${veth} up`, `route add ${item.ip}/32 dev ${veth}`];
  });
  await mustExec('ip', ['-n', node, '-batch', '-'], { input: `${nodeScript.join('\n')}\n` });
  await unlimitIcmpErrors(items.map((i) => i.netns));
}

/** Remove endpoints: node-side veth first (frees the peer at once), then the namespace. */
export async function detach(
  labId: string,
  items: readonly { netns: string; kind: 'pod' | 'outside'; index: number }[],
): Promise<void> {
  if (items.length === 0) return;
  for (const item of items) assertOurs(item.netns);
  const node = nodeNetns(labId);
  // A pod goes with what runs in it (a `lab exec` command, an orphan of `lab run`), as in a
  // cluster; left running, it would keep the namespace and its address alive.
  killNetnsProcesses(items.map((i) => i.netns));
  await exec('ip', ['-n', node, '-force', '-batch', '-'], {
    input: items.map((i) => `link del ${nodeVeth(i.kind, i.index)}\n`).join(''),
  });
  await deleteNetns(items.map((i) => i.netns));
}

/**
 * SIGKILL every process inside these lab (`np-`) namespaces; never this process. One pass
 * over /proc (what `ip netns pids` does per namespace), so a big lab goes down fast.
 */
export function killNetnsProcesses(names: readonly string[]): number[] {
  const inodes = new Set<string>();
  for (const name of new Set(names)) {
    if (!name.startsWith('np-')) continue;
    try {
      inodes.add(`net:[${statSync(`/run/netns/${name}`).ino}]`);
    } catch {}
  }
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let ns = '';
    try {
      ns = readlinkSync(`/proc/${entry}/ns/net`);
    } catch {
      continue;
    }
    if (!inodes.has(ns)) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
      pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

export async function deleteNetns(names: readonly string[]): Promise<void> {
  const ours = [...new Set(names)].filter((n) => n.startsWith('np-'));
  if (ours.length === 0) return;
  await exec('ip', ['-force', '-batch', '-'], { input: ours.map((n) => `netns del ${n}\n`).join('') });
  for (const n of ours) rmSync(netnsEtcDir(n), { recursive: true, force: true });
}

/** Every namespace of this lab that exists now (`ip netns list`). */
export async function listLabNetns(labId: string): Promise<string[]> {
  const out = await exec('ip', ['netns', 'list']);
  return out.stdout
    .split('\n')
    .map((line) => first(line.split(' ')))
    .filter((n) => isLabNetns(labId, n));
}

/** /etc/netns/np-<labid>-* left behind (a crash between writing and deleting). */
export function listLabEtcDirs(labId: string): string[] {
  try {
    return readdirSync('/etc/netns')
      .filter((n) => isLabNetns(labId, n))
      .map((n) => `/etc/netns/${n}`);
  } catch {
    return [];
  }
}

export function resolvConf(namespace: string, nameserver: string): string {
  // Names come validated; never let one write more than a search domain.
  const own = /^[a-z0-9-]{1,63}$/.test(namespace) ? `${namespace}.svc.cluster.local ` : '';
  return `search ${own}svc.cluster.local cluster.local\nnameserver ${nameserver}\noptions ndots:5\n`;
}
