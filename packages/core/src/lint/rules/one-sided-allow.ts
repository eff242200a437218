import { at } from '../../at.js';
import { NAMESPACE_NAME_LABEL } from '../../constants.js';
import { compileCluster } from '../../engine/compile-cluster.js';
import { sideClasses } from '../../engine/side-classes.js';
import type { Engine, PortQuery } from '../../engine/types.js';
import { listSome, peerWords, portQueryWords, selectorYaml } from '../../format/words.js';
import type { LoadedObject } from '../../load/loaded-object.js';
import type { EndpointSample } from '../../matrix/endpoint-samples.js';
import { isEmptySelector } from '../../model/selector.js';
import type { Direction, PeerModel, PodModel, PolicyModel, RuleModel } from '../../model/types.js';
import { computeSymbolicSpace } from '../../symbolic/symbolic-space.js';
import { peerEndpointIndex } from '../peer-endpoints.js';
import { effectiveRules, peerPath } from '../rule-helpers.js';
import type { LintContext, LintReport, LintRule } from '../types.js';

/**
 * "A connection is allowed iff the source's egress allows it and the destination's ingress
 * allows it." An ingress rule that admits pods whose own egress policies deny that very
 * connection (or an egress rule towards pods whose ingress denies it) opens nothing: the
 * two halves were written apart and do not meet (seed 001's two-policy setup, seed 000's
 * frontend default-deny egress). Peers naming particular pods are flagged when any of them
 * is blocked; broad peers (whole namespaces) only when every pod they match is blocked.
 */
export const oneSidedAllow: LintRule = {
  id: 'one-sided-allow',
  severity: 'warning',
  summary: "a rule allows a connection that the other side's policies deny, so it opens nothing",
  help: "Both ends must allow a connection: the source pod's egress (when it is isolated for egress) and the destination pod's ingress (when it is isolated for ingress). For an ingress rule, add a matching egress rule to a policy that selects the source pods (to: the destination pods, same ports); for an egress rule, add a matching ingress rule to a policy selecting the destination pods. Or delete the rule if the connection is not wanted.",
  check(input, report) {
    const steps = oneSidedSteps(input, report);
    while (!steps.next().done) {
      // runs to the end: runLint needs no steps
    }
  },
  steps: oneSidedSteps,
};

function* oneSidedSteps(input: LintContext, report: (finding: LintReport) => void): Generator<void, void, void> {
  // A repository of policies alone: the classes of every possible pod stand in for pods.
  const ctx = input.hasPods ? input : symbolicContext(input);
  const { cluster, compiled, selectedBy, peerEndpoints, engine } = ctx;
  // Only a remote isolated in the other direction can block: skip the rest without asking.
  const isolated = { ingress: new Set<string>(), egress: new Set<string>() };
  for (const policy of cluster.policies) {
    for (const e of selectedBy(policy)) {
      if (policy.types.ingress) isolated.ingress.add(e.id);
      if (policy.types.egress) isolated.egress.add(e.id);
    }
  }
  const classOf = sideClasses(compiled);
  // Per answer of peerEndpoints (3,000 cross-team peers share 8) and direction: each remote's
  // side class, -1 when that side is not isolated (it allows everything).
  const remoteClasses = { ingress: new WeakMap<object, Int32Array>(), egress: new WeakMap<object, Int32Array>() };
  const classesOf = (remotes: readonly EndpointSample[], direction: Direction) => {
    let classes = remoteClasses[direction].get(remotes);
    if (!classes) {
      classes = Int32Array.from(remotes, (r) => (isolated[direction].has(r.id) ? classOf(r.pod, direction) : -1));
      remoteClasses[direction].set(remotes, classes);
    }
    return classes;
  };
  yield;
  // Units of work (rule-steps.ts): a local or a remote looked at. At 10k pods the rule takes
  // ~0.2–0.7 s in all; an edit in the web worker waits for the step under way.
  let work = 0;
  for (const policy of cluster.policies) {
    if (work >= input.stepWork) {
      work = 0;
      yield;
    }
    if (!policy.origin) continue;
    const locals = selectedBy(policy);
    work += 1 + locals.length;
    if (locals.length === 0) continue;
    const localIds = new Set(locals.map((e) => e.id));
    for (const rule of effectiveRules(policy)) {
      if (rule.peers === 'all') continue;
      const otherDirection = rule.direction === 'ingress' ? 'egress' : 'ingress';
      const asked: RuleAsked = {
        policy,
        object: policy.origin.object,
        rule,
        peers: rule.peers,
        locals,
        localIds,
        judge: otherSideJudge(engine, otherDirection),
        remotesOf: (peer) => {
          const remotes = peerEndpoints(policy, peer);
          return { remotes, classes: classesOf(remotes, otherDirection) };
        },
      };
      // The remote a finding names is asked again, for its own policies. Should it not be
      // blocked after all (its class answered for it, and sideClasses' promise broke), its class
      // is asked remote by remote and the rule judged again, as its earlier peers may hold that
      // class too: slower, exact, and it ends (a remote asked alone agrees with itself). The
      // other break, a class answering "allowed" for a blocked remote, would show only by
      // asking every remote; scale.property.test.ts holds sideClasses to the pair-by-pair answer.
      const exact = new Set<number>();
      let judged = ruleFindings(asked, exact);
      while (typeof judged === 'number') {
        exact.add(judged);
        judged = ruleFindings(asked, exact);
      }
      work += judged.work;
      for (const finding of judged.findings) report(finding);
    }
  }
}

