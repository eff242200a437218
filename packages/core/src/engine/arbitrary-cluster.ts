import fc from 'fast-check';
import { loadCluster } from '../load-cluster.js';
import type { ClusterModel, Protocol } from '../model/types.js';
import type { Peer, PortQuery } from './types.js';

/**
 * Test utility (imports fast-check; never import it from product code): small random
 * clusters that exercise every NetworkPolicy feature, for differential tests between the
 * reference engine, the fast matrix engine and the naive evaluator.
 *
 * A scenario is built as manifest text (one JSON `kind: List`, valid YAML) and loaded through
 * `loadCluster`, so the model is exactly what the product builds (policyTypes defaulting,
 * implicit namespaces, origins for file:line). Vocabularies are tiny on purpose so selectors,
 * named ports and CIDRs hit often:
 * - namespaces x, y (always) and z (sometimes) with labels from {team: a|b, env: prod|dev}
 *   (plus the automatic `kubernetes.io/metadata.name`);
 * - 2–6 pods with labels from {app: a|b|c, tier: fe|be}, named container ports where one name
 *   (`http`, `serve`) maps to different numbers on different pods, TCP and UDP, and explicit
 *   IPs in 10.0.0.0/23 (so ipBlock rules can select pods);
 * - 0–4 policies with podSelector / namespaceSelector / both / ipBlock with except, every
 *   matchExpressions operator, numeric / named / endPort-range / absent ports, TCP/UDP/absent
 *   protocol, policyTypes absent / [Ingress] / [Egress] / both, `{}` rules, absent and empty
 *   `from`/`to`/`ports`, absent and empty `ingress`/`egress`.
 */

export interface ClusterScenario {
  /** The manifest text the cluster was loaded from (file name `arbitrary.yaml`). */
  yaml: string;
  cluster: ClusterModel;
  /** Outside addresses worth asking about (inside and outside the pod range and the CIDRs). */
  externals: readonly string[];
  /** Port queries worth asking about (numbers and names, TCP and UDP). */
  ports: readonly PortQuery[];
}

type Json = Record<string, unknown>;

const NAMESPACE_LABELS: Record<string, readonly string[]> = { team: ['a', 'b'], env: ['prod', 'dev'] };
const POD_LABELS: Record<string, readonly string[]> = { app: ['a', 'b', 'c'], tier: ['fe', 'be'] };
/** Named ports: the same name maps to different numbers on different pods. */
const CONTAINER_PORTS: readonly Json[] = [
  { name: 'http', containerPort: 80 },
  { name: 'http', containerPort: 8080 },
  { name: 'serve', containerPort: 81 },
  { name: 'serve', containerPort: 8080 },
  { name: 'dns', containerPort: 53, protocol: 'UDP' },
  { name: 'dns-tcp', containerPort: 53 },
  { containerPort: 81, protocol: 'UDP' },
];
const RULE_PORT_NUMBERS = [53, 80, 81, 8080];
const RULE_PORT_NAMES = ['http', 'serve', 'dns', 'dns-tcp', 'missing'];
const CIDRS: readonly { cidr: string; except: readonly string[] }[] = [
  { cidr: '10.0.0.0/16', except: ['10.0.0.0/24', '10.0.1.0/28', '10.0.0.4/30'] },
  { cidr: '10.0.0.0/24', except: ['10.0.0.0/30', '10.0.0.8/29'] },
  { cidr: '10.0.1.0/24', except: ['10.0.1.1/32'] },
  { cidr: '10.0.0.0/29', except: ['10.0.0.2/31'] },
  { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '203.0.113.0/25'] },
  { cidr: '203.0.113.0/24', except: ['203.0.113.10/32'] },
];
/** Pod addresses: 10.0.0.1–14 and 10.0.1.1–14. */
const POD_IPS = [
  ...Array.from({ length: 14 }, (_, i) => `10.0.0.${i + 1}`),
  ...Array.from({ length: 14 }, (_, i) => `10.0.1.${i + 1}`),
];
export const SCENARIO_EXTERNALS: readonly string[] = ['203.0.113.10', '203.0.113.200', '10.0.0.200', '8.8.8.8'];
export const SCENARIO_PORTS: readonly PortQuery[] = [
  ...[53, 80, 81, 8080].flatMap((port) => (['TCP', 'UDP'] as Protocol[]).map((protocol) => ({ protocol, port }))),
  { protocol: 'TCP', port: 'http' },
  { protocol: 'TCP', port: 'serve' },
  { protocol: 'UDP', port: 'dns' },
  { protocol: 'TCP', port: 'dns-tcp' },
];

