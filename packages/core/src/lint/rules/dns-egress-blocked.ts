import { NAMESPACE_NAME_LABEL } from '../../constants.js';
import type { CompiledCluster } from '../../engine/compile-cluster.js';
import { serviceSelectsPod } from '../../engine/service-selects-pod.js';
import type { Peer, PortQuery, Verdict } from '../../engine/types.js';
import { listSome, plural } from '../../format/words.js';
import type { FieldPath } from '../../issues.js';
import type { EndpointSample } from '../../matrix/endpoint-samples.js';
import { canonicalSelector } from '../../model/canonical.js';
import { cidrContainsCidr, parseCidr, parseIp } from '../../model/cidr.js';
import { formatSelector, isEmptySelector } from '../../model/selector.js';
import type { ClusterModel, NamespaceModel, PodModel, PolicyModel } from '../../model/types.js';
import { allSteps, StepWork } from '../rule-steps.js';
import type { LintContext, LintReport, LintRule } from '../types.js';

const DNS_NAMESPACE = 'kube-system';
const DNS_LABEL = 'k8s-app';
const DNS_VALUE = 'kube-dns';
const UDP53: PortQuery = { protocol: 'UDP', port: 53 };
const TCP53: PortQuery = { protocol: 'TCP', port: 53 };

/**
 * The seeds' first trap: default-deny egress silently breaks DNS. Pods isolated for egress
 * must reach the cluster DNS (the pods behind Service kube-system/kube-dns, else kube-system
 * pods labelled k8s-app=kube-dns; when none are in the input, any kube-system pod; when there
 * is none, a stand-in coredns pod as the lab adds) on
 * UDP 53, and on TCP 53 for large answers. Policies that select no pod in the input are
 * judged on a stand-in pod with the labels they select, so a policies-only repository is
 * still checked.
 */
export const dnsEgressBlocked: LintRule = {
  id: 'dns-egress-blocked',
  severity: 'warning',
  summary: 'pods isolated for egress cannot reach the cluster DNS on UDP/TCP 53, so name lookups fail',
  help: 'Once a policy with Egress in policyTypes selects a pod, only the listed egress is allowed, DNS included: `curl backend` then fails with a lookup timeout. Allow DNS next to every default-deny egress, e.g. egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]}]. Both selectors in one item (AND).',
  check: allSteps(dnsSteps),
  steps: dnsSteps,
};

/** Subjects whose egress to the DNS pods is blocked alike (same policies, same protocols, same side). */
interface Group {
  policies: PolicyModel[];
  subjects: EndpointSample[];
  udp: boolean;
  tcp: boolean;
  /** The subjects' egress allows every blocked protocol: the DNS pods' ingress is what denies. */
  ingressBlocks: boolean;
}

type Check = (source: Peer, target: Peer, query: PortQuery) => Verdict;

/** The rule's work, a step at a time: the subjects (every endpoint isolated for egress) asked in chunks. */
function* dnsSteps(ctx: LintContext, report: (finding: LintReport) => void): Generator<void, void, void> {
  const { cluster, compiled } = ctx;
  const real = ctx.endpoints.filter((e) => !e.pod.hostNetwork);
  const { dns, description, standInDns } = dnsPods(cluster, real);
  const dnsIds = new Set(dns.map((e) => e.id));
  const standIns = standInSubjects(cluster, compiled, real);
  const subjects: EndpointSample[] = [...real.filter((e) => !dnsIds.has(e.id)), ...standIns];
  const extraPods = [...(standInDns ? [standInDns] : []), ...standIns.map((s) => s.pod)];
  const engine = extraPods.length > 0 ? ctx.createEngine(withPods(cluster, extraPods)) : ctx.engine;
  // A unit of work is a verdict asked.
  const work = new StepWork(ctx.stepWork);
  const check: Check = (source, target, query) => {
    work.add(1);
    return engine.check(source, target, query);
  };
  const groups = new Map<string, Group>();
  for (const subject of subjects) {
    if (work.full()) yield;
    const access = dnsAccess(compiled, check, subject, dns);
    if (!access) continue;
    const { policies, udp, tcp, ingressBlocks } = access;
    const key = `${policies.map((p) => p.id).join(',')}|${udp}|${tcp}|${ingressBlocks}`;
    const group = groups.get(key) ?? { policies, subjects: [], udp, tcp, ingressBlocks };
    group.subjects.push(subject);
    groups.set(key, group);
  }
  const standInIds = new Set(standIns.map((s) => s.id));
  for (const group of groups.values()) reportGroup(group, standInIds, description, report);
}

/**
 * The pods behind the kube-dns Service; else kube-system pods k8s-app=kube-dns; else any
 * kube-system pod; else a stand-in coredns pod (`standInDns`), as the lab adds.
 */
