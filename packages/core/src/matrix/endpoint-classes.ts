import { parseCidr, parseIp } from '../model/cidr.js';
import type { ClusterModel, ContainerPortModel, Labels, PeerModel } from '../model/types.js';
import { type Bitset, emptySet, setBit } from './bitset.js';
import type { MatrixEndpoint } from './matrix-endpoints.js';

/** An address with its IPv4 value as a plain number (NaN for IPv6), converted once. */
export interface FastAddress {
  family: 4 | 6;
  v4: number;
  /** IPv6 value (IPv6 only). */
  v6?: bigint;
}

/** An address test compiled once: IPv4 as plain numbers, IPv6 as bigints. */
export type AddressTest = (address: FastAddress | undefined) => boolean;

export function fastAddress(text: string): FastAddress | undefined {
  // Model addresses are canonical dotted quads: read them without bigints.
  const parts = text.split('.');
  if (parts.length === 4) {
    let v4 = 0;
    for (const part of parts) {
      const n = Number(part);
      if (part === '' || !Number.isInteger(n) || n < 0 || n > 255 || (part.length > 1 && part[0] === '0')) {
        return undefined;
      }
      v4 = v4 * 256 + n;
    }
    return { family: 4, v4 };
  }
  const ip = parseIp(text);
  if (!ip) return undefined;
  return ip.family === 4 ? { family: 4, v4: Number(ip.value) } : { family: 6, v4: Number.NaN, v6: ip.value };
}

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
export function classifyEndpoints(cluster: ClusterModel, endpoints: readonly MatrixEndpoint[]): EndpointClasses {
  const blocks = new Map<string, number>();
  const tests: AddressTest[] = [];
  const cidrTexts: string[] = [];
  for (const policy of cluster.policies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      if (rule.peers === 'all') continue;
      for (const peer of rule.peers) {
        if (peer.kind !== 'ipBlock') continue;
        const key = blockKey(peer);
        if (blocks.has(key)) continue;
        blocks.set(key, tests.length);
        tests.push(compileIpBlock(peer.cidr, peer.except));
        cidrTexts.push(peer.cidr, ...peer.except);
      }
    }
  }
  // Admin tier peers split classes too: each `networks` CIDR and each node address is a block.
  for (const text of adminAddressBlocks(cluster)) {
    const key = adminBlockKey(text);
    if (blocks.has(key)) continue;
    blocks.set(key, tests.length);
    tests.push(compileCidr(text));
    cidrTexts.push(text);
  }
  const admin = (cluster.adminPolicies ?? []).length > 0;
  const membership = new MembershipIndex(tests, cidrTexts);

  const labelKeys = new Map<Labels, string>();
  const portKeys = new Map<readonly ContainerPortModel[], string>();
  const byKey = new Map<string, EndpointClass>();
  const podClasses: EndpointClass[] = [];
  const externalClasses: EndpointClass[] = [];
  const provisional: EndpointClass[] = [];
  for (const endpoint of endpoints) {
    const { id: bits, inBlock } = membership.of(
      endpoint.kind === 'external' ? endpoint.ip : (endpoint.pod.ips[0] ?? ''),
    );
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
  const blockMembers = tests.map(() => emptySet(classes.length));
  for (const c of classes) {
    c.inBlock.forEach((inside, b) => {
      if (inside) setBit(blockMembers[b], c.index);
    });
  }
  return { classes, classOf, blocks, blockMembers };
}

/**
 * Membership of addresses in every ipBlock, without testing each address against each
 * block: the IPv4 line is cut at every CIDR boundary, each piece's membership computed once
 * (and deduplicated), and an address finds its piece by binary search.
 */
class MembershipIndex {
  private readonly bounds: number[];
  private readonly pieces: { id: number; inBlock: boolean[] }[] = [];
  private readonly byBits = new Map<string, { id: number; inBlock: boolean[] }>();

  constructor(
    private readonly tests: readonly AddressTest[],
    cidrTexts: readonly string[],
  ) {
    const cuts = new Set<number>([0]);
    for (const text of cidrTexts) {
      const cidr = parseCidr(text);
      if (cidr?.family !== 4) continue;
      cuts.add(Number(cidr.first));
      if (cidr.last < 0xffffffffn) cuts.add(Number(cidr.last) + 1);
    }
    this.bounds = [...cuts].sort((a, b) => a - b);
    for (const start of this.bounds) {
      this.pieces.push(this.measure({ family: 4, v4: start }));
    }
  }

  private measure(address: FastAddress | undefined) {
    const inBlock = this.tests.map((test) => test(address));
    const bits = inBlock.map((b) => (b ? '1' : '0')).join('');
    let shared = this.byBits.get(bits);
    if (!shared) {
      shared = { id: this.byBits.size, inBlock };
      this.byBits.set(bits, shared);
    }
    return shared;
  }

  of(text: string) {
    const address = fastAddress(text);
    if (address?.family !== 4) return this.measure(address);
    let lo = 0;
    let hi = this.bounds.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.bounds[mid] <= address.v4) lo = mid;
      else hi = mid - 1;
    }
    return this.pieces[lo];
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

export function blockKey(peer: Extract<PeerModel, { kind: 'ipBlock' }>): string {
  return `${peer.cidr}|${peer.except.join(',')}`;
}

/** "cidr ... except ...": in `cidr` and in none of `except`. */
export function compileIpBlock(cidrText: string, except: readonly string[]): AddressTest {
  const inCidr = compileCidr(cidrText);
  const inExcept = except.map(compileCidr);
  return (ip) => ip !== undefined && inCidr(ip) && !inExcept.some((test) => test(ip));
}

function compileCidr(text: string): AddressTest {
  const cidr = parseCidr(text);
  if (!cidr) return () => false;
  if (cidr.family === 4) {
    const first = Number(cidr.first);
    const last = Number(cidr.last);
    // NaN (an IPv6 address) compares false.
    return (address) => address !== undefined && address.v4 >= first && address.v4 <= last;
  }
  return (address) => address?.v6 !== undefined && address.v6 >= cidr.first && address.v6 <= cidr.last;
}