function labelsArb(vocab: Record<string, readonly string[]>): fc.Arbitrary<Record<string, string>> {
  return fc.record(Object.fromEntries(Object.entries(vocab).map(([k, values]) => [k, fc.constantFrom(...values)])), {
    requiredKeys: [],
  }) as fc.Arbitrary<Record<string, string>>;
}

function expressionArb(vocab: Record<string, readonly string[]>): fc.Arbitrary<Json> {
  return fc.constantFrom(...Object.entries(vocab)).chain(([key, values]) =>
    fc.oneof(
      fc
        .record({
          operator: fc.constantFrom('In', 'NotIn'),
          values: fc.subarray([...values], { minLength: 1 }),
        })
        .map((e) => ({ key, ...e })),
      fc.constantFrom('Exists', 'DoesNotExist').map((operator) => ({ key, operator })),
    ),
  );
}

/** A label selector: `{}`, matchLabels, matchExpressions, or both. */
function selectorArb(vocab: Record<string, readonly string[]>): fc.Arbitrary<Json> {
  return fc
    .record(
      {
        matchLabels: labelsArb(vocab),
        matchExpressions: fc.array(expressionArb(vocab), { minLength: 1, maxLength: 2 }),
      },
      { requiredKeys: [] },
    )
    .map((s) => {
      const out: Json = {};
      if (s.matchLabels && Object.keys(s.matchLabels).length > 0) out.matchLabels = s.matchLabels;
      if (s.matchExpressions) out.matchExpressions = s.matchExpressions;
      return out;
    });
}

function peerArb(): fc.Arbitrary<Json> {
  const pods = selectorArb(POD_LABELS);
  const nss = selectorArb({ ...NAMESPACE_LABELS, 'kubernetes.io/metadata.name': ['x', 'y', 'z'] });
  return fc.oneof(
    pods.map((podSelector) => ({ podSelector })),
    nss.map((namespaceSelector) => ({ namespaceSelector })),
    fc.tuple(nss, pods).map(([namespaceSelector, podSelector]) => ({ namespaceSelector, podSelector })),
    fc.tuple(fc.constantFrom(...CIDRS), fc.nat()).chain(([block]) =>
      fc.subarray([...block.except]).map((except) => ({
        ipBlock: except.length > 0 ? { cidr: block.cidr, except } : { cidr: block.cidr },
      })),
    ),
  );
}

function rulePortArb(): fc.Arbitrary<Json> {
  const protocol = fc.option(fc.constantFrom('TCP', 'UDP'), { nil: undefined });
  const withProtocol = (p: Json, proto: string | undefined) => (proto ? { protocol: proto, ...p } : p);
  return fc.oneof(
    fc.tuple(protocol, fc.constantFrom(...RULE_PORT_NUMBERS)).map(([proto, port]) => withProtocol({ port }, proto)),
    fc
      .tuple(protocol, fc.constantFrom(...RULE_PORT_NUMBERS), fc.integer({ min: 0, max: 8100 }))
      .map(([proto, port, span]) => withProtocol({ port, endPort: Math.min(65535, port + span) }, proto)),
    fc.tuple(protocol, fc.constantFrom(...RULE_PORT_NAMES)).map(([proto, port]) => withProtocol({ port }, proto)),
    protocol.map((proto) => withProtocol({}, proto)),
  );
}

/** A rule: `{}`, or with `from`/`to` and `ports` each absent, empty or listed. */
function ruleArb(peerKey: 'from' | 'to'): fc.Arbitrary<Json> {
  const list = <T>(item: fc.Arbitrary<T>) =>
    fc.oneof(
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constant([] as T[]) },
      { weight: 4, arbitrary: fc.array(item, { minLength: 1, maxLength: 2 }) },
    );
  return fc.tuple(list(peerArb()), list(rulePortArb())).map(([peers, ports]) => {
    const rule: Json = {};
    if (peers !== undefined) rule[peerKey] = peers;
    if (ports !== undefined) rule.ports = ports;
    return rule;
  });
}

