import { NAMESPACE_NAME_LABEL } from '../constants.js';
import { type IpAddress, parseIp } from '../model/cidr.js';
import { firstBuild } from '../model/moved-model.js';
import type {
  ClusterModel,
  Direction,
  Labels,
  PeerModel,
  PodModel,
  PolicyModel,
  Protocol,
  RuleModel,
} from '../model/types.js';
import { type AdminTiers, createAdminTiers } from './admin-tiers.js';
import { combine, combineAllows, externalSide, type SideQuery } from './combine.js';
import {
  type CompiledPeer,
  type CompiledPolicy,
  type CompiledRule,
  compilePolicy,
  type PeerFacts,
  type PodFacts,
} from './compile-policy.js';
import { matchPeer } from './match-peer.js';
import { type PortHolder, resolvePort } from './match-port.js';
import { matchRule, type RuleMatch } from './match-rule.js';
import { type AddressedPod, podAddress } from './pod-address.js';
import { selectsPod } from './selects-pod.js';
import type { Peer, PortQuery, SideVerdict, Verdict } from './types.js';

/** A pod as peers see it: what selectors see, plus its addresses (primary first). */
export interface PeerPod extends PodFacts, AddressedPod {}

/**
 * The cluster's policies compiled once and indexed by namespace: the one place that decides
 * which policies select a pod, whether a peer, a rule or a port matches, and how rules
 * combine into a verdict. Every consumer (the reference engine, the fast matrix, explain,
 * diff, lint, the lab's planner) asks it rather than re-deciding. Model objects passed in
 * must come from `model`.
 */
export interface CompiledCluster {
  readonly model: ClusterModel;
  /** Every policy compiled, in model order. */
  readonly policies: readonly CompiledPolicy[];
  /** The admin and baseline tiers (undefined when the cluster has no admin tier policy). */
  readonly tiers?: AdminTiers;
  /** The compiled form of one of the model's policies. */
  compiled(policy: PolicyModel): CompiledPolicy;
  /** The compiled form of one of a policy's rules. */
  rule(policy: PolicyModel, rule: RuleModel): CompiledRule;
  /** The compiled form of one of a policy's peers. */
  peer(policy: PolicyModel, peer: PeerModel): CompiledPeer;
  /** The policies of a namespace, in model order. */
  policiesIn(namespace: string): readonly CompiledPolicy[];
  /** The policies whose podSelector selects the pod (whatever their policyTypes), in model order. */
  policiesSelecting(pod: PodFacts): CompiledPolicy[];
  /**
   * `policiesSelecting` of a model's pod, found once and kept while this compiled cluster is
   * (pods are never changed once built): for callers that ask every pod again and again (the
   * diff, the web UI's summary and matrix after an edit). Never for made-up facts objects.
   */
  policiesSelectingOnce(pod: PodModel): readonly CompiledPolicy[];
  selects(policy: PolicyModel, pod: PodFacts): boolean;
  /** A namespace's labels (`kubernetes.io/metadata.name` alone for a namespace the model lacks). */
  namespaceLabels(namespace: string): Labels;
  /** A pod (or anything shaped like one) as rules' peers see it (ipBlocks: `podAddress`). */
  podFacts(pod: PeerPod): PeerFacts;
  /** An endpoint as rules' peers see it. */
  facts(endpoint: Peer): PeerFacts;
  /** One `from`/`to` entry of the policy matches the other side. */
  peerMatches(policy: PolicyModel, peer: PeerModel, other: PeerFacts): boolean;
  /** Which peer and port of the rule admit the connection; undefined when the rule does not. */
  ruleAdmits(
    policy: PolicyModel,
    rule: RuleModel,
    other: PeerFacts,
    protocol: Protocol,
    port: number | undefined,
    destination: PortHolder | undefined,
  ): RuleMatch | undefined;
  /** One side's verdict: the NetworkPolicy tier of `direction` for the subject pod. */
  side(query: SideQuery): SideVerdict;
  /** Source to destination on a port: both sides, and the pair rules (self, unresolved named port). */
  verdict(source: Peer, destination: Peer, query: PortQuery): Verdict;
  /**
   * `verdict(source, destination, query).allowed` without the reasons: the ingress side is
   * asked only when egress allows (without admin tiers, each side stops at its first admitting
   * rule); `ingressFirst`: the other way round (the same answer, a side that denies most pairs
   * asked first: the web UI's matrix asks a column again after its ingress changed).
   */
  allowed(source: Peer, destination: Peer, query: PortQuery, ingressFirst?: boolean): boolean;
}

