import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { at } from '@netpol/core';
import { objectKey } from './lab-cluster.js';
import type { StoredObject } from './lab-state.js';
import { labCapabilityProblem, labPreflight } from './preflight.js';

/** Test support for the live lab tests (root + Linux + ip + nft). */

/** Why the live lab tests cannot run here, or undefined. */
export async function liveSkipReason(): Promise<string | undefined> {
  const problem = await labPreflight();
  if (problem) return `lab tests need root, Linux, iproute2 and nftables: ${problem.problem}`;
  const capability = await labCapabilityProblem(`chk${process.pid % 100000}`);
  return capability ? `lab tests cannot run here: ${capability}` : undefined;
}

/** A lab id unique to this test process. */
export function testLabId(tag: string): string {
  return `t${tag}${process.pid % 100000}`.slice(0, 12);
}

/** What must not change on the host: links, routes, rules, the firewall, forwarding. */
export function hostSnapshot(): string {
  const run = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      return `failed: ${(error as Error).message}`;
    }
  };
  // Link statistics and flags of unrelated interfaces are not ours to compare; names are.
  const links = run('ip', ['-o', 'link', 'show'])
    .split('\n')
    .map((l) => l.split(':').slice(0, 2).join(':'))
    .join('\n');
  return [
    links,
    run('ip', ['-4', 'route', 'show', 'table', 'all']),
    run('ip', ['-6', 'route', 'show', 'table', 'all']),
    run('ip', ['rule', 'show']),
    run('nft', ['list', 'ruleset']),
    readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8'),
  ].join('\n----\n');
}

/** A deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return at(items, Math.floor(rand() * items.length));
}

const PORTS = [
  { name: 'http', containerPort: 80, protocol: 'TCP' },
  { containerPort: 81, protocol: 'TCP' },
  { name: 'dns', containerPort: 5353, protocol: 'UDP' },
];

/**
 * A small random cluster using the policy features: selectors (labels, expressions),
 * namespace selectors, AND peers, ipBlocks with except, numbered, named and ranged ports,
 * both directions. Pods get fixed IPs so ipBlocks can cut through them.
 */
export function randomClusterObjects(seed: number): StoredObject[] {
  const rand = prng(seed);
  const objects: StoredObject[] = [];
  const add = (value: Record<string, unknown>) => {
    const meta = value.metadata as { name: string; namespace?: string };
    objects.push({ key: objectKey(value.kind as string, meta.namespace, meta.name), value });
  };
  const namespaces = ['x', 'y'];
  for (const ns of namespaces) {
    add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team: pick(rand, ['red', 'blue']) } } });
  }
  const podCount = 3 + Math.floor(rand() * 3);
  for (let i = 0; i < podCount; i++) {
    const ports = PORTS.filter(() => rand() < 0.7);
    add({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `p${i}`,
        namespace: pick(rand, namespaces),
        labels: { app: pick(rand, ['a', 'b', 'c']), ...(rand() < 0.5 ? { tier: pick(rand, ['web', 'db']) } : {}) },
      },
      spec: { containers: [{ name: 'c', image: 'lab', ports }] },
      status: { podIP: `198.18.${10 + i}.${10 + Math.floor(rand() * 200)}` },
    });
  }
  const selector = () =>
    pick(rand, [
      {},
      { matchLabels: { app: pick(rand, ['a', 'b', 'c']) } },
      { matchExpressions: [{ key: 'tier', operator: pick(rand, ['Exists', 'DoesNotExist']) }] },
      { matchExpressions: [{ key: 'app', operator: pick(rand, ['In', 'NotIn']), values: ['a', 'b'] }] },
    ]);
  const peer = () =>
    pick(rand, [
      () => ({ podSelector: selector() }),
      () => ({ namespaceSelector: { matchLabels: { team: pick(rand, ['red', 'blue']) } } }),
      () => ({ namespaceSelector: {}, podSelector: selector() }),
      () => ({ ipBlock: { cidr: '198.18.0.0/16', except: [`198.18.${10 + Math.floor(rand() * 5)}.0/24`] } }),
      () => ({ ipBlock: { cidr: '203.0.113.0/24' } }),
    ])();
  const port = () =>
    pick(rand, [
      () => ({ port: 80 }),
      () => ({ port: 'http' }),
      () => ({ protocol: 'UDP', port: 'dns' }),
      () => ({ port: 80, endPort: 81 }),
      () => ({ protocol: 'UDP' }),
      () => ({ port: 81, protocol: 'TCP' }),
    ])();
  const rules = () =>
    Array.from({ length: Math.floor(rand() * 3) }, () => ({
      ...(rand() < 0.8 ? { from: Array.from({ length: 1 + Math.floor(rand() * 2) }, peer) } : {}),
      ...(rand() < 0.7 ? { ports: Array.from({ length: 1 + Math.floor(rand() * 2) }, port) } : {}),
    }));
  const policyCount = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < policyCount; i++) {
    const types = pick(rand, [['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
    const ingress = rules();
    const egress = rules().map((r) => ({
      ...('from' in r ? { to: r.from } : {}),
      ...('ports' in r ? { ports: r.ports } : {}),
    }));
    add({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `np${i}`, namespace: pick(rand, namespaces) },
      spec: {
        podSelector: selector(),
        policyTypes: types,
        ...(types.includes('Ingress') ? { ingress } : {}),
        ...(types.includes('Egress') ? { egress } : {}),
      },
    });
  }
  return objects;
}
