import { NAMESPACE_NAME_LABEL } from '../../constants.js';
import { peerScopesNamespace } from '../../engine/match-peer.js';
import { peerWords, plural, selectorWords } from '../../format/words.js';
import type { FieldPath } from '../../issues.js';
import { isEmptySelector } from '../../model/selector.js';
import type { LabelSelectorModel } from '../../model/types.js';
import { selectorContradiction } from '../../symbolic/label-space.js';
import { effectiveRules, nearMiss, peerPath } from '../rule-helpers.js';
import { allSteps, StepWork } from '../rule-steps.js';
import type { LintContext, LintReport, LintRule } from '../types.js';

/**
 * A `from`/`to` peer whose selectors match no pod in the input: usually a label typo, and the
 * rule then allows nothing from that peer. Partial inputs are not punished: a namespace
 * pinned by name that is not in the input is info, and namespaces with no pods in the input
 * are not judged.
 */
export const peerMatchesNothing: LintRule = {
  id: 'peer-matches-nothing',
  severity: 'warning',
  summary: 'a from/to peer (podSelector/namespaceSelector) matches no pod or namespace in the input',
  help: "A peer admits only pods whose labels match its podSelector, in namespaces whose labels match its namespaceSelector (or the policy's own namespace when there is none). Check both for typos; namespaces carry the label kubernetes.io/metadata.name=<name>. Labels on namespaces must be set on the Namespace object (`kubectl label namespace`).",
  check: allSteps(peerSteps),
  steps: peerSteps,
};

/** The rule's work, a step at a time: policies in chunks (a peer is three units; twenty endpoints a near-miss hint reads, one). */
function* peerSteps(ctx: LintContext, report: (finding: LintReport) => void): Generator<void, void, void> {
  const { cluster, compiled, endpointsIn, peerEndpoints } = ctx;
  const work = new StepWork(ctx.stepWork);
  const namespaces = [...cluster.namespaces.values()];
  // Namespaces a namespaceSelector scopes, per distinct selector (30,000 policies share few).
  const scoped = new Map<string, string[]>();
  const anyDefined = namespaces.some((ns) => !ns.implicit);
  for (const policy of cluster.policies) {
    if (work.full()) yield;
    if (!policy.origin) continue;
    const object = policy.origin.object;
    for (const rule of effectiveRules(policy)) {
      if (rule.peers === 'all') continue;
      for (const peer of rule.peers) {
        if (peer.kind !== 'selector') continue;
        work.add(3);
        const at = peerPath(rule, peer);
        // Whatever the input holds: requirements that exclude each other match no pod at all.
        const contradiction = (
          [
            ['namespaceSelector', peer.namespaceSelector, [NAMESPACE_NAME_LABEL]],
            ['podSelector', peer.podSelector, []],
          ] as const
        ).find(([, selector, always]) => selector && selectorContradiction(selector, always) !== undefined);
        if (contradiction) {
          const [field, selector, always] = contradiction;
          const key = selectorContradiction(selector as LabelSelectorModel, always);
          const why =
            key === NAMESPACE_NAME_LABEL && field === 'namespaceSelector'
              ? `every namespace has the label ${NAMESPACE_NAME_LABEL} (its name)`
              : `its requirements on ${key} exclude each other`;
          report({
            object,
            path: [...at, field],
            message: `${peerWords(peer, policy.namespace)}: the ${field} ${selectorWords(selector as LabelSelectorModel)} can match no ${field === 'podSelector' ? 'pod' : 'namespace'} at all (${why}), so this peer admits nothing`,
          });
          continue;
        }
        // The peer's two halves, judged apart so the finding can say which one matches nothing.
        const halves = compiled.peer(policy, peer);
        if (halves.kind !== 'selector') continue;
        let candidates: string[] = [policy.namespace];
        if (peer.namespaceSelector && !isEmptySelector(peer.namespaceSelector)) {
          const nsSel = peer.namespaceSelector;
          const key = JSON.stringify(nsSel);
          let names = scoped.get(key);
          if (!names) {
            names = namespaces
              .filter((ns) => peerScopesNamespace(halves, policy.namespace, ns.name, ns.labels))
              .map((ns) => ns.name);
            scoped.set(key, names);
          }
          candidates = names;
          if (candidates.length === 0) {
            // Namespace labels are unknown when the input defines no Namespace objects.
            if (!anyDefined) continue;
            const pinned = pinnedNames(nsSel).filter((n) => !cluster.namespaces.has(n));
            if (pinned.length > 0) {
              report({
                object,
                path: [...at, 'namespaceSelector'],
                severity: 'info',
                message: `namespaceSelector ${selectorWords(nsSel)} names namespace ${pinned.join(', ')}, which is not in the input; netpol cannot check this peer`,
              });
              continue;
            }
            const miss = nearMiss(
              nsSel,
              namespaces.map((ns) => ns.labels),
              'namespace',
            );
            report({
              object,
              path: keyPath([...at, 'namespaceSelector'], nsSel, miss.key),
              message: `${peerWords(peer, policy.namespace)}: the namespaceSelector matches none of the ${plural(namespaces.length, 'namespace')} in the input, so this peer admits nothing: ${miss.hint}`,
            });
            continue;
          }
        } else if (peer.namespaceSelector) {
          candidates = namespaces.map((ns) => ns.name);
        }
        const podSel = peer.podSelector;
        if (!podSel || isEmptySelector(podSel)) continue;
        if (peerEndpoints(policy, peer).length > 0) continue;
        // In endpoint order (sorted by namespace name), looked up namespace by namespace.
        const pool = [...candidates].sort().flatMap((ns) => endpointsIn(ns));
        // No pods of those namespaces in the input: a partial input, not a typo.
        if (pool.length === 0) continue;
        work.add(pool.length / 20);
        const miss = nearMiss(
          podSel,
          pool.map((e) => e.pod.labels),
          'pod',
        );
        report({
          object,
          path: keyPath([...at, 'podSelector'], podSel, miss.key),
          message: `${peerWords(peer, policy.namespace)}: no pod in the input matches, so this peer admits nothing: ${miss.hint}`,
        });
      }
    }
  }
}

function keyPath(base: FieldPath, selector: LabelSelectorModel, key: string | undefined): FieldPath {
  return key && key in selector.matchLabels ? [...base, 'matchLabels', key] : base;
}

/** Namespace names a selector pins with `kubernetes.io/metadata.name` (matchLabels or In). */
function pinnedNames(selector: LabelSelectorModel): string[] {
  const names: string[] = [];
  const direct = selector.matchLabels[NAMESPACE_NAME_LABEL];
  if (direct !== undefined) names.push(direct);
  for (const e of selector.matchExpressions) {
    if (e.key === NAMESPACE_NAME_LABEL && e.operator === 'In') names.push(...e.values);
  }
  return names;
}
