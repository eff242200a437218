import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { naiveAllowed, type Peer, type PortQuery } from '@netpol/core';
import fc from 'fast-check';
import { arbitraryCluster, scenarioPeers } from '../../../core/src/engine/arbitrary-cluster.js';
import { evaluatePlan } from './evaluate-plan.js';
import { classSourceOf, classStateOf, type DataplanePlan, planDataplane } from './plan.js';
import { planPodChanges } from './plan-changes.js';
import { diffScript } from './update.js';

const ipOf = (p: Peer) => (p.kind === 'pod' ? p.pod.ips[0] : p.ip);

/** The numeric port a query means for a destination, as the lab resolves it before connecting. */
function resolvePort(destination: Peer, query: PortQuery): number | undefined {
  if (typeof query.port === 'number') return query.port;
  if (destination.kind !== 'pod') return undefined;
  return destination.pod.ports.find((p) => p.name === query.port && p.protocol === query.protocol)?.port;
}

describe('planDataplane', () => {
  it('decides every pair as the naive evaluator does (random clusters)', () => {
    let compared = 0;
    let denied = 0;
    fc.assert(
      fc.property(arbitraryCluster(), (scenario) => {
        const plan = planDataplane(scenario.cluster);
        const peers = scenarioPeers(scenario);
        for (const source of peers) {
          for (const destination of peers) {
            if (source.kind === 'external' && destination.kind === 'external') continue;
            for (const query of scenario.ports) {
              const port = resolvePort(destination, query);
              if (port === undefined) continue;
              const expected = naiveAllowed(scenario.cluster, source, destination, { protocol: query.protocol, port });
              const actual = evaluatePlan(plan, ipOf(source), ipOf(destination), query.protocol, port);
              compared++;
              if (!expected) denied++;
              assert.equal(actual, expected, `${ipOf(source)} → ${ipOf(destination)} ${query.protocol}/${port}`);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
    assert.ok(compared > 10_000 && denied > 1000, `too few interesting comparisons: ${compared}, ${denied} denied`);
  });

  it('keeps class ids and profiles when replanned on a previous plan with the same policies', () => {
    fc.assert(
      fc.property(arbitraryCluster(), (scenario) => {
        const first = planDataplane(scenario.cluster);
        const again = planDataplane(scenario.cluster, first);
        assert.deepEqual([...again.egress.subjects], [...first.egress.subjects]);
        assert.deepEqual([...again.ingress.podPeers], [...first.ingress.podPeers]);
        assert.deepEqual([...again.egress.allow], [...first.egress.allow]);
        assert.equal(again.profiles.size, first.profiles.size);
      }),
      { numRuns: 50 },
    );
  });
});

describe('planPodChanges', () => {
  const labelsArb = fc.record(
    { app: fc.constantFrom('a', 'b', 'c'), tier: fc.constantFrom('fe', 'be') },
    { requiredKeys: [] },
  ) as fc.Arbitrary<Record<string, string>>;
  /** A random cluster and the same cluster with some pods relabelled, one maybe removed. */
  const changeArb = arbitraryCluster().chain((scenario) =>
    fc
      .record({
        relabel: fc.array(fc.tuple(fc.nat(), labelsArb), { minLength: 1, maxLength: 3 }),
        remove: fc.option(fc.nat(), { nil: undefined }),
      })
      .map(({ relabel, remove }) => {
        const pods = [...scenario.cluster.pods];
        for (const [i, labels] of relabel) pods[i % pods.length] = { ...pods[i % pods.length], labels };
        if (remove !== undefined && pods.length > 2) pods.splice(remove % pods.length, 1);
        return { scenario, next: { ...scenario.cluster, pods } };
      }),
  );
  const allowByPorts = (plan: DataplanePlan, d: 'egress' | 'ingress') => {
    const byId = new Map([...plan.profiles].map(([key, p]) => [p.id, key]));
    return new Map([...plan[d].allow].map(([pair, v]) => [pair, v === 'all' ? v : byId.get(v)]));
  };
  const normalize = (script: string[]) =>
    script
      .flatMap((line) => {
        const m = /^(add|delete) element \S+ \S+ (\S+) \{ (.*) \}$/.exec(line);
        return m ? m[3].split(', ').map((e) => `${m[1]} ${m[2]} ${e}`) : [line];
      })
      .sort();

  it('equals a replan on the previous classes, and touches only the changed pods', () => {
    let changedSome = 0;
    fc.assert(
      fc.property(changeArb, ({ scenario, next }) => {
        const options = { enforce: true, table: 'netpol' };
        const previous = planDataplane(scenario.cluster);
        const result = planPodChanges(previous, next);
        assert.ok(result, 'only pods changed');
        const replanned = planDataplane(next, previous);
        for (const d of ['egress', 'ingress'] as const) {
          assert.deepEqual(new Map(result.plan[d].subjects), new Map(replanned[d].subjects));
          assert.deepEqual(new Map(result.plan[d].podPeers), new Map(replanned[d].podPeers));
          // New port profiles may be numbered in another order: compare what they allow.
          assert.deepEqual(allowByPorts(result.plan, d), allowByPorts(replanned, d));
        }
        const scoped = diffScript(previous, result.plan, options, result);
        const whole = diffScript(previous, result.plan, options);
        assert.ok(scoped && whole);
        assert.deepEqual(normalize(scoped), normalize(whole));
        if (scoped.length > 0) changedSome++;
        // And it still decides like the engine.
        for (const source of next.pods) {
          for (const destination of next.pods) {
            for (const port of [53, 80, 8080]) {
              const q = { protocol: 'TCP' as const, port };
              const expected = naiveAllowed(next, { kind: 'pod', pod: source }, { kind: 'pod', pod: destination }, q);
              assert.equal(evaluatePlan(result.plan, source.ips[0], destination.ips[0], 'TCP', port), expected);
            }
          }
        }
      }),
      { numRuns: 150, seed: Number(process.env.FC_SEED ?? Date.now() % 1e9) },
    );
    assert.ok(changedSome > 50, `only ${changedSome} runs changed any element`);
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

describe('classStateOf / classSourceOf', () => {
  it('rebuild the applied plan exactly from JSON, even after incremental updates', () => {
    fc.assert(
      fc.property(arbitraryCluster(), fc.nat(), (scenario, pick) => {
        const first = planDataplane(scenario.cluster);
        const pods = [...scenario.cluster.pods];
        const i = pick % pods.length;
        pods[i] = { ...pods[i], labels: { app: 'z', tier: 'fe' } };
        const next = { ...scenario.cluster, pods };
        const changed = planPodChanges(first, next)?.plan;
        assert.ok(changed);
        const state = JSON.parse(JSON.stringify(classStateOf(changed)));
        const rebuilt = planDataplane(next, classSourceOf(state));
        for (const d of ['egress', 'ingress'] as const) {
          assert.deepEqual(new Map(rebuilt[d].subjects), new Map(changed[d].subjects));
          assert.deepEqual(new Map(rebuilt[d].podPeers), new Map(changed[d].podPeers));
          assert.deepEqual(new Map(rebuilt[d].allow), new Map(changed[d].allow));
        }
      }),
      { numRuns: 100 },
    );
  });
});