/** What one rule's findings are computed from. */
interface RuleAsked {
  policy: PolicyModel;
  object: LoadedObject;
  rule: RuleModel;
  peers: readonly PeerModel[];
  locals: readonly EndpointSample[];
  localIds: ReadonlySet<string>;
  judge: Judge;
  /** The endpoints a peer matches, and each one's side class (-1: not isolated). */
  remotesOf: (peer: PeerModel) => { remotes: readonly EndpointSample[]; classes: Int32Array };
}

/**
 * One rule's findings, or the side class of a remote that answered otherwise than its class
 * did. The first local each remote cannot reach (or be reached from) is asked once per side
 * class (a rule's peers share it: same locals, same ports). Remotes of one class answer alike
 * towards the locals when all are outside the locals' namespace, or all inside it (their
 * policies' own-namespace peers then mean the same namespace); a remote that is one of the
 * locals skips itself, so it is asked alone, as is every remote of a class in `exact`.
 */
function ruleFindings(
  { policy, object, rule, peers, locals, localIds, judge, remotesOf }: RuleAsked,
  exact: ReadonlySet<number>,
): { findings: LintReport[]; work: number } | number {
  const firstOf = new Map<string | number, Hit | undefined>();
  const firstBlockedOf = (remote: EndpointSample, remoteClass: number): Hit | undefined => {
    const key =
      localIds.has(remote.id) || exact.has(remoteClass)
        ? remote.id
        : remoteClass * 2 + (remote.namespace === policy.namespace ? 1 : 0);
    let hit = firstOf.get(key);
    if (hit === undefined && !firstOf.has(key)) {
      hit = firstBlocked(rule, remote, locals, judge);
      firstOf.set(key, hit);
    }
    return hit;
  };
  const findings: LintReport[] = [];
  let work = 0;
  for (const peer of peers) {
    if (peer.kind !== 'selector') continue;
    const { remotes, classes } = remotesOf(peer);
    work += remotes.length;
    if (remotes.length === 0) continue;
    const broad = !peer.podSelector || isEmptySelector(peer.podSelector);
    if (broad && classes.includes(-1)) continue;
    const blocked: EndpointSample[] = [];
    let firstClass = -1;
    for (let i = 0; i < remotes.length; i++) {
      const remoteClass = at(classes, i);
      if (remoteClass < 0) continue;
      const remote = at(remotes, i);
      if (firstBlockedOf(remote, remoteClass)) {
        if (blocked.length === 0) firstClass = remoteClass;
        blocked.push(remote);
      } else if (broad) break;
    }
    const [firstRemote] = blocked;
    if (firstRemote === undefined || (broad && blocked.length < remotes.length)) continue;
    // Asked again for the remote the message names: the policies that isolate it are its own.
    const first = firstBlocked(rule, firstRemote, locals, judge);
    if (!first) return firstClass;
    const message = oneSidedMessage(policy, rule, peer, locals, blocked, first);
    findings.push({ object, path: peerPath(rule, peer), message });
  }
  return { findings, work };
}

