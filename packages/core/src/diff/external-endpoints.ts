import { at } from '../at.js';
import { type AddressRange, ipBlockRanges, rangesContain } from '../engine/ip-block.js';
import { type Cidr, formatIp, type IpFamily, parseCidr, parseIp } from '../model/cidr.js';
import { firstBuild } from '../model/moved-model.js';
import type { ClusterModel, PolicyModel } from '../model/types.js';

export interface ExternalEndpoint {
  /** The address the engine is asked about (the endpoint id, as `matrix` names externals). */
  ip: string;
  /** Which addresses it stands for: "outside every ipBlock", "in 10.0.0.0/8". */
  label: string;
}

/**
 * Preferred representatives: `example.com` in the lab (203.0.113.10), then the other
 * documentation ranges, so a class like "0.0.0.0/0 except private ranges" reads as an
 * address someone would recognise rather than 0.0.0.0.
 */
const PREFERRED = ['203.0.113.10', '198.51.100.10', '192.0.2.10'];

/** 198.18.0.0/15: where the model assigns pod addresses and ClusterIPs (packages/lab/README.md, "Layout on the machine"). */
const INTERNAL = parseCidr('198.18.0.0/15') as Cidr;

interface Block {
  text: string;
  ranges: readonly AddressRange[];
}

/**
 * Outside addresses worth asking about: the address space cut at every ipBlock boundary of
 * the given clusters, addresses that sit in exactly the same blocks grouped into one class,
 * one representative address per class (never a pod address, nothing in 198.18.0.0/15 where
 * the model puts pods and Services). Every outside address gets the same verdicts as its
 * class's representative.
 */
export function externalEndpoints(clusters: readonly ClusterModel[]): ExternalEndpoint[] {
  const blocks = new Map<string, Block>();
  const seen = clusters.map(seenOf);
  // Two versions whose pods have the same address lists (a what-if edit keeps or copies its
  // pods' models, lists and all) have the same pod addresses: asked of the first only.
  const asked = seen.filter(
    (_, i) => !clusters.slice(0, i).some((c) => sameAddressLists(c, clusters[i] as ClusterModel)),
  );
  const podIps = { has: (ip: string) => asked.some((s) => s.podIps().has(ip)) };
  for (const s of seen) for (const [text, block] of s.blocks) blocks.set(text, block);
  const list = [...blocks.values()].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  // The classes follow from the blocks (a block's ranges from its text) and the pod addresses
  // asked: a what-if edit of a port, or a toggle, leaves both as they were (the last answer per
  // pod addresses is kept).
  const key = list.map((b) => b.text).join('\n');
  const only = asked.length === 1 ? asked[0] : undefined;
  const known = only && lastClasses.get(only);
  const hit = known?.get(key);
  if (hit) return [...hit];
  const out = classesOf(list, podIps);
  if (only) {
    const kept = known ?? new Map<string, readonly ExternalEndpoint[]>();
    // A few (toggles of different policies each drop their own blocks), the oldest first out.
    if (kept.size >= KEPT_CLASSES) kept.delete(kept.keys().next().value as string);
    kept.set(key, [...out]);
    lastClasses.set(only, kept);
  }
  return out;
}

/** The last answers for one cluster's pod addresses (see externalEndpoints), by its seenOf entry. */
const lastClasses = new WeakMap<object, Map<string, readonly ExternalEndpoint[]>>();
const KEPT_CLASSES = 16;

function classesOf(list: readonly Block[], podIps: { has(ip: string): boolean }): ExternalEndpoint[] {
  const families: IpFamily[] = [4, ...(list.some((b) => b.ranges.some((r) => r.family === 6)) ? [6 as const] : [])];
  const out: ExternalEndpoint[] = [];
  for (const family of families) {
    const end = family === 4 ? 1n << 32n : 1n << 128n;
    const cuts = new Set<bigint>([0n, end]);
    for (const b of list) {
      for (const r of b.ranges) {
        if (r.family !== family) continue;
        cuts.add(r.first);
        cuts.add(r.last + 1n);
      }
    }
    const points = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const classes = new Map<string, { atoms: [bigint, bigint][]; inside: Block[] }>();
    for (let i = 0; i + 1 < points.length; i++) {
      const ip = { family, value: at(points, i) };
      const inside = list.filter((b) => rangesContain(b.ranges, ip));
      const key = inside.map((b) => b.text).join('|');
      const entry = classes.get(key) ?? { atoms: [], inside };
      entry.atoms.push([at(points, i), at(points, i + 1) - 1n]);
      classes.set(key, entry);
    }
    for (const { atoms: all, inside } of classes.values()) {
      // Addresses in the model's own pod and Service ranges are not outside hosts.
      const atoms = all.filter(([a, b]) => !(family === 4 && a >= INTERNAL.first && b <= INTERNAL.last));
      if (atoms.length === 0) continue;
      const ip = representative(family, atoms, podIps);
      if (!ip) continue;
      const names = inside.map((b) => b.text);
      const label =
        names.length === 0
          ? 'outside every ipBlock'
          : `in ${names.slice(0, 2).join('; ')}${names.length > 2 ? ` and ${names.length - 2} more ipBlocks` : ''}`;
      out.push({ ip, label });
    }
  }
  return out;
}

