import { at, first } from '../at.js';
import type { ClusterModel, Protocol } from '../model/types.js';

/**
 * The steps of the transcribed upstream conformance suites (upstream/README.md), applied to
 * a test's objects as the Go tests apply them: shared by the engine test
 * (upstream-conformance.test.ts) and the lab's real-packet test
 * (packages/lab/src/lab-conformance.test.ts), so both run exactly the same cases.
 */

export type Json = Record<string, unknown>;
export interface Poke {
  from: string;
  to: string;
  protocol: Protocol;
  port: number;
  allowed: boolean;
}
export type Mutation =
  | { read: { as: string; direction: string; index: number } }
  | { copy: { direction: string; to: number; from: number } }
  | { set: { direction: string; index: number; from: string } }
  | { namedPort: { rule: string; field: 'protocols' | 'ports'; name: string } }
  | { priority: number }
  | { action: { direction: string; index: number; action: string } }
  | { prepend: { direction: string; rule: Json } };
export type Step =
  | { poke: Poke }
  | { patch: { kind: string; name: string; mutations: Mutation[] } }
  | { namespaceLabels: { name: string; replace?: Record<string, string>; set?: Record<string, string> } }
  | { delete: { kind: string; namespace?: string; name: string } };
export interface Subtest {
  name: string;
  source: string;
  skip?: string;
  steps: Step[];
}
export interface UpstreamTest {
  name: string;
  source: string;
  manifests: string[];
  subtests: Subtest[];
}
export type Change = Exclude<Step, { poke: Poke }>;

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const metaOf = (o: Json) => o.metadata as { name: string; namespace?: string; labels?: Record<string, string> };

function find(objects: readonly Json[], kind: string, name: string, namespace?: string): Json {
  const found = objects.find(
    (o) => o.kind === kind && metaOf(o).name === name && (namespace === undefined || metaOf(o).namespace === namespace),
  );
  if (!found) throw new Error(`${kind} ${namespace ? `${namespace}/` : ''}${name} is not in the test's manifests`);
  return found;
}

/**
 * One change applied to `objects` (changed in place, as the Go tests change their objects;
 * a deletion returns the shorter list). `podIp` gives a pod's address (`${ip:ns/pod}`).
 */
export function applyChange(objects: Json[], step: Change, podIp: (id: string) => string): Json[] {
  if ('patch' in step) {
    const spec = find(objects, step.patch.kind, step.patch.name).spec as Record<string, Json[] | number>;
    const vars = new Map<string, Json>();
    const rules = (direction: string) => spec[direction] as Json[];
    for (const m of step.patch.mutations) {
      if ('read' in m) vars.set(m.read.as, clone(at(rules(m.read.direction), m.read.index)));
      else if ('copy' in m) rules(m.copy.direction)[m.copy.to] = clone(at(rules(m.copy.direction), m.copy.from));
      else if ('set' in m) rules(m.set.direction)[m.set.index] = clone(vars.get(m.set.from) as Json);
      else if ('namedPort' in m) {
        const rule = vars.get(m.namedPort.rule) as Json;
        rule[m.namedPort.field] =
          m.namedPort.field === 'protocols'
            ? [{ destinationNamedPort: m.namedPort.name }]
            : [{ namedPort: m.namedPort.name }];
      } else if ('priority' in m) spec.priority = m.priority;
      else if ('action' in m) at(rules(m.action.direction), m.action.index).action = m.action.action;
      else if ('prepend' in m) {
        // `${ip:ns/pod}`: the pod's address when the test built the rule.
        const rule = JSON.parse(JSON.stringify(m.prepend.rule).replace(/\$\{ip:([^}]+)\}/g, (_, id) => podIp(id)));
        rules(m.prepend.direction).unshift(rule);
      }
    }
    return objects;
  }
  if ('namespaceLabels' in step) {
    const meta = metaOf(find(objects, 'Namespace', step.namespaceLabels.name));
    meta.labels = step.namespaceLabels.replace ?? { ...meta.labels, ...step.namespaceLabels.set };
    return objects;
  }
  const target = find(objects, step.delete.kind, step.delete.name, step.delete.namespace);
  return objects.filter((o) => o !== target);
}

/**
 * The test cluster's nodes (kind): each labelled kubernetes.io/os=linux, and a host-network
 * pod's address is its node's address: one Node per host-network pod.
 */
export function conformanceNodes(cluster: ClusterModel): Json[] {
  return cluster.pods
    .filter((pod) => pod.hostNetwork)
    .map((pod) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `node-of-${pod.name}`, labels: { 'kubernetes.io/os': 'linux' } },
      status: { addresses: [{ type: 'InternalIP', address: first(pod.ips) }] },
    }));
}