/** Models are never changed after they are built, so each is compiled once (weakly held). */
const compiledModels = new WeakMap<ClusterModel, CompiledCluster>();

/**
 * `like`: a model that stays while this one is (the web UI's input, against which each edit
 * and toggle is compared), compiled as this one's donor: a namespace whose policies are the
 * donor's (the same compiled policies, in order) selects the donor's pods as the donor does,
 * so those answers are shared, not found again (a what-if changes a few policies). Used when
 * `model` is first compiled; never a chain (the donor's own donor is not asked).
 */
export function compileCluster(model: ClusterModel, like?: ClusterModel): CompiledCluster {
  let compiled = compiledModels.get(model);
  if (!compiled) {
    compiled = compile(model, like && like !== model ? compileCluster(like) : undefined);
    compiledModels.set(model, compiled);
  }
  return compiled;
}

/** Policies too (a what-if toggle or an edit of another file keeps most policy models). */
const compiledPolicies = new WeakMap<PolicyModel, CompiledPolicy>();

function compiledPolicy(policy: PolicyModel): CompiledPolicy {
  let compiled = compiledPolicies.get(policy);
  if (!compiled) {
    // A moved model (`movedModel`) compiles as its first build: the same rules and selector.
    // That build may be no model of any cluster (kept without an origin): compiled once, kept.
    const first = firstBuild(policy);
    let known = compiledPolicies.get(first);
    if (!known) {
      known = compilePolicy(first);
      compiledPolicies.set(first, known);
    }
    compiled = first === policy ? known : { ...known, policy };
    compiledPolicies.set(policy, compiled);
  }
  return compiled;
}

/**
 * A compiled policy's rules and peers by model, once per compiled policy (a policy's are
 * looked up within it: models may share rule objects between policies, a policy copied into
 * another namespace keeps its rules).
 */
interface PolicyParts {
  rules: Map<RuleModel, CompiledRule>;
  peers: Map<PeerModel, CompiledPeer>;
}

const partsOfPolicies = new WeakMap<CompiledPolicy, PolicyParts>();

function partsOf(compiled: CompiledPolicy): PolicyParts {
  let parts = partsOfPolicies.get(compiled);
  if (!parts) {
    parts = { rules: new Map(), peers: new Map() };
    for (const rule of [...compiled.ingress, ...compiled.egress]) {
      parts.rules.set(rule.model, rule);
      if (rule.peers === 'all') continue;
      for (const peer of rule.peers) parts.peers.set(peer.model, peer);
    }
    partsOfPolicies.set(compiled, parts);
  }
  return parts;
}

function compile(model: ClusterModel, donor: CompiledCluster | undefined): CompiledCluster {
  const policies = model.policies.map(compiledPolicy);
  const { byPolicy, byNamespace } = indexPolicies(policies);
  const { ruleOf, peerOf } = partsLookup(byPolicy);
  const namespaceLabels = namespaceLabelsOf(model);
  const { podFacts, facts } = factsOf(namespaceLabels);
  const { policiesSelecting, policiesSelectingOnce } = selectionOf(byNamespace, donor);
  const tiers = model.adminPolicies && model.adminPolicies.length > 0 ? createAdminTiers(model) : undefined;
  // With admin tier policies, the NetworkPolicy verdict is one tier of several (admin-tiers.ts).
  const side = (query: SideQuery) => {
    const networkPolicy = combine(policiesSelecting(query.subject), query);
    return tiers ? tiers.side(query, namespaceLabels(query.subject.namespace), networkPolicy) : networkPolicy;
  };
  // Without admin tiers a side needs no reasons: its pod's policies, found once, combined.
  const sideAllows = (subject: PodModel, query: SideQuery) =>
    tiers ? side(query).allowed : combineAllows(policiesSelectingOnce(subject), query);
  return {
    model,
    policies,
    tiers,
    compiled: (policy) => lookup(byPolicy, policy, `policy ${policy.id}`),
    rule: ruleOf,
    peer: peerOf,
    policiesIn: (namespace) => byNamespace.get(namespace) ?? [],
    policiesSelecting,
    policiesSelectingOnce,
    selects: (policy, pod) => selectsPod(lookup(byPolicy, policy, `policy ${policy.id}`), pod),
    namespaceLabels,
    podFacts,
    facts,
    peerMatches: (policy, peer, other) => matchPeer(peerOf(policy, peer), policy.namespace, other),
    ruleAdmits: (policy, rule, other, protocol, port, destination) =>
      matchRule(ruleOf(policy, rule), policy.namespace, other, protocol, port, destination),
    side,
    verdict: verdictOf(facts, side),
    allowed: allowedOf(facts, sideAllows),
  };
}