/** Whether two clusters' pods, in order, hold the very same address lists. */
function sameAddressLists(a: ClusterModel, b: ClusterModel): boolean {
  if (a.pods === b.pods) return true;
  return a.pods.length === b.pods.length && a.pods.every((pod, i) => pod.ips === b.pods[i]?.ips);
}

/**
 * A cluster's pod addresses (made when first asked: only a class the preferred addresses miss
 * asks) and address blocks, once per model; a policy's blocks once per first build (the
 * what-if diffs the input against every edit, and an edit keeps or moves most policies).
 */
const seenByCluster = new WeakMap<ClusterModel, { podIps: () => Set<string>; blocks: Map<string, Block> }>();
const blocksByPolicy = new WeakMap<PolicyModel, Block[]>();

function seenOf(cluster: ClusterModel): { podIps: () => Set<string>; blocks: Map<string, Block> } {
  let seen = seenByCluster.get(cluster);
  if (seen) return seen;
  let podIps: Set<string> | undefined;
  seen = {
    podIps: () => {
      podIps ??= new Set(cluster.pods.flatMap((pod) => pod.ips));
      return podIps;
    },
    blocks: new Map(),
  };
  for (const policy of cluster.policies) for (const block of blocksOf(policy)) seen.blocks.set(block.text, block);
  // Admin tier `networks` CIDRs and node addresses cut the space too (docs/admin-tiers.md).
  for (const text of adminAddressTexts(cluster)) seen.blocks.set(text, { text, ranges: ipBlockRanges(text, []) });
  seenByCluster.set(cluster, seen);
  return seen;
}

function blocksOf(policy: PolicyModel): Block[] {
  const first = firstBuild(policy);
  let blocks = blocksByPolicy.get(first);
  if (blocks) return blocks;
  blocks = [];
  for (const rule of [...first.ingress, ...first.egress]) {
    if (rule.peers === 'all') continue;
    for (const peer of rule.peers) {
      if (peer.kind !== 'ipBlock') continue;
      const text = `${peer.cidr}${peer.except.length ? ` except ${[...peer.except].sort().join(', ')}` : ''}`;
      blocks.push({ text, ranges: ipBlockRanges(peer.cidr, peer.except) });
    }
  }
  blocksByPolicy.set(first, blocks);
  return blocks;
}

function representative(
  family: IpFamily,
  atoms: [bigint, bigint][],
  podIps: { has(ip: string): boolean },
): string | undefined {
  for (const text of family === 4 ? PREFERRED : []) {
    const preferred = parseIp(text);
    if (preferred && atoms.some(([a, b]) => preferred.value >= a && preferred.value <= b)) return text;
  }
  for (const [a, b] of atoms) {
    for (let v = a; v <= b && v < a + 16n; v++) {
      const text = formatIp({ family, value: v });
      if (!podIps.has(text)) return text;
    }
  }
  return undefined;
}

function adminAddressTexts(cluster: ClusterModel): string[] {
  const out: string[] = [];
  for (const policy of cluster.adminPolicies ?? []) {
    for (const rule of policy.egress) {
      for (const peer of rule.peers) {
        if (peer.kind === 'networks') out.push(...peer.cidrs);
        if (peer.kind === 'nodes') {
          for (const node of cluster.nodes ?? []) {
            for (const address of node.addresses) out.push(`${address}/${address.includes(':') ? 128 : 32}`);
          }
        }
      }
    }
  }
  return out;
}