function rulesArb(peerKey: 'from' | 'to'): fc.Arbitrary<Json[] | undefined> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant<Json[]>([]) },
    { weight: 4, arbitrary: fc.array(ruleArb(peerKey), { minLength: 1, maxLength: 2 }) },
  );
}

function policyArb(namespaces: readonly string[], index: number): fc.Arbitrary<Json> {
  return fc
    .record({
      namespace: fc.constantFrom(...namespaces),
      podSelector: selectorArb(POD_LABELS),
      policyTypes: fc.constantFrom(undefined, [], ['Ingress'], ['Egress'], ['Ingress', 'Egress']),
      ingress: rulesArb('from'),
      egress: rulesArb('to'),
    })
    .map((p) => {
      const spec: Json = { podSelector: p.podSelector };
      if (p.policyTypes !== undefined) spec.policyTypes = p.policyTypes;
      if (p.ingress !== undefined) spec.ingress = p.ingress;
      if (p.egress !== undefined) spec.egress = p.egress;
      return {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: `np${index}`, namespace: p.namespace },
        spec,
      };
    });
}

function podArb(namespaces: readonly string[], index: number, ip: string): fc.Arbitrary<Json> {
  return fc
    .record({
      namespace: fc.constantFrom(...namespaces),
      labels: labelsArb(POD_LABELS),
      ports: fc.subarray([...CONTAINER_PORTS]),
    })
    .map(({ namespace, labels, ports }) => {
      // Container port names are unique within a pod: keep the first of each name.
      const seen = new Set<unknown>();
      const unique = ports.filter((p) => p.name === undefined || (!seen.has(p.name) && seen.add(p.name)));
      return {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `p${index}`, namespace, labels },
        spec: { containers: [{ name: 'main', image: 'agnhost', ports: unique }] },
        status: { podIP: ip, podIPs: [{ ip }] },
      };
    });
}

/** The manifest objects of a random cluster (Namespaces, Pods, NetworkPolicies). */
export function arbitraryClusterObjects(): fc.Arbitrary<Json[]> {
  return fc
    .record({
      withZ: fc.boolean(),
      nsLabels: fc.tuple(labelsArb(NAMESPACE_LABELS), labelsArb(NAMESPACE_LABELS), labelsArb(NAMESPACE_LABELS)),
      podCount: fc.integer({ min: 2, max: 6 }),
      policyCount: fc.integer({ min: 0, max: 4 }),
      ips: fc.shuffledSubarray(POD_IPS, { minLength: 6, maxLength: 6 }),
    })
    .chain(({ withZ, nsLabels, podCount, policyCount, ips }) => {
      const names = withZ ? ['x', 'y', 'z'] : ['x', 'y'];
      const namespaces = names.map((name, i) => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels: nsLabels[i] },
      }));
      const pods = ips.slice(0, podCount).map((ip, i) => podArb(names, i, ip));
      const policies = Array.from({ length: policyCount }, (_, i) => policyArb(names, i));
      return fc.tuple(...pods, ...policies).map((rest) => [...namespaces, ...rest]);
    });
}

/** Manifest text for objects: one `kind: List` in JSON (a YAML document). */
export function manifestText(objects: readonly Json[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 1)}\n`;
}

/** A random cluster loaded through the product pipeline, with externals and ports to ask. */
export function arbitraryCluster(): fc.Arbitrary<ClusterScenario> {
  return arbitraryClusterObjects().map((objects) => {
    const yaml = manifestText(objects);
    const result = loadCluster([{ name: 'arbitrary.yaml', text: yaml }]);
    if (!result.ok) {
      throw new Error(`arbitrary cluster is invalid: ${result.issues.map((i) => i.message).join('; ')}`);
    }
    return { yaml, cluster: result.value.cluster, externals: SCENARIO_EXTERNALS, ports: SCENARIO_PORTS };
  });
}

/** Every endpoint of a scenario as an engine Peer: each pod, then each external address. */
export function scenarioPeers(scenario: ClusterScenario): Peer[] {
  return [
    ...scenario.cluster.pods.map((pod): Peer => ({ kind: 'pod', pod })),
    ...scenario.externals.map((ip): Peer => ({ kind: 'external', ip })),
  ];
}
