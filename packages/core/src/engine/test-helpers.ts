import assert from 'node:assert/strict';
import { type ClusterScenario, scenarioPeers } from './arbitrary-cluster.js';
import { compileCluster } from './compile-cluster.js';
import { naiveAllowed } from './naive-evaluator.js';
import { createReferenceEngine } from './reference-engine.js';
import type { Peer, PortQuery, Verdict } from './types.js';

/** One pair of a scenario on one port, as the reference engine and the naive evaluator judged it. */
export interface JudgedPair {
  source: Peer;
  destination: Peer;
  port: PortQuery;
  verdict: Verdict;
  /** The naive evaluator's answer; null for two outside addresses (it has none). */
  expected: boolean | null;
}

/**
 * For the engine's property tests: every pair of a scenario's endpoints on every port, once
 * the compiled cluster's bare bit (asked either side first: what a what-if edit asks again)
 * was found to be the verdict's and the verdict the naive evaluator's (a failure prints the
 * pair and the scenario's manifests). Each test counts what it needs of the verdicts.
 */
export function* judgedPairs(scenario: ClusterScenario): Generator<JudgedPair> {
  const engine = createReferenceEngine(scenario.cluster);
  const compiled = compileCluster(scenario.cluster);
  const peers = scenarioPeers(scenario);
  for (const source of peers) {
    for (const destination of peers) {
      for (const port of scenario.ports) {
        const expected = naiveAllowed(scenario.cluster, source, destination, port);
        const verdict = engine.check(source, destination, port);
        assert.equal(compiled.allowed(source, destination, port), verdict.allowed);
        assert.equal(compiled.allowed(source, destination, port, true), verdict.allowed, 'ingress first');
        if (expected !== null && verdict.allowed !== expected) {
          assert.fail(
            `${label(source)} -> ${label(destination)} ${port.protocol}/${port.port}: engine ${verdict.allowed}, naive ${expected}\n${scenario.yaml}`,
          );
        }
        yield { source, destination, port, verdict, expected };
      }
    }
  }
}

function label(peer: Peer): string {
  return peer.kind === 'pod' ? peer.pod.id : peer.ip;
}