function dnsPods(cluster: ClusterModel, real: readonly EndpointSample[]) {
  const service = cluster.services.find((s) => s.namespace === DNS_NAMESPACE && s.name === 'kube-dns' && s.selector);
  let dns = service ? real.filter((e) => serviceSelectsPod(service, e.pod)) : [];
  if (dns.length === 0) {
    dns = real.filter((e) => e.namespace === DNS_NAMESPACE && e.pod.labels[DNS_LABEL] === DNS_VALUE);
  }
  if (dns.length === 0) dns = real.filter((e) => e.namespace === DNS_NAMESPACE);
  if (dns.length > 0) return { dns, description: `the cluster DNS (${listSome(dns.map((e) => e.id))})` };
  const pod = standInPod(DNS_NAMESPACE, 'kube-dns', { [DNS_LABEL]: DNS_VALUE }, '198.18.255.253');
  return {
    dns: [{ id: pod.id, pod, namespace: DNS_NAMESPACE }],
    description: `the cluster DNS (kube-system pods ${DNS_LABEL}=${DNS_VALUE})`,
    standInDns: pod,
  };
}

/**
 * Policies that isolate egress in a namespace with no pods in the input (a policies-only
 * repository): a stand-in pod with the labels they select, one per namespace and labels.
 */
function standInSubjects(
  cluster: ClusterModel,
  compiled: CompiledCluster,
  real: readonly EndpointSample[],
): EndpointSample[] {
  const standIns = new Map<string, EndpointSample>();
  const populated = new Set(real.map((e) => e.namespace));
  for (const policy of cluster.policies) {
    if (!policy.types.egress || populated.has(policy.namespace)) continue;
    const labels = labelsSelectedBy(compiled, policy);
    if (!labels) continue;
    const key = `${policy.namespace}/${canonicalSelector({ matchLabels: labels, matchExpressions: [] })}`;
    if (standIns.has(key)) continue;
    const what =
      Object.keys(labels).length === 0
        ? 'any pod'
        : `pods ${formatSelector({ matchLabels: labels, matchExpressions: [] })}`;
    const pod = standInPod(policy.namespace, `<${what}>`, labels, `198.18.255.${(standIns.size % 200) + 1}`);
    standIns.set(key, { id: pod.id, pod, namespace: policy.namespace });
  }
  return [...standIns.values()];
}

/**
 * Whether a subject isolated for egress reaches the DNS pods on 53/UDP and 53/TCP, and which
 * side denies what it does not; undefined when it is not isolated for egress.
 */
function dnsAccess(compiled: CompiledCluster, check: Check, subject: EndpointSample, dns: readonly EndpointSample[]) {
  const source: Peer = { kind: 'pod', pod: subject.pod };
  const toDns = (query: PortQuery) => dns.map((d) => check(source, { kind: 'pod', pod: d.pod }, query));
  const udpVerdicts = toDns(UDP53);
  if (!udpVerdicts[0]?.egress.isolated) return undefined;
  const policies = udpVerdicts[0].egress.selectedBy;
  // NodeLocal DNSCache: pods ask a link-local address on their node, which forwards to the
  // cluster DNS from the host network; an explicit link-local ipBlock for it counts as DNS.
  const nodeLocal = (q: PortQuery) =>
    allowsNodeLocalDns(compiled, policies) && check(source, { kind: 'external', ip: NODE_LOCAL_DNS }, q).allowed;
  const udp = udpVerdicts.some((v) => v.allowed) || nodeLocal(UDP53);
  const tcpVerdicts = udp ? toDns(TCP53) : [];
  const tcp = tcpVerdicts.some((v) => v.allowed) || (udp && nodeLocal(TCP53));
  if (udp && tcp) return undefined;
  // Which side denies the blocked protocol(s): the subject's egress, or the DNS pods' ingress.
  const blockedVerdicts = udp ? [tcpVerdicts] : [udpVerdicts, toDns(TCP53)];
  const ingressBlocks = blockedVerdicts.every((list) => list.some((v) => v.egress.allowed));
  return { policies, udp, tcp, ingressBlocks };
}