/** The finding: what the rule admits, who denies it (`first`: the first blocked pair), the missing half. */
export function oneSidedMessage(
  policy: PolicyModel,
  rule: RuleModel,
  peer: PeerModel,
  locals: readonly EndpointSample[],
  blocked: readonly EndpointSample[],
  first: Hit,
): string {
  const sample = blocked.map((b) => b.id);
  // The missing half, ready to paste: a rule naming this policy's pods, on the blocked ports.
  const fix = missingHalf(policy, first.remote.namespace, first.ports);
  const on = first.ports.map(portQueryWords).join(', ');
  return rule.direction === 'ingress'
    ? `admits ${peerWords(peer, policy.namespace)} to ${listSome(locals.map((e) => e.id))} on ${on}, but the egress of ${listSome(sample)} denies it (${first.remote.id} is isolated for egress by ${listSome(first.by)} and no egress rule allows ${first.remote.id} → ${first.local.id} on ${on}), so the connection stays blocked; add to a policy selecting the source pods the egress rule {to: [${fix.peer}], ports: [${fix.ports}]}, or drop this peer`
    : `allows egress from ${listSome(locals.map((e) => e.id))} to ${peerWords(peer, policy.namespace)} on ${on}, but the ingress of ${listSome(sample)} denies it (${first.remote.id} is isolated for ingress by ${listSome(first.by)} and no ingress rule admits ${first.local.id} → ${first.remote.id} on ${on}), so the connection stays blocked; add to a policy selecting the destination pods the ingress rule {from: [${fix.peer}], ports: [${fix.ports}]}, or drop this peer`;
}

/**
 * Lint over classes of every possible pod (issue 13): one endpoint per class, on a witness in
 * the namespace's own name (label variants of one namespace never meet), an engine over the
 * witnesses. Policies stay the input's, so findings point at the input's objects.
 */
function symbolicContext(ctx: LintContext): LintContext {
  const space = computeSymbolicSpace([ctx.cluster]);
  const witnesses = space.witnessCluster(ctx.cluster);
  const compiled = compileCluster(witnesses);
  const endpoints: EndpointSample[] = [];
  for (const cls of space.classes) {
    const w = cls.witnesses.map((i) => at(space.witnesses, i)).find((x) => x.variant === 0);
    if (w) endpoints.push({ id: cls.id, pod: w.pod, namespace: w.pod.namespace });
  }
  const endpointsIn = (namespace: string) => endpoints.filter((e) => e.namespace === namespace);
  return {
    ...ctx,
    peerEndpoints: peerEndpointIndex(compiled, endpoints, endpointsIn),
    cluster: { ...witnesses, policies: ctx.cluster.policies },
    compiled,
    engine: ctx.createEngine(witnesses, compiled),
    endpoints,
    endpointsIn,
    selectedBy: (policy) => endpointsIn(policy.namespace).filter((e) => compiled.selects(policy, e.pod)),
  };
}

