import { at } from '../at.js';
import type { CompiledCluster } from '../engine/compile-cluster.js';
import type { CompiledPeer } from '../engine/compile-policy.js';
import { type AddressRange, ipBlockRanges, rangesContain } from '../engine/ip-block.js';
import { podAddress } from '../engine/pod-address.js';
import { type IpAddress, parseIp } from '../model/cidr.js';
import type { ClusterModel, ContainerPortModel, Labels, PeerModel } from '../model/types.js';
import { type Bitset, emptySet, setBit } from './bitset.js';
import type { MatrixEndpoint } from './matrix-endpoints.js';

/** Members of a class are interchangeable for every policy, rule and port of the cluster. */
export interface EndpointClass {
  /** Index in the class universe (pod classes first, then external ones). */
  index: number;
  /** undefined for an external class. */
  namespace?: string;
  labels: Labels;
  ports: readonly ContainerPortModel[];
  external: boolean;
  /** A host-network pod: never an admin tier subject nor pod peer (docs/admin-tiers.md). */
  hostNetwork: boolean;
  /** Membership in each distinct ipBlock of the cluster (same order as `EndpointClasses.blocks`). */
  inBlock: readonly boolean[];
}

export interface EndpointClasses {
  classes: EndpointClass[];
  /** Class index of each endpoint. */
  classOf: Int32Array;
  /** Distinct ipBlocks (`cidr` + `except`), keyed as `blockKey` makes them. */
  blocks: Map<string, number>;
  /** Per block: the classes (pod and external) whose address is in it. */
  blockMembers: Bitset[];
}

/**
 * Group endpoints into equivalence classes: same namespace, labels, container ports and
 * membership in every ipBlock any policy names. Two endpoints of one class get the same
 * verdict against any third party, so the engine works on classes and expands at the end.
 */
export function classifyEndpoints(compiled: CompiledCluster, endpoints: readonly MatrixEndpoint[]): EndpointClasses {
  const blocks = new Map<string, number>();
  const blockRanges: (readonly AddressRange[])[] = [];
  for (const policy of compiled.policies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      if (rule.peers === 'all') continue;
      for (const peer of rule.peers) {
        if (peer.kind !== 'ipBlock') continue;
        const key = blockKey(peer.model as IpBlockPeer);
        if (blocks.has(key)) continue;
        blocks.set(key, blockRanges.length);
        blockRanges.push(peer.ranges);
      }
    }
  }
  // Admin tier peers split classes too: each `networks` CIDR and each node address is a block.
  const cluster = compiled.model;
  for (const text of adminAddressBlocks(cluster)) {
    const key = adminBlockKey(text);
    if (blocks.has(key)) continue;
    blocks.set(key, blockRanges.length);
    blockRanges.push(ipBlockRanges(text, []));
  }
  const admin = (cluster.adminPolicies ?? []).length > 0;
  const membership = new MembershipIndex(blockRanges);

  const labelKeys = new Map<Labels, string>();
  const portKeys = new Map<readonly ContainerPortModel[], string>();
  const byKey = new Map<string, EndpointClass>();
  const podClasses: EndpointClass[] = [];
  const externalClasses: EndpointClass[] = [];
  const provisional: EndpointClass[] = [];
  for (const endpoint of endpoints) {
    const { id: bits, inBlock } = membership.of(endpoint.kind === 'external' ? endpoint.ip : podAddress(endpoint.pod));
    let key: string;
    if (endpoint.kind === 'external') {
      key = `\u0001${bits}`;
    } else {
      const pod = endpoint.pod;
      let labelKey = labelKeys.get(pod.labels);
      if (labelKey === undefined) {
        labelKey = Object.entries(pod.labels)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, v]) => `${k}=${v}`)
          .join('\u0000');
        labelKeys.set(pod.labels, labelKey);
      }
      let portKey = portKeys.get(pod.ports);
      if (portKey === undefined) {
        portKey = pod.ports
          .map((p) => `${p.name ?? ''}:${p.port}/${p.protocol}`)
          .sort()
          .join(',');
        portKeys.set(pod.ports, portKey);
      }
      key = `${pod.namespace}\u0002${labelKey}\u0002${portKey}\u0002${bits}${admin && pod.hostNetwork ? '\u0002h' : ''}`;
    }
    let cls = byKey.get(key);
    if (!cls) {
      const external = endpoint.kind === 'external';
      cls = {
        index: -1,
        namespace: external ? undefined : endpoint.pod.namespace,
        labels: external ? {} : endpoint.pod.labels,
        ports: external ? [] : endpoint.pod.ports,
        external,
        hostNetwork: endpoint.kind !== 'external' && endpoint.pod.hostNetwork,
        inBlock,
      };
      byKey.set(key, cls);
      (external ? externalClasses : podClasses).push(cls);
    }
    provisional.push(cls);
  }
  const classes = [...podClasses, ...externalClasses];
  classes.forEach((c, i) => {
    c.index = i;
  });
  const classOf = Int32Array.from(provisional, (c) => c.index);
  const blockMembers = blockRanges.map(() => emptySet(classes.length));
  for (const c of classes) {
    c.inBlock.forEach((inside, b) => {
      if (inside) setBit(at(blockMembers, b), c.index);
    });
  }
  return { classes, classOf, blocks, blockMembers };
}

