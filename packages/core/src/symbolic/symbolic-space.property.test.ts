import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { at, first } from '../at.js';
import { arbitraryAdminCluster } from '../engine/arbitrary-admin.js';
import {
  arbitraryCluster,
  type ClusterScenario,
  SCENARIO_EXTERNALS,
  SCENARIO_PORTS,
} from '../engine/arbitrary-cluster.js';
import { createReferenceEngine } from '../engine/reference-engine.js';
import type { Peer, PortQuery } from '../engine/types.js';
import type { ClusterModel, PodModel } from '../model/types.js';
import { policiesOnly } from '../test-helpers.js';
import { diffSymbolic } from './diff-symbolic.js';
import { adminAtoms, numberedPorts, policyAtoms } from './pod-atoms.js';
import { computeSymbolicSpace, type SymbolicSpace } from './symbolic-space.js';

function classOf(space: SymbolicSpace, cluster: ClusterModel, pod: PodModel): number {
  const c = space.classOf({
    namespace: pod.namespace,
    namespaceLabels: cluster.namespaces.get(pod.namespace)?.labels ?? {},
    labels: pod.labels,
    ip: pod.ips[0],
  });
  assert.notEqual(c, undefined, `${pod.id} falls in no class`);
  return c as number;
}

/**
 * Named ports are analysed at numbers no rule names (the documented coarsening): a query
 * where the destination's named port (a name some rule names) meets a number a rule names is
 * not comparable, and is counted apart.
 */
function coincides(cluster: ClusterModel, destination: Peer, query: PortQuery): boolean {
  if (destination.kind !== 'pod') return false;
  // A named query is a question about the pod's port of that name: classes answer it for
  // pods that have it (witnesses have every name asked), so ask only those.
  if (typeof query.port === 'string') {
    const name = query.port;
    if (!destination.pod.ports.some((p) => p.name === name && p.protocol === query.protocol)) return true;
  }
  const named = new Set(
    [...policyAtoms(cluster.policies).portNames, ...adminAtoms(cluster.adminPolicies ?? []).portNames].map(
      (p) => `${p.name}/${p.protocol}`,
    ),
  );
  const numbered = numberedPorts(cluster)
    .filter((p) => p.protocol === undefined || p.protocol === query.protocol)
    .map((p): [number, number] => [p.first, p.last]);
  return destination.pod.ports.some((p) => {
    if (!p.name || p.protocol !== query.protocol) return false;
    if (typeof query.port === 'number') return named.has(`${p.name}/${p.protocol}`) && p.port === query.port;
    return p.name === query.port && numbered.some(([a, b]) => p.port >= a && p.port <= b);
  });
}

/** A witness pair for two classes that can exist together (the twin when it is one class). */
function witnessPair(space: SymbolicSpace, a: number, b: number): [PodModel, PodModel] {
  const left = at(space.classes, a);
  const right = at(space.classes, b);
  if (a === b) return [at(space.witnesses, left.witness).pod, at(space.witnesses, left.twin).pod];
  for (const x of left.witnesses) {
    for (const y of right.witnesses)
      if (space.compatible(x, y)) return [at(space.witnesses, x).pod, at(space.witnesses, y).pod];
  }
  assert.fail(`no compatible witnesses for ${left.id} and ${right.id}`);
}

const counts = { compared: 0, skipped: 0, denied: 0 };

/** Classes of the scenario's policies alone; every concrete pair compared with its classes' witnesses. */
function compareWithClasses(scenario: ClusterScenario): void {
  let { compared, skipped, denied } = counts;
  {
    // hostNetwork pods are judged apart by admin tiers: possible pods here are pod-network pods.
    const concrete = { ...scenario.cluster, pods: scenario.cluster.pods.filter((p) => !p.hostNetwork) };
    const alone = policiesOnly(concrete);
    const asked = SCENARIO_PORTS.flatMap((q) =>
      typeof q.port === 'string' ? [{ name: q.port, protocol: q.protocol }] : [],
    );
    const space = computeSymbolicSpace([alone], { atoms: { portNames: asked } });
    space.witnesses.forEach((w, i) => {
      const c = space.classOf({
        namespace: w.realNamespace,
        namespaceLabels: w.namespace.labels,
        labels: w.pod.labels,
        ip: w.pod.ips[0],
      });
      assert.equal(
        c,
        w.classIndex,
        `witness ${i} (${w.pod.id}) is not in its class ${at(space.classes, w.classIndex).id}`,
      );
    });
    const real = createReferenceEngine(concrete);
    const symbolic = createReferenceEngine(space.witnessCluster(alone));
    const endpoints: Peer[] = [
      ...concrete.pods.map((pod): Peer => ({ kind: 'pod', pod })),
      ...SCENARIO_EXTERNALS.map((ip): Peer => ({ kind: 'external', ip })),
    ];
    const classes = new Map(concrete.pods.map((pod) => [pod, classOf(space, concrete, pod)]));
    for (const source of endpoints) {
      for (const destination of endpoints) {
        if (source.kind === 'external' && destination.kind === 'external') continue;
        if (source.kind === 'pod' && destination.kind === 'pod' && source.pod === destination.pod) continue;
        let s: Peer = source;
        let d: Peer = destination;
        if (source.kind === 'pod' && destination.kind === 'pod') {
          const [x, y] = witnessPair(space, classes.get(source.pod) as number, classes.get(destination.pod) as number);
          s = { kind: 'pod', pod: x };
          d = { kind: 'pod', pod: y };
        } else if (source.kind === 'pod') {
          s = {
            kind: 'pod',
            pod: at(space.witnesses, at(space.classes, classes.get(source.pod) as number).witness).pod,
          };
        } else if (destination.kind === 'pod') {
          d = {
            kind: 'pod',
            pod: at(space.witnesses, at(space.classes, classes.get(destination.pod) as number).witness).pod,
          };
        }
        for (const port of SCENARIO_PORTS) {
          if (coincides(concrete, destination, port)) {
            skipped++;
            continue;
          }
          const expected = real.check(source, destination, port).allowed;
          const got = symbolic.check(s, d, port).allowed;
          compared++;
          if (!expected) denied++;
          if (expected !== got) {
            const name = (p: Peer) => (p.kind === 'pod' ? p.pod.id : p.ip);
            const cls = (p: Peer) => (p.kind === 'pod' ? at(space.classes, classes.get(p.pod) as number).id : p.ip);
            assert.fail(
              `${name(source)} -> ${name(destination)} ${port.protocol}/${port.port}: concrete ${expected}, classes ${got} (${cls(source)} -> ${cls(destination)})\n${scenario.yaml}`,
            );
          }
        }
      }
    }
  }
  Object.assign(counts, { compared, skipped, denied });
}