/** One finding per group, on its broadest isolating policy. */
function reportGroup(
  group: Group,
  standInIds: ReadonlySet<string>,
  dnsDescription: string,
  report: (finding: LintReport) => void,
): void {
  const policy = pickPolicy(group.policies);
  if (!policy?.origin) return;
  const blocked = !group.udp && !group.tcp ? 'on 53/UDP or 53/TCP' : !group.udp ? 'on 53/UDP' : 'on 53/TCP';
  const missing = !group.udp && !group.tcp ? '53/UDP or 53/TCP' : !group.udp ? '53/UDP' : '53/TCP';
  const effect = group.udp
    ? 'answers too large for UDP (retried over TCP) fail'
    : 'name lookups (Service names, external hosts) time out';
  const cause = group.ingressBlocks
    ? `their egress allows it, but the ingress policies of the DNS pods deny it`
    : `isolated for egress by ${listSome(group.policies.map((p) => p.id))}, and no egress rule allows ${missing} to the DNS pods`;
  const fix = group.ingressBlocks
    ? `allow ingress to the DNS pods from these pods on 53/UDP and 53/TCP (a policy in kube-system selecting the DNS pods)`
    : `allow egress to namespace kube-system pods k8s-app=kube-dns on 53/UDP and 53/TCP`;
  report({
    object: policy.origin.object,
    path: typesPath(policy),
    severity: group.udp ? 'info' : 'warning',
    message: `${describeSubjects(group.subjects, standInIds)} cannot reach ${dnsDescription} ${blocked}: ${cause}, so ${effect}; ${fix}`,
  });
}

/** "2 pods (a/x, a/y)"; stand-ins (policies-only input) as "any pod in namespace a". */
function describeSubjects(subjects: readonly EndpointSample[], standIns: ReadonlySet<string>): string {
  const real = subjects.filter((s) => !standIns.has(s.id));
  const hypothetical = subjects
    .filter((s) => standIns.has(s.id))
    .map((s) => `${s.pod.name.slice(1, -1)} in namespace ${s.namespace} (no pods there in the input)`);
  const parts = real.length > 0 ? [`${plural(real.length, 'pod')} (${listSome(real.map((s) => s.id))})`] : [];
  return [...parts, ...hypothetical].join(' and ');
}

/** The default NodeLocal DNSCache address (k8s.io node-local-dns). */
const NODE_LOCAL_DNS = '169.254.20.10';
const LINK_LOCAL = parseCidr('169.254.0.0/16');

/** Some egress rule of these policies names a link-local ipBlock holding the NodeLocal DNS address. */
function allowsNodeLocalDns(compiled: CompiledCluster, policies: readonly PolicyModel[]): boolean {
  const nodeLocal = { ip: parseIp(NODE_LOCAL_DNS) };
  return policies.some((policy) =>
    policy.egress.some(
      (rule) =>
        rule.peers !== 'all' &&
        rule.peers.some((peer) => {
          if (peer.kind !== 'ipBlock') return false;
          const block = parseCidr(peer.cidr);
          return (
            !!block &&
            !!LINK_LOCAL &&
            cidrContainsCidr(LINK_LOCAL, block) &&
            compiled.peerMatches(policy, peer, nodeLocal)
          );
        }),
    ),
  );
}

function standInPod(namespace: string, name: string, labels: Record<string, string>, ip: string): PodModel {
  return { id: `${namespace}/${name}`, namespace, name, labels, ips: [ip], ports: [], hostNetwork: false };
}

/** Labels a pod needs to be selected by the policy (undefined when no simple set exists). */
function labelsSelectedBy(compiled: CompiledCluster, policy: PolicyModel): Record<string, string> | undefined {
  const labels: Record<string, string> = { ...policy.podSelector.matchLabels };
  for (const e of policy.podSelector.matchExpressions) {
    if (e.operator === 'In' && !(e.key in labels)) labels[e.key] = e.values[0] ?? '';
    else if (e.operator === 'Exists' && !(e.key in labels)) labels[e.key] = 'x';
  }
  return compiled.selects(policy, { namespace: policy.namespace, labels }) ? labels : undefined;
}

function withPods(cluster: ClusterModel, pods: PodModel[]): ClusterModel {
  const namespaces = new Map<string, NamespaceModel>(cluster.namespaces);
  for (const pod of pods) {
    if (!namespaces.has(pod.namespace)) {
      namespaces.set(pod.namespace, {
        name: pod.namespace,
        labels: { [NAMESPACE_NAME_LABEL]: pod.namespace },
        implicit: true,
      });
    }
  }
  return { ...cluster, namespaces, pods: [...cluster.pods, ...pods] };
}

/** Report on the broadest isolating policy (a default-deny `{}` first), then by id. */
function pickPolicy(policies: readonly PolicyModel[]): PolicyModel | undefined {
  return [...policies].sort((a, b) => {
    const ea = isEmptySelector(a.podSelector) ? 0 : 1;
    const eb = isEmptySelector(b.podSelector) ? 0 : 1;
    return ea - eb || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  })[0];
}

/** Point at `Egress` in spec.policyTypes, or at spec.egress when the type was defaulted. */
function typesPath(policy: PolicyModel): FieldPath {
  const index = policy.declaredTypes?.indexOf('egress') ?? -1;
  return index >= 0 ? ['spec', 'policyTypes', index] : ['spec', 'egress'];
}
