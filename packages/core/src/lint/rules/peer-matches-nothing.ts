import { NAMESPACE_NAME_LABEL } from '../../constants.js';
import type { CompiledPeer } from '../../engine/compile-policy.js';
import { peerScopesNamespace } from '../../engine/match-peer.js';
import { peerWords, plural, selectorWords } from '../../format/words.js';
import type { FieldPath } from '../../issues.js';
import type { LoadedObject } from '../../load/loaded-object.js';
import { isEmptySelector } from '../../model/selector.js';
import type { LabelSelectorModel, PeerModel, PolicyModel } from '../../model/types.js';
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

/** A selector peer of a policy, where its findings point. */
interface PeerAt {
  policy: PolicyModel;
  peer: Extract<PeerModel, { kind: 'selector' }>;
  object: LoadedObject;
  at: FieldPath;
}

/** The rule's work, a step at a time: policies in chunks (a peer is three units; twenty endpoints a near-miss hint reads, one). */
function* peerSteps(ctx: LintContext, report: (finding: LintReport) => void): Generator<void, void, void> {
  const work = new StepWork(ctx.stepWork);
  const scopes = namespaceScopes(ctx);
  for (const policy of ctx.cluster.policies) {
    if (work.full()) yield;
    if (!policy.origin) continue;
    const object = policy.origin.object;
    for (const rule of effectiveRules(policy)) {
      if (rule.peers === 'all') continue;
      for (const peer of rule.peers) {
        if (peer.kind !== 'selector') continue;
        work.add(3);
        const finding = judgePeer(ctx, scopes, work, { policy, peer, object, at: peerPath(rule, peer) });
        if (finding) report(finding);
      }
    }
  }
}

/**
 * The namespaces a peer's namespaceSelector scopes, found once per distinct selector (30,000
 * policies share few).
 */
function namespaceScopes({ cluster }: LintContext) {
  const namespaces = [...cluster.namespaces.values()];
  const scoped = new Map<string, string[]>();
  return {
    namespaces,
    /** Namespace labels are unknown when the input defines no Namespace objects. */
    anyDefined: namespaces.some((ns) => !ns.implicit),
    scopedBy({ policy }: PeerAt, halves: SelectorHalves, selector: LabelSelectorModel): string[] {
      const key = JSON.stringify(selector);
      let names = scoped.get(key);
      if (!names) {
        names = namespaces
          .filter((ns) => peerScopesNamespace(halves, policy.namespace, ns.name, ns.labels))
          .map((ns) => ns.name);
        scoped.set(key, names);
      }
      return names;
    },
  };
}

type Scopes = ReturnType<typeof namespaceScopes>;

type SelectorHalves = Extract<CompiledPeer, { kind: 'selector' }>;

/** What is wrong with one peer: a contradiction, no namespace, or no pod it could match. */
function judgePeer(ctx: LintContext, scopes: Scopes, work: StepWork, peerAt: PeerAt): LintReport | undefined {
  const contradiction = contradictionFinding(peerAt);
  if (contradiction) return contradiction;
  // The peer's two halves, judged apart so the finding can say which one matches nothing.
  const halves = ctx.compiled.peer(peerAt.policy, peerAt.peer);
  if (halves.kind !== 'selector') return undefined;
  const candidates = candidateNamespaces(ctx, scopes, peerAt, halves);
  if (!Array.isArray(candidates)) return candidates;
  return podFinding(ctx, work, peerAt, candidates);
}

/** Whatever the input holds: requirements that exclude each other match no pod at all. */
function contradictionFinding({ policy, peer, object, at }: PeerAt): LintReport | undefined {
  const halves = [
    ['namespaceSelector', peer.namespaceSelector, [NAMESPACE_NAME_LABEL]],
    ['podSelector', peer.podSelector, []],
  ] as const;
  for (const [field, selector, always] of halves) {
    const key = selector && selectorContradiction(selector, always);
    if (!selector || key === undefined) continue;
    const why =
      key === NAMESPACE_NAME_LABEL && field === 'namespaceSelector'
        ? `every namespace has the label ${NAMESPACE_NAME_LABEL} (its name)`
        : `its requirements on ${key} exclude each other`;
    return {
      object,
      path: [...at, field],
      message: `${peerWords(peer, policy.namespace)}: the ${field} ${selectorWords(selector)} can match no ${field === 'podSelector' ? 'pod' : 'namespace'} at all (${why}), so this peer admits nothing`,
    };
  }
  return undefined;
}

/**
 * The namespaces where the peer's pods may be; or, when its namespaceSelector matches none,
 * the finding (undefined: nothing to say, as when the input defines no Namespace objects).
 */
function candidateNamespaces(
  { cluster }: LintContext,
  scopes: Scopes,
  peerAt: PeerAt,
  halves: SelectorHalves,
): string[] | LintReport | undefined {
  const { policy, peer, object, at } = peerAt;
  const nsSel = peer.namespaceSelector;
  if (!nsSel) return [policy.namespace];
  if (isEmptySelector(nsSel)) return scopes.namespaces.map((ns) => ns.name);
  const names = scopes.scopedBy(peerAt, halves, nsSel);
  if (names.length > 0) return names;
  if (!scopes.anyDefined) return undefined;
  const pinned = pinnedNames(nsSel).filter((n) => !cluster.namespaces.has(n));
  if (pinned.length > 0) {
    return {
      object,
      path: [...at, 'namespaceSelector'],
      severity: 'info',
      message: `namespaceSelector ${selectorWords(nsSel)} names namespace ${pinned.join(', ')}, which is not in the input; netpol cannot check this peer`,
    };
  }
  const miss = nearMiss(
    nsSel,
    scopes.namespaces.map((ns) => ns.labels),
    'namespace',
  );
  return {
    object,
    path: keyPath([...at, 'namespaceSelector'], nsSel, miss.key),
    message: `${peerWords(peer, policy.namespace)}: the namespaceSelector matches none of the ${plural(scopes.namespaces.length, 'namespace')} in the input, so this peer admits nothing: ${miss.hint}`,
  };
}

/** No pod of the candidate namespaces matches the podSelector (namespaces without pods: a partial input). */
function podFinding(
  { endpointsIn, peerEndpoints }: LintContext,
  work: StepWork,
  { policy, peer, object, at }: PeerAt,
  candidates: readonly string[],
): LintReport | undefined {
  const podSel = peer.podSelector;
  if (!podSel || isEmptySelector(podSel)) return undefined;
  if (peerEndpoints(policy, peer).length > 0) return undefined;
  // In endpoint order (sorted by namespace name), looked up namespace by namespace.
  const pool = [...candidates].sort().flatMap((ns) => endpointsIn(ns));
  // No pods of those namespaces in the input: a partial input, not a typo.
  if (pool.length === 0) return undefined;
  work.add(pool.length / 20);
  const miss = nearMiss(
    podSel,
    pool.map((e) => e.pod.labels),
    'pod',
  );
  return {
    object,
    path: keyPath([...at, 'podSelector'], podSel, miss.key),
    message: `${peerWords(peer, policy.namespace)}: no pod in the input matches, so this peer admits nothing: ${miss.hint}`,
  };
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