/** Bounded in count: fixed seed and runs. */
test('every concrete verdict is its classes verdict; every witness falls in its class', () => {
  Object.assign(counts, { compared: 0, skipped: 0, denied: 0 });
  fc.assert(fc.property(arbitraryCluster(), compareWithClasses), {
    numRuns: 150,
    seed: 20261203,
    includeErrorInReport: true,
  });
  const { compared, skipped, denied } = counts;
  assert.ok(compared > 20_000, `only ${compared} compared`);
  assert.ok(denied > compared / 20, `only ${denied} of ${compared} denied`);
  assert.ok(skipped < compared / 4, `${skipped} skipped for named-port coincidences`);
});

test('admin tiers too: every concrete verdict is its classes verdict', () => {
  Object.assign(counts, { compared: 0, skipped: 0, denied: 0 });
  fc.assert(fc.property(arbitraryAdminCluster(), compareWithClasses), {
    numRuns: 40,
    seed: 20261205,
    includeErrorInReport: true,
  });
  const { compared, denied } = counts;
  assert.ok(compared > 4_000, `only ${compared} compared`);
  assert.ok(denied > compared / 20, `only ${denied} of ${compared} denied`);
});

test('policy-only diff reports every concrete change, and its witnesses show each change', () => {
  let concreteChanges = 0;
  let reported = 0;
  fc.assert(
    fc.property(arbitraryCluster(), arbitraryCluster(), (a, b) => {
      const base = policiesOnly(a.cluster);
      const head = policiesOnly(b.cluster);
      const diff = diffSymbolic(base, head);
      const space = computeSymbolicSpace([base, head]);
      const members = new Map(diff.classes.map((c) => [c.id, new Set(c.members)]));
      // Concrete: A's pods under the base policies, then under the head policies.
      const world = (policies: ClusterModel) => createReferenceEngine({ ...a.cluster, policies: policies.policies });
      const before = world(base);
      const after = world(head);
      const pods = a.cluster.pods;
      const ids = new Map(pods.map((pod) => [pod, at(space.classes, classOf(space, a.cluster, pod)).id]));
      for (const source of pods) {
        for (const destination of pods) {
          if (source === destination) continue;
          for (const port of SCENARIO_PORTS) {
            if (typeof port.port !== 'number') continue;
            const s: Peer = { kind: 'pod', pod: source };
            const d: Peer = { kind: 'pod', pod: destination };
            if (coincides(base, d, port) || coincides(head, d, port)) continue;
            const was = before.check(s, d, port).allowed;
            const now = after.check(s, d, port).allowed;
            if (was === now) continue;
            concreteChanges++;
            const list = now ? diff.opened : diff.closed;
            const found = list.some(
              (c) =>
                c.protocol === port.protocol &&
                members.get(c.from)?.has(ids.get(source) as string) &&
                members.get(c.to)?.has(ids.get(destination) as string) &&
                c.spans.some(([x, y]) => (port.port as number) >= x && (port.port as number) <= y),
            );
            assert.ok(
              found,
              `${source.id} -> ${destination.id} ${port.protocol}/${port.port} ${now ? 'opened' : 'closed'} concretely, not in the diff\nbase:\n${a.yaml}\nhead:\n${b.yaml}`,
            );
          }
        }
      }
      // Every reported change shows on its witnesses.
      const witnessBase = createReferenceEngine(space.witnessCluster(base));
      const witnessHead = createReferenceEngine(space.witnessCluster(head));
      const byId = new Map(space.classes.map((c, i) => [c.id, i]));
      for (const [list, opened] of [
        [diff.opened, true],
        [diff.closed, false],
      ] as const) {
        for (const change of list) {
          const from = members.get(change.from);
          const to = members.get(change.to);
          if (!from || !to) continue; // an outside address on one side
          const [x, y] = witnessPair(space, byId.get(first([...from])) as number, byId.get(first([...to])) as number);
          const port: PortQuery = { protocol: change.protocol, port: change.spans[0]?.[0] ?? 0 };
          if (change.spans.length === 0) continue;
          const s: Peer = { kind: 'pod', pod: x };
          const d: Peer = { kind: 'pod', pod: y };
          reported++;
          assert.equal(witnessBase.check(s, d, port).allowed, !opened, `${change.from} -> ${change.to} base`);
          assert.equal(witnessHead.check(s, d, port).allowed, opened, `${change.from} -> ${change.to} head`);
        }
      }
    }),
    { numRuns: 40, seed: 20261204 },
  );
  assert.ok(concreteChanges > 100, `only ${concreteChanges} concrete changes`);
  assert.ok(reported > 50, `only ${reported} reported changes checked`);
});