/** The compiled policies by model and by namespace (each list in model order). */
function indexPolicies(policies: readonly CompiledPolicy[]) {
  const byPolicy = new Map<PolicyModel, CompiledPolicy>();
  const byNamespace = new Map<string, CompiledPolicy[]>();
  for (const compiled of policies) {
    byPolicy.set(compiled.policy, compiled);
    const list = byNamespace.get(compiled.policy.namespace);
    if (list) list.push(compiled);
    else byNamespace.set(compiled.policy.namespace, [compiled]);
  }
  return { byPolicy, byNamespace };
}

/** A model object of another cluster is a caller's bug: said at once, not answered wrongly. */
function lookup<K, V>(map: Map<K, V> | undefined, key: K, what: string): V {
  const value = map?.get(key);
  if (value === undefined) throw new Error(`compileCluster: ${what} is not of this cluster`);
  return value;
}

/** A policy's compiled rules and peers by their models. */
function partsLookup(byPolicy: Map<PolicyModel, CompiledPolicy>) {
  const partsIn = (policy: PolicyModel) => {
    const compiled = byPolicy.get(policy);
    return compiled && partsOf(compiled);
  };
  const ruleOf = (policy: PolicyModel, rule: RuleModel) =>
    lookup(partsIn(policy)?.rules, rule, `rule ${policy.id} ${rule.direction}[${rule.index}]`);
  const peerOf = (policy: PolicyModel, peer: PeerModel) =>
    lookup(partsIn(policy)?.peers, peer, `peer ${policy.id} [${peer.index}]`);
  return { ruleOf, peerOf };
}

/** A namespace's labels; one the model lacks has its name label alone (one object per name). */
function namespaceLabelsOf(model: ClusterModel): (namespace: string) => Labels {
  const implicitLabels = new Map<string, Labels>();
  return (namespace) => {
    const defined = model.namespaces.get(namespace)?.labels;
    if (defined) return defined;
    let labels = implicitLabels.get(namespace);
    if (!labels) {
      labels = { [NAMESPACE_NAME_LABEL]: namespace };
      implicitLabels.set(namespace, labels);
    }
    return labels;
  };
}

/** Endpoints as peers see them (each address text parsed once). */
function factsOf(namespaceLabels: (namespace: string) => Labels) {
  const primaryIps = new Map<string, IpAddress | undefined>();
  const primaryIp = (text: string | undefined): IpAddress | undefined => {
    if (text === undefined) return undefined;
    if (!primaryIps.has(text)) primaryIps.set(text, parseIp(text));
    return primaryIps.get(text);
  };
  const podFacts = (pod: PeerPod): PeerFacts => ({
    pod,
    namespaceLabels: namespaceLabels(pod.namespace),
    ip: primaryIp(podAddress(pod)),
  });
  const facts = (endpoint: Peer): PeerFacts =>
    endpoint.kind === 'external' ? { ip: parseIp(endpoint.ip) } : podFacts(endpoint.pod);
  return { podFacts, facts };
}

/**
 * Which policies select a pod; for a model's pod found once, or taken from the donor where the
 * namespace's policies are the donor's (see compileCluster's `like`).
 */
