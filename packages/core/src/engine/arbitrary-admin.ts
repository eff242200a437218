import fc from 'fast-check';
import { loadCluster } from '../load-cluster.js';
import {
  arbitraryClusterObjects,
  type ClusterScenario,
  manifestText,
  SCENARIO_EXTERNALS,
  SCENARIO_PORTS,
} from './arbitrary-cluster.js';

/**
 * Test utility (imports fast-check): random clusters with admin tier policies on top of
 * `arbitraryClusterObjects` — ClusterNetworkPolicies (both tiers), AdminNetworkPolicies, the
 * BaselineAdminNetworkPolicy, Nodes, and host-network pods. Priorities come from a tiny set
 * so ties happen; peers cover namespaces, pods, networks (pod and outside addresses) and
 * nodes; ports cover numbers, ranges, named ports and none.
 */

type Json = Record<string, unknown>;

const NS_VOCAB: Record<string, readonly string[]> = {
  team: ['a', 'b'],
  env: ['prod', 'dev'],
  'kubernetes.io/metadata.name': ['x', 'y', 'z'],
};
const POD_VOCAB: Record<string, readonly string[]> = { app: ['a', 'b', 'c'], tier: ['fe', 'be'] };
const NETWORKS = ['10.0.0.0/24', '10.0.1.0/28', '10.0.0.4/30', '0.0.0.0/0', '203.0.113.0/25', '8.8.8.8/32'];
const NODE_ADDRESSES = ['10.0.0.200', '203.0.113.10', '203.0.113.200', '10.0.0.1'];

function selector(vocab: Record<string, readonly string[]>): fc.Arbitrary<Json> {
  const entries = Object.entries(vocab);
  return fc.oneof(
    fc.constant({}),
    fc
      .constantFrom(...entries)
      .chain(([key, values]) => fc.constantFrom(...values).map((v) => ({ matchLabels: { [key]: v } }))),
    fc.constantFrom(...entries).chain(([key, values]) =>
      fc.oneof(
        fc.constantFrom('Exists', 'DoesNotExist').map((operator) => ({ matchExpressions: [{ key, operator }] })),
        fc
          .tuple(fc.constantFrom('In', 'NotIn'), fc.subarray([...values], { minLength: 1 }))
          .map(([operator, values]) => ({ matchExpressions: [{ key, operator, values }] })),
      ),
    ),
  );
}

function selection(v1alpha1: boolean): fc.Arbitrary<Json> {
  const pods = fc.tuple(selector(NS_VOCAB), selector(POD_VOCAB), fc.boolean()).map(([ns, pod, omitNs]) =>
    // v1alpha2 lets namespaceSelector be absent (every namespace).
    !v1alpha1 && omitNs ? { pods: { podSelector: pod } } : { pods: { namespaceSelector: ns, podSelector: pod } },
  );
  return fc.oneof(
    selector(NS_VOCAB).map((namespaces) => ({ namespaces })),
    pods,
  );
}

function peer(v1alpha1: boolean, egress: boolean): fc.Arbitrary<Json> {
  const options: fc.Arbitrary<Json>[] = [selection(v1alpha1)];
  if (egress) {
    options.push(fc.subarray(NETWORKS, { minLength: 1, maxLength: 2 }).map((networks) => ({ networks })));
    options.push(selector({ role: ['a', 'b'] }).map((nodes) => ({ nodes })));
  }
  return fc.oneof(...options);
}

function ports(v1alpha1: boolean, named: boolean): fc.Arbitrary<Json[] | undefined> {
  const number = fc.constantFrom(53, 80, 81, 8080);
  const protocol = fc.constantFrom('TCP', 'UDP');
  const entry: fc.Arbitrary<Json> = v1alpha1
    ? fc.oneof(
        fc.tuple(number, protocol).map(([port, p]) => ({ portNumber: { port, protocol: p } })),
        fc.tuple(number, fc.integer({ min: -10, max: 8000 }), protocol).map(([start, span, p]) => ({
          portRange: { start, end: Math.max(1, Math.min(65535, start + span)), protocol: p },
        })),
        ...(named ? [fc.constantFrom('http', 'serve', 'dns', 'missing').map((namedPort) => ({ namedPort }))] : []),
      )
    : fc.oneof(
        fc.tuple(fc.constantFrom('tcp', 'udp'), number).map(([p, n]) => ({ [p]: { destinationPort: { number: n } } })),
        fc.tuple(fc.constantFrom('tcp', 'udp'), number, fc.integer({ min: 1, max: 8000 })).map(([p, start, span]) => ({
          [p]: { destinationPort: { range: { start, end: Math.min(65535, start + span) } } },
        })),
        ...(named
          ? [
              fc
                .constantFrom('http', 'serve', 'dns', 'missing')
                .map((destinationNamedPort) => ({ destinationNamedPort })),
            ]
          : []),
      );
  return fc.option(fc.array(entry, { minLength: 1, maxLength: 2 }), { nil: undefined });
}