type IpBlockPeer = Extract<PeerModel, { kind: 'ipBlock' }>;

/** The distinct-block key of an ipBlock peer (its cidr and except as written). */
export function blockKey(peer: IpBlockPeer): string {
  return `${peer.cidr}|${peer.except.join(',')}`;
}

/** The block of a compiled ipBlock peer, in `EndpointClasses.blocks`. */
export function blockOf(grouped: EndpointClasses, peer: Extract<CompiledPeer, { kind: 'ipBlock' }>): Bitset {
  return blockMembersOf(grouped, blockKey(peer.model as IpBlockPeer));
}

/** The classes inside the block with this key (`blockKey`, `adminBlockKey`), in `EndpointClasses.blocks`. */
export function blockMembersOf(grouped: EndpointClasses, key: string): Bitset {
  const index = grouped.blocks.get(key);
  if (index === undefined) throw new Error(`ipBlock ${key} was not classified`);
  return at(grouped.blockMembers, index);
}

/**
 * Membership of addresses in every ipBlock, without testing each address against each
 * block: the IPv4 line is cut at every range boundary, each piece's membership computed once
 * (by `rangesContain`, and deduplicated), and an address finds its piece by binary search.
 */
class MembershipIndex {
  private readonly bounds: number[];
  private readonly pieces: { id: number; inBlock: boolean[] }[] = [];
  private readonly byBits = new Map<string, { id: number; inBlock: boolean[] }>();

  constructor(private readonly blocks: readonly (readonly AddressRange[])[]) {
    const cuts = new Set<number>([0]);
    for (const ranges of blocks) {
      for (const r of ranges) {
        if (r.family !== 4) continue;
        cuts.add(Number(r.first));
        if (r.last < 0xffffffffn) cuts.add(Number(r.last) + 1);
      }
    }
    this.bounds = [...cuts].sort((a, b) => a - b);
    for (const start of this.bounds) this.pieces.push(this.measure({ family: 4, value: BigInt(start) }));
  }

  private measure(address: IpAddress | undefined) {
    const inBlock = this.blocks.map((ranges) => address !== undefined && rangesContain(ranges, address));
    const bits = inBlock.map((b) => (b ? '1' : '0')).join('');
    let shared = this.byBits.get(bits);
    if (!shared) {
      shared = { id: this.byBits.size, inBlock };
      this.byBits.set(bits, shared);
    }
    return shared;
  }

  of(text: string | undefined) {
    const v4 = text === undefined ? undefined : ipv4Number(text);
    if (v4 === undefined) return this.measure(text === undefined ? undefined : parseIp(text));
    let lo = 0;
    let hi = this.bounds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      // lo <= mid <= hi < bounds.length
      if (this.bounds[mid]! <= v4) lo = mid;
      else hi = mid - 1;
    }
    return at(this.pieces, lo);
  }
}

/** The CIDRs of admin `networks` peers and the node addresses (as /32, /128) of `nodes` peers. */
function adminAddressBlocks(cluster: ClusterModel): string[] {
  const out: string[] = [];
  for (const policy of cluster.adminPolicies ?? []) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
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

/** The block key of an admin address block (a `networks` CIDR or a node address). */
export function adminBlockKey(text: string): string {
  return `admin|${text}`;
}

/** A canonical dotted quad as a plain number (model addresses are canonical); else undefined. */
function ipv4Number(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v4 = 0;
  for (const part of parts) {
    const n = Number(part);
    if (part === '' || !Number.isInteger(n) || n < 0 || n > 255 || (part.length > 1 && part[0] === '0')) {
      return undefined;
    }
    v4 = v4 * 256 + n;
  }
  return v4;
}