function selectionOf(byNamespace: Map<string, CompiledPolicy[]>, donor: CompiledCluster | undefined) {
  const policiesSelecting = (pod: PodFacts) => (byNamespace.get(pod.namespace) ?? []).filter((p) => selectsPod(p, pod));
  const selectingKnown = new WeakMap<PodModel, readonly CompiledPolicy[]>();
  const asDonor = new Map<string, boolean>();
  const sharedWithDonor = (namespace: string): boolean => {
    if (!donor) return false;
    let same = asDonor.get(namespace);
    if (same === undefined) {
      const mine = byNamespace.get(namespace) ?? [];
      const theirs = donor.policiesIn(namespace);
      same = mine.length === theirs.length && mine.every((p, i) => p === theirs[i]);
      asDonor.set(namespace, same);
    }
    return same;
  };
  const policiesSelectingOnce = (pod: PodModel) => {
    let list = selectingKnown.get(pod);
    if (!list) {
      list = donor && sharedWithDonor(pod.namespace) ? donor.policiesSelectingOnce(pod) : policiesSelecting(pod);
      selectingKnown.set(pod, list);
    }
    return list;
  };
  return { policiesSelecting, policiesSelectingOnce };
}

/** `verdict`: both sides with their reasons, then the pair rules. */
function verdictOf(facts: (endpoint: Peer) => PeerFacts, side: (query: SideQuery) => SideVerdict) {
  return (source: Peer, destination: Peer, query: PortQuery): Verdict => {
    const destinationPod = destination.kind === 'pod' ? destination.pod : undefined;
    const port = resolvePort(query.port, query.protocol, destinationPod);
    const sourceFacts = facts(source);
    const destinationFacts = facts(destination);
    const judge = (direction: Direction): SideVerdict => {
      const subject = direction === 'egress' ? source : destination;
      if (subject.kind === 'external') return externalSide(direction);
      return side({
        direction,
        subject: subject.pod,
        peer: direction === 'egress' ? destinationFacts : sourceFacts,
        protocol: query.protocol,
        port,
        destination: destinationPod,
      });
    };
    const egress = judge('egress');
    const ingress = judge('ingress');
    // "A connection is allowed iff the source's egress allows it and the destination's ingress allows it."
    const verdict: Verdict = { allowed: egress.allowed && ingress.allowed, egress, ingress };
    if (port !== undefined) verdict.port = port;
    if (source.kind === 'external' && destination.kind === 'external') {
      verdict.note = 'external-to-external';
    } else if (source.kind === 'pod' && destinationPod && source.pod.id === destinationPod.id) {
      // Traffic from a pod to itself is always allowed.
      verdict.allowed = true;
      verdict.note = 'self';
    } else if (port === undefined) {
      verdict.allowed = false;
      verdict.note = 'named-port-unresolved';
    }
    return verdict;
  };
}

/** `allowed`: the verdict's answer without its reasons, a side asked only when still needed. */
function allowedOf(facts: (endpoint: Peer) => PeerFacts, sideAllows: (subject: PodModel, query: SideQuery) => boolean) {
  return (source: Peer, destination: Peer, query: PortQuery, ingressFirst = false): boolean => {
    // The same pair rules, in the same order, as `verdict`.
    if (source.kind === 'external' && destination.kind === 'external') return true;
    const destinationPod = destination.kind === 'pod' ? destination.pod : undefined;
    if (source.kind === 'pod' && destinationPod && source.pod.id === destinationPod.id) return true;
    const port = resolvePort(query.port, query.protocol, destinationPod);
    if (port === undefined) return false;
    const allows = (direction: Direction, subject: Peer, other: Peer): boolean =>
      subject.kind === 'external' ||
      sideAllows(subject.pod, {
        direction,
        subject: subject.pod,
        peer: facts(other),
        protocol: query.protocol,
        port,
        destination: destinationPod,
      });
    return ingressFirst
      ? allows('ingress', destination, source) && allows('egress', source, destination)
      : allows('egress', source, destination) && allows('ingress', destination, source);
  };
}