function rule(v1alpha1: boolean, actions: readonly string[], egress: boolean): fc.Arbitrary<Json> {
  return fc
    .tuple(fc.constantFrom(...actions), fc.array(peer(v1alpha1, egress), { minLength: 1, maxLength: 2 }), fc.boolean())
    .chain(([action, peers, named]) => {
      // CEL: no named ports beside networks/nodes peers.
      const canName = named && peers.every((p) => p.networks === undefined && p.nodes === undefined);
      return ports(v1alpha1, canName).map((list) => {
        const out: Json = { action, [egress ? 'to' : 'from']: peers };
        if (list) out[v1alpha1 ? 'ports' : 'protocols'] = list;
        return out;
      });
    });
}

function rules(v1alpha1: boolean, actions: readonly string[], egress: boolean) {
  return fc.option(fc.array(rule(v1alpha1, actions, egress), { minLength: 1, maxLength: 3 }), { nil: undefined });
}

function adminPolicy(index: number): fc.Arbitrary<Json> {
  return fc.constantFrom('cnp-admin', 'cnp-baseline', 'anp').chain((flavour) => {
    const v1alpha1 = flavour === 'anp';
    const actions = v1alpha1 ? ['Allow', 'Deny', 'Pass'] : ['Accept', 'Deny', 'Pass'];
    return fc
      .tuple(
        fc.constantFrom(1, 2, 2, 5),
        selection(v1alpha1),
        rules(v1alpha1, actions, false),
        rules(v1alpha1, actions, true),
      )
      .map(([priority, subject, ingress, egress]) => {
        const spec: Json = { priority, subject };
        if (!v1alpha1) spec.tier = flavour === 'cnp-admin' ? 'Admin' : 'Baseline';
        if (ingress) spec.ingress = ingress;
        if (egress) spec.egress = egress;
        return {
          apiVersion: v1alpha1 ? 'policy.networking.k8s.io/v1alpha1' : 'policy.networking.k8s.io/v1alpha2',
          kind: v1alpha1 ? 'AdminNetworkPolicy' : 'ClusterNetworkPolicy',
          metadata: { name: `admin${index}` },
          spec,
        };
      });
  });
}

function baselineAdminPolicy(): fc.Arbitrary<Json> {
  const actions = ['Allow', 'Deny'];
  return fc
    .tuple(selection(true), rules(true, actions, false), rules(true, actions, true))
    .map(([subject, ingress, egress]) => {
      const spec: Json = { subject };
      if (ingress) spec.ingress = ingress;
      if (egress) spec.egress = egress;
      return {
        apiVersion: 'policy.networking.k8s.io/v1alpha1',
        kind: 'BaselineAdminNetworkPolicy',
        metadata: { name: 'default' },
        spec,
      };
    });
}

function node(index: number): fc.Arbitrary<Json> {
  return fc
    .tuple(fc.constantFrom('a', 'b'), fc.subarray(NODE_ADDRESSES, { minLength: 1, maxLength: 2 }))
    .map(([role, addresses]) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node${index}`, labels: { role } },
      status: {
        addresses: [
          { type: 'Hostname', address: `node${index}` },
          ...addresses.map((address) => ({ type: 'InternalIP', address })),
        ],
      },
    }));
}

/** Objects of `arbitraryClusterObjects` plus admin tier policies, nodes, maybe a host-network pod. */
export function arbitraryAdminObjects(): fc.Arbitrary<Json[]> {
  return fc
    .tuple(
      arbitraryClusterObjects(),
      fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => adminPolicy(i)))),
      fc.option(baselineAdminPolicy(), { nil: undefined }),
      fc.tuple(node(0), node(1)),
      fc.boolean(),
    )
    .map(([objects, admin, banp, nodes, hostNetwork]) => {
      const out = objects.map((o) => o);
      if (hostNetwork) {
        const i = out.findIndex((o) => o.kind === 'Pod');
        const pod = out[i] as { spec: Json };
        out[i] = { ...out[i], spec: { ...pod.spec, hostNetwork: true } };
      }
      return [...out, ...admin, ...(banp ? [banp] : []), ...nodes];
    });
}

export function arbitraryAdminCluster(): fc.Arbitrary<ClusterScenario> {
  return arbitraryAdminObjects().map((objects) => {
    const yaml = manifestText(objects);
    const result = loadCluster([{ name: 'arbitrary.yaml', text: yaml }]);
    if (!result.ok)
      throw new Error(`arbitrary admin cluster is invalid: ${result.issues.map((i) => i.message).join('; ')}`);
    return { yaml, cluster: result.value.cluster, externals: SCENARIO_EXTERNALS, ports: SCENARIO_PORTS };
  });
}
