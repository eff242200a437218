/**
 * The symbolic row of `npm run bench` (issue 13): the generated 2,000-policy cluster without
 * its workloads (Namespaces and NetworkPolicies only, as a policy repository holds them):
 * classes of every possible pod, a policy-only diff of one realistic edit (the seed 002 OR
 * trap: a stray `-` splits a namespaceSelector+podSelector peer in two), and lint. Target
 * (issue 13): classes + diff under 2 s and 1 GiB. Runs in its own child (peak RSS is its own).
 */

import { at, loadCluster } from '@netpol/core';
import { generateCluster, genOptionsForPods } from '@netpol/core/gen';
import { runLint } from '@netpol/core/lint';
import { computeSymbolicSpace, diffSymbolic } from '@netpol/core/symbolic';

interface Item {
  kind: string;
  metadata: { name: string };
  spec?: { ingress?: { from: Record<string, unknown>[] }[] };
}

export interface SymbolicRow {
  name: string;
  policies: number;
  namespaces: number;
  loadMs: number;
  classes: number;
  witnesses: number;
  classesMs: number;
  diffMs: number;
  opened: number;
  closed: number;
  lintMs: number;
  findings: number;
  /** Where a limit made the classes coarser (said in the output too). */
  notes: string[];
  peakRssMiB: number;
}

export function runSymbolic(seed: number): SymbolicRow {
  const gen = generateCluster(genOptionsForPods(10000, { policies: 2000, seed })) as { items: Item[] };
  const items = gen.items.filter((o) => o.kind === 'Namespace' || o.kind === 'NetworkPolicy');
  const load = (list: Item[]) => {
    const result = loadCluster([
      { name: 'policies.json', text: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: list }) },
    ]);
    if (!result.ok) throw new Error('the generated policies do not load');
    return result.value;
  };
  let started = performance.now();
  const base = load(items);
  const loadMs = ms(started);
  // HEAD: the first api-from-frontend policy's cross-namespace peer split in two (the OR trap).
  const headItems = structuredClone(items);
  const policy = headItems.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'api-from-frontend');
  const from = policy?.spec?.ingress?.[0]?.from;
  if (!from || from.length < 2) throw new Error('the generator no longer writes api-from-frontend as expected');
  const peer = at(from, 1);
  from[1] = { namespaceSelector: peer.namespaceSelector };
  from.push({ podSelector: peer.podSelector });
  const head = load(headItems);

  started = performance.now();
  const space = computeSymbolicSpace([base.cluster]);
  const classesMs = ms(started);
  started = performance.now();
  const diff = diffSymbolic(base.cluster, head.cluster);
  const diffMs = ms(started);
  started = performance.now();
  const findings = runLint({ cluster: base.cluster, objects: base.objects });
  const lintMs = ms(started);
  return {
    name: 'policies alone, generated 2,000 policies',
    policies: base.cluster.policies.length,
    namespaces: base.cluster.namespaces.size,
    loadMs,
    classes: space.classes.length,
    witnesses: space.witnesses.length,
    classesMs,
    diffMs,
    opened: diff.opened.length,
    closed: diff.closed.length,
    lintMs,
    findings: findings.length,
    notes: space.notes,
    peakRssMiB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
  };
}

function ms(start: number): number {
  return Math.round(performance.now() - start);
}
