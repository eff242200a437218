import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { arbitraryCluster } from '../engine/arbitrary-cluster.js';
import { naivePeerMatches, naiveSelects } from '../engine/naive-evaluator.js';
import { formatPath } from '../issues.js';
import { isEmptySelector } from '../model/selector.js';
import { ipblockCoversPodRange } from './rules/ipblock-covers-pod-range.js';
import { selectsNothing } from './rules/selects-nothing.js';
import { runLint } from './run-lint.js';

/**
 * Lint rules that say what a policy selects or a peer matches, against the naive evaluator
 * on random clusters (every pod there has a real status.podIP). Bounded in count.
 */
test('selects-nothing and ipblock-covers-pod-range agree with the naive evaluator', () => {
  let selectsNothingFindings = 0;
  let ipBlockFindings = 0;
  let ipBlockSilent = 0;
  fc.assert(
    fc.property(arbitraryCluster(), ({ cluster }) => {
      const findings = runLint({ cluster }, { rules: [selectsNothing, ipblockCoversPodRange] });
      const at = (code: string, policyId: string) =>
        new Set(
          findings
            .filter((f) => f.code === code && f.object === `NetworkPolicy ${policyId}`)
            .map((f) => formatPath(f.path)),
        );
      for (const policy of cluster.policies) {
        const none = !isEmptySelector(policy.podSelector) && !cluster.pods.some((pod) => naiveSelects(policy, pod));
        assert.equal(at('selects-nothing', policy.id).size > 0, none, `selects-nothing on ${policy.id}`);
        if (none) selectsNothingFindings++;
        const flagged = at('ipblock-covers-pod-range', policy.id);
        for (const rule of [
          ...(policy.types.ingress ? policy.ingress : []),
          ...(policy.types.egress ? policy.egress : []),
        ]) {
          if (rule.peers === 'all') continue;
          for (const peer of rule.peers) {
            if (peer.kind !== 'ipBlock') continue;
            const path = `spec.${rule.direction}[${rule.index}].${rule.direction === 'ingress' ? 'from' : 'to'}[${peer.index}].ipBlock.cidr`;
            const covers = cluster.pods.some((pod) => naivePeerMatches(cluster, policy, peer, { kind: 'pod', pod }));
            assert.equal(flagged.has(path), covers, `${policy.id} ${path}`);
            if (covers) ipBlockFindings++;
            else ipBlockSilent++;
          }
        }
      }
    }),
    { numRuns: 150, seed: 20261203 },
  );
  assert.ok(selectsNothingFindings > 10, `only ${selectsNothingFindings} selects-nothing findings`);
  assert.ok(ipBlockFindings > 10 && ipBlockSilent > 10, `${ipBlockFindings} flagged, ${ipBlockSilent} silent ipBlocks`);
});