/** The peer (this policy's pods, seen from `remoteNamespace`) and ports of the missing rule, as YAML flow. */
function missingHalf(policy: PolicyModel, remoteNamespace: string, ports: readonly PortQuery[]) {
  const pods = `podSelector: ${selectorYaml(policy.podSelector)}`;
  const peer =
    remoteNamespace === policy.namespace
      ? `{${pods}}`
      : `{namespaceSelector: {matchLabels: {${NAMESPACE_NAME_LABEL}: ${policy.namespace}}}, ${pods}}`;
  return { peer, ports: ports.map((q) => `{protocol: ${q.protocol}, port: ${q.port}}`).join(', ') };
}

/** The policies of the other side that deny a connection (their ids), or undefined when it allows it. */
type Judge = (source: PodModel, destination: PodModel, port: PortQuery) => string[] | undefined;

export function otherSideJudge(engine: Engine, otherSide: Direction): Judge {
  return (source, destination, port) => {
    const v = engine.check({ kind: 'pod', pod: source }, { kind: 'pod', pod: destination }, port);
    const side = otherSide === 'egress' ? v.egress : v.ingress;
    return side.allowed ? undefined : side.selectedBy.map((p) => p.id);
  };
}

export interface Hit {
  remote: EndpointSample;
  local: EndpointSample;
  ports: PortQuery[];
  by: string[];
}

/** The first local endpoint the remote cannot reach (or be reached from) on the rule's ports. */
export function firstBlocked(
  rule: RuleModel,
  remote: EndpointSample,
  locals: readonly EndpointSample[],
  judge: Judge,
): Hit | undefined {
  for (const local of locals) {
    if (local.id === remote.id) continue;
    const [src, dst] = rule.direction === 'ingress' ? [remote.pod, local.pod] : [local.pod, remote.pod];
    const { explicit, wildcard } = candidatePorts(rule, dst);
    const ports: PortQuery[] = [];
    let by: string[] = [];
    for (const q of explicit) {
      const denied = judge(src, dst, q);
      if (denied) {
        ports.push(q);
        by = denied;
      }
    }
    if (wildcard.length > 0) {
      const results = wildcard.map((q) => judge(src, dst, q));
      if (results.every((r) => r !== undefined)) {
        ports.push(...wildcard);
        by = results[0] ?? by;
      }
    }
    if (ports.length > 0) return { remote, local, ports, by };
  }
  return undefined;
}

/**
 * Ports to try for a rule towards a destination pod: the numbers and names it lists
 * (explicit: any one blocked is a finding), and for "every port" entries the destination's
 * container ports (wildcard: only all of them blocked is a finding).
 */
function candidatePorts(rule: RuleModel, destination: PodModel): { explicit: PortQuery[]; wildcard: PortQuery[] } {
  const explicit: PortQuery[] = [];
  const wildcard: PortQuery[] = [];
  if (rule.ports === 'all') {
    for (const c of destination.ports) wildcard.push({ protocol: c.protocol, port: c.port });
    return { explicit, wildcard: dedupe(wildcard) };
  }
  for (const p of rule.ports) {
    if (p.port === undefined) {
      for (const c of destination.ports)
        if (c.protocol === p.protocol) wildcard.push({ protocol: c.protocol, port: c.port });
    } else if (typeof p.port === 'string') {
      const c = destination.ports.find((x) => x.name === p.port && x.protocol === p.protocol);
      if (c) explicit.push({ protocol: p.protocol, port: c.port });
    } else if (p.endPort === undefined) {
      explicit.push({ protocol: p.protocol, port: p.port });
    } else {
      const lo = p.port;
      const hi = p.endPort;
      const inside = destination.ports.filter((c) => c.protocol === p.protocol && c.port >= lo && c.port <= hi);
      if (inside.length > 0) for (const c of inside) wildcard.push({ protocol: c.protocol, port: c.port });
      else wildcard.push({ protocol: p.protocol, port: lo });
    }
  }
  return { explicit: dedupe(explicit), wildcard: dedupe(wildcard) };
}

function dedupe(list: PortQuery[]): PortQuery[] {
  const seen = new Set<string>();
  return list.filter((q) => {
    const key = `${q.protocol}/${q.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
