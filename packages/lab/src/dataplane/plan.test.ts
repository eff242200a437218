import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, first, naiveAllowed, type Peer, type PortQuery } from '@netpol/core';
import fc from 'fast-check';
import { arbitraryAdminCluster } from '../../../core/src/engine/arbitrary-admin.js';
import { arbitraryCluster, scenarioPeers } from '../../../core/src/engine/arbitrary-cluster.js';
import { evaluatePlan } from './evaluate-plan.js';
import { classSourceOf, classStateOf, planDataplane } from './plan.js';
import { planPodChanges } from './plan-changes.js';

const ipOf = (p: Peer) => (p.kind === 'pod' ? first(p.pod.ips) : p.ip);

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

  it('decides every pair as the naive evaluator does, admin tiers included (random clusters)', () => {
    const seen = { compared: 0, denied: 0, tierElements: 0 };
    fc.assert(
      fc.property(arbitraryAdminCluster(), (scenario) => {
        const plan = planDataplane(scenario.cluster);
        assert.ok(plan.tiers, 'admin tier policies give tier classes');
        for (const d of ['egress', 'ingress'] as const) {
          for (const v of plan.tiers[d].pairs.values()) seen.tierElements += v.admin.length + v.baseline.length;
        }
        const peers = scenarioPeers(scenario);
        for (const source of peers) {
          for (const destination of peers) {
            if (source.kind === 'external' && destination.kind === 'external') continue;
            for (const query of scenario.ports) {
              const port = resolvePort(destination, query);
              if (port === undefined) continue;
              const expected = naiveAllowed(scenario.cluster, source, destination, { protocol: query.protocol, port });
              if (expected === null) continue;
              const actual = evaluatePlan(plan, ipOf(source), ipOf(destination), query.protocol, port);
              seen.compared++;
              if (!expected) seen.denied++;
              assert.equal(
                actual,
                expected,
                `${ipOf(source)} → ${ipOf(destination)} ${query.protocol}/${port}\n${scenario.yaml}`,
              );
            }
          }
        }
      }),
      { numRuns: 150, seed: 20261203 },
    );
    assert.ok(seen.compared > 5000 && seen.denied > 500, `too few comparisons: ${JSON.stringify(seen)}`);
    assert.ok(seen.tierElements > 500, `too few tier elements: ${seen.tierElements}`);
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

describe('classStateOf / classSourceOf', () => {
  it('rebuild the applied plan exactly from JSON, even after incremental updates', () => {
    fc.assert(
      fc.property(arbitraryCluster(), fc.nat(), (scenario, pick) => {
        const first = planDataplane(scenario.cluster);
        const pods = [...scenario.cluster.pods];
        const i = pick % pods.length;
        pods[i] = { ...at(pods, i), labels: { app: 'z', tier: 'fe' } };
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
