import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, atLeast, type ClusterModel, naiveAllowed, type PodModel } from '@netpol/core';
import fc from 'fast-check';
import { arbitraryAdminCluster } from '../../../core/src/engine/arbitrary-admin.js';
import { arbitraryCluster } from '../../../core/src/engine/arbitrary-cluster.js';
import { clusterFromYaml } from '../../../core/src/test-helpers.js';
import { evaluatePlan } from './evaluate-plan.js';
import { featuresYaml } from './fixtures.js';
import { type DataplanePlan, planDataplane } from './plan.js';
import { planPodChanges } from './plan-changes.js';
import { elementEntries, natChainName } from './render.js';
import { diffScript } from './update.js';

/** One step a user or a controller takes on pods: what `lab apply`/`lab delete` pass on. */
type Step =
  | { kind: 'relabel'; pod: number; labels: Record<string, string> }
  | { kind: 'remove'; pod: number }
  | { kind: 'add'; pod: number; octet: number }
  | { kind: 'move'; pod: number; octet: number }
  | { kind: 'unaddress'; pod: number };

const labelsArb = fc.oneof(
  fc.constantFrom<Record<string, string>>(
    { app: 'web', pool: 'yes' },
    { app: 'client' },
    { app: 'client', pool: 'yes' },
    { app: 'other', pool: 'yes' },
    { app: 'db' },
    { app: 'worker' },
  ),
  fc.record({ app: fc.constantFrom('a', 'b', 'c', 'web'), tier: fc.constantFrom('fe', 'be') }, { requiredKeys: [] }),
);

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('relabel' as const), pod: fc.nat(), labels: labelsArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), pod: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('add' as const), pod: fc.nat(), octet: fc.integer({ min: 1, max: 60 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('move' as const), pod: fc.nat(), octet: fc.integer({ min: 1, max: 60 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unaddress' as const), pod: fc.nat() }) },
);

let added = 0;
function applyStep(cluster: ClusterModel, step: Step): ClusterModel {
  const pods = [...cluster.pods];
  if (pods.length === 0) return cluster;
  const i = step.pod % pods.length;
  const pod = at(pods, i);
  const ipIn = (octet: number) => `${pod.ips[0]?.split('.').slice(0, 3).join('.') ?? '198.18.1'}.${100 + octet}`;
  switch (step.kind) {
    case 'relabel':
      pods[i] = { ...pod, labels: step.labels };
      break;
    case 'remove':
      if (pods.length > 2) pods.splice(i, 1);
      break;
    case 'add': {
      const name = `extra-${++added}`;
      pods.push({ ...pod, id: `${pod.namespace}/${name}`, name, ips: [ipIn(step.octet)] } satisfies PodModel);
      break;
    }
    case 'move':
      pods[i] = { ...pod, ips: [ipIn(step.octet)] };
      break;
    case 'unaddress':
      pods[i] = { ...pod, ips: [] };
      break;
  }
  return { ...cluster, pods };
}

const options = { enforce: true, table: 'netpol' };
const normalize = (script: string[]) =>
  script
    .flatMap((line) => {
      const m = /^(add|delete) element \S+ \S+ (\S+) \{ (.*) \}$/.exec(line);
      return m
        ? at(m, 3)
            .split(', ')
            .map((e) => `${m[1]} ${m[2]} ${e}`)
        : [line];
    })
    .sort();
const allowByPorts = (plan: DataplanePlan, d: 'egress' | 'ingress') => {
  const byId = new Map([...plan.profiles].map(([key, p]) => [p.id, key]));
  return new Map([...plan[d].allow].map(([pair, v]) => [pair, v === 'all' ? v : byId.get(v)]));
};

const ELEMENT_MAPS = ['services', 'endpoints', 'hairpin'].concat(
  ...['egress', 'ingress'].map((d) => [`${d}_subject`, `${d}_peer_pod`, `${d}_allow`]),
  ...['egress', 'ingress'].map((d) => [`${d}_tier_subject`, `${d}_tier_peer_pod`, `${d}_admin`, `${d}_baseline`]),
);
/** A tier map's elements by key, with the pair verdicts spelled out (compared across plans). */
const tierMaps = (plan: DataplanePlan, d: 'egress' | 'ingress') =>
  ['tier_subject', 'tier_peer_pod', 'admin', 'baseline'].map((m) => new Map(elementEntries(plan, `${d}_${m}`)));

/** The element maps and dynamic chains the kernel holds for a plan (from the renderer's view). */
function kernelView(plan: DataplanePlan) {
  const maps = new Map(ELEMENT_MAPS.map((name) => [name, new Map(elementEntries(plan, name))]));
  const chains = new Set(plan.services.map(natChainName));
  for (const p of plan.profiles.values()) chains.add(`allow_ports_${p.id}`);
  return { maps, chains };
}

/**
 * Run an element script on a kernel view as nft would, failing where nft would fail (deleting
 * what is not there, adding a key that is there with another value, a chain twice).
 */
function runScript(view: ReturnType<typeof kernelView>, script: readonly string[]) {
  for (const line of script) {
    const element = /^(add|delete) element inet netpol (\S+) \{ (.*) \}$/.exec(line);
    if (element) {
      const map = view.maps.get(at(element, 2));
      assert.ok(map, line);
      for (const entry of at(element, 3).split(', ')) {
        const [key, value = ''] = atLeast(entry.split(' : '), 1);
        if (element[1] === 'delete') assert.ok(map.delete(key), `nft: no such element: ${line}`);
        else {
          assert.ok(!map.has(key) || map.get(key) === value, `nft: element exists: ${line}`);
          map.set(key, value);
        }
      }
      continue;
    }
    const chain = /^(add|delete) chain inet netpol (\S+)$/.exec(line);
    if (chain) {
      if (chain[1] === 'add') {
        assert.ok(!view.chains.has(at(chain, 2)), `nft: chain exists: ${line}`);
        view.chains.add(at(chain, 2));
      } else assert.ok(view.chains.delete(at(chain, 2)), `nft: no such chain: ${line}`);
      continue;
    }
    assert.match(line, /^add (rule|set) inet netpol /);
  }
  return view;
}

const asPlanned = (pods: ReadonlyMap<string, PodModel>) =>
  new Map([...pods].map(([ip, p]) => [ip, JSON.stringify([p.id, Object.entries(p.labels).sort(), p.ports])] as const));

/**
 * Walk `steps` from `start`, each time planning incrementally from the previous incremental
 * plan (so layers pile up and collapse), and compare with a replan on the same classes, the
 * element diff scoped vs. over everything, and the engine.
 */
function walk(
  start: ClusterModel,
  steps: readonly Step[],
  ports: readonly number[],
  onScript?: (script: readonly string[]) => void,
): number {
  let cluster = start;
  let plan = planDataplane(cluster);
  let scripts = 0;
  for (const step of steps) {
    const next = applyStep(cluster, step);
    const result = planPodChanges(plan, next);
    assert.ok(result, 'only pods changed');
    const replanned = planDataplane(next, plan);
    for (const d of ['egress', 'ingress'] as const) {
      assert.deepEqual(new Map(result.plan[d].subjects), new Map(replanned[d].subjects));
      assert.deepEqual(new Map(result.plan[d].podPeers), new Map(replanned[d].podPeers));
      assert.deepEqual(allowByPorts(result.plan, d), allowByPorts(replanned, d));
      assert.deepEqual(tierMaps(result.plan, d), tierMaps(replanned, d));
    }
    assert.equal(result.plan.tiers !== undefined, (next.adminPolicies ?? []).length > 0);
    assert.deepEqual(result.plan.services, replanned.services);
    assert.deepEqual(new Map(result.plan.serviceUse.backends), new Map(replanned.serviceUse.backends));
    assert.deepEqual(new Map(result.plan.serviceUse.chains), new Map(replanned.serviceUse.chains));
    // The incremental plan may keep a pod object that is equal for the dataplane.
    assert.deepEqual(asPlanned(result.plan.pods), asPlanned(replanned.pods));
    assert.deepEqual(new Map(result.plan.podIds), new Map(replanned.podIds));
    assert.deepEqual(result.plan.skippedPods, replanned.skippedPods);
    const scoped = diffScript(plan, result.plan, options, result);
    const whole = diffScript(plan, result.plan, options);
    assert.ok(scoped && whole);
    assert.deepEqual(normalize(scoped), normalize(whole));
    // What the kernel holds after the script is what a full ruleset of the new plan holds.
    assert.deepEqual(runScript(kernelView(plan), scoped), kernelView(result.plan));
    if (scoped.length > 0) scripts++;
    onScript?.(scoped);
    for (const source of next.pods) {
      for (const destination of next.pods) {
        const [from, to] = [source.ips[0], destination.ips[0]];
        if (from === undefined || to === undefined) continue;
        if (!result.plan.pods.has(from) || !result.plan.pods.has(to)) continue;
        if (result.plan.pods.get(from)?.id !== source.id || result.plan.pods.get(to)?.id !== destination.id) continue;
        for (const port of ports) {
          const q = { protocol: 'TCP' as const, port };
          const expected = naiveAllowed(next, { kind: 'pod', pod: source }, { kind: 'pod', pod: destination }, q);
          if (expected === null) continue;
          assert.equal(evaluatePlan(result.plan, from, to, 'TCP', port), expected, `${source.id} → ${destination.id}`);
        }
      }
    }
    cluster = next;
    plan = result.plan;
  }
  return scripts;
}

describe('planPodChanges over many steps', () => {
  it('stays equal to a replan, Services, NAT chains and hairpin included (features cluster)', () => {
    const start = clusterFromYaml(featuresYaml());
    let scripts = 0;
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 5, maxLength: 30 }), (steps) => {
        scripts += walk(start, steps, [53, 80, 5432, 8080]);
      }),
      { numRuns: 60, seed: Number(process.env.FC_SEED ?? Date.now() % 1e9) },
    );
    assert.ok(scripts > 200, `only ${scripts} steps changed any element`);
  });

  it('stays equal to a replan on random clusters', () => {
    fc.assert(
      fc.property(arbitraryCluster(), fc.array(stepArb, { minLength: 3, maxLength: 15 }), (scenario, steps) => {
        walk(scenario.cluster, steps, [53, 80, 8080]);
      }),
      { numRuns: 60, seed: Number(process.env.FC_SEED ?? Date.now() % 1e9) },
    );
  });

  it('stays equal to a replan on random clusters with admin tiers (and the kernel model agrees)', () => {
    let tierChanges = 0;
    fc.assert(
      fc.property(arbitraryAdminCluster(), fc.array(stepArb, { minLength: 3, maxLength: 15 }), (scenario, steps) => {
        walk(scenario.cluster, steps, [53, 80, 8080], (script) => {
          tierChanges += script.filter((l) => /_(tier_subject|tier_peer_pod|admin|baseline) /.test(l)).length;
        });
      }),
      { numRuns: 60, seed: Number(process.env.FC_SEED ?? Date.now() % 1e9) },
    );
    assert.ok(tierChanges > 100, `only ${tierChanges} tier element commands`);
  });

  it('declines when admin tier policies or Nodes changed', () => {
    fc.assert(
      fc.property(arbitraryAdminCluster(), (scenario) => {
        const previous = planDataplane(scenario.cluster);
        const admin = scenario.cluster.adminPolicies ?? [];
        assert.equal(planPodChanges(previous, { ...scenario.cluster, adminPolicies: admin.slice(1) }), undefined);
        const nodes = (scenario.cluster.nodes ?? []).map((n) => ({ ...n, labels: { ...n.labels, moved: 'yes' } }));
        if (nodes.length > 0) assert.equal(planPodChanges(previous, { ...scenario.cluster, nodes }), undefined);
      }),
      { numRuns: 30 },
    );
  });

  it('declines when policies or namespaces changed', () => {
    fc.assert(
      fc.property(arbitraryCluster(), (scenario) => {
        const previous = planDataplane(scenario.cluster);
        const renamed = new Map(
          [...scenario.cluster.namespaces].map(([k, ns]) => [k, { ...ns, labels: { ...ns.labels, extra: 'x' } }]),
        );
        assert.equal(planPodChanges(previous, { ...scenario.cluster, namespaces: renamed }), undefined);
        if (scenario.cluster.policies.length > 0) {
          assert.equal(planPodChanges(previous, { ...scenario.cluster, policies: [] }), undefined);
        }
      }),
      { numRuns: 30 },
    );
  });
});
