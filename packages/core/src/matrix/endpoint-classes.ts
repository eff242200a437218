import { type IpAddress, parseCidr, parseIp } from '../model/cidr.js';
import type { ClusterModel, ContainerPortModel, Labels, PeerModel } from '../model/types.js';
import { type Bitset, emptySet, setBit } from './bitset.js';
import type { MatrixEndpoint } from './matrix-endpoints.js';

/** An address test compiled once: IPv4 as plain numbers, IPv6 as bigints. */
export type AddressTest = (ip: IpAddress | undefined) => boolean;

/** Members of a class are interchangeable for every policy, rule and port of the cluster. */
export interface EndpointClass {
  /** Index in the class universe (pod classes first, then external ones). */
  index: number;
  /** undefined for an external class. */
  namespace?: string;
  labels: Labels;
  ports: readonly ContainerPortModel[];
  external: boolean;
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
  for (const policy of cluster.policies) {
    for (const rule of [...policy.ingress, ...policy.egress]) {
      if (rule.peers === 'all') continue;
      for (const peer of rule.peers) {
        if (peer.kind !== 'ipBlock') continue;
        const key = blockKey(peer);
        if (blocks.has(key)) continue;
        blocks.set(key, tests.length);
        tests.push(compileIpBlock(peer.cidr, peer.except));
      }
    }
  }

  const labelKeys = new Map<Labels, string>();
  const portKeys = new Map<readonly ContainerPortModel[], string>();
  const byKey = new Map<string, EndpointClass>();
  const podClasses: EndpointClass[] = [];
  const externalClasses: EndpointClass[] = [];
  const provisional: EndpointClass[] = [];
  for (const endpoint of endpoints) {
    const ip = parseIp(endpoint.kind === 'external' ? endpoint.ip : (endpoint.pod.ips[0] ?? ''));
    const inBlock = tests.map((test) => test(ip));
    const bits = inBlock.map((b) => (b ? '1' : '0')).join('');
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
      key = `${pod.namespace}\u0002${labelKey}\u0002${portKey}\u0002${bits}`;
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
    return (ip) => ip !== undefined && ip.family === 4 && Number(ip.value) >= first && Number(ip.value) <= last;
  }
  return (ip) => ip !== undefined && ip.family === 6 && ip.value >= cidr.first && ip.value <= cidr.last;
}
