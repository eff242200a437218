import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { at, first } from '../at.js';
import { naiveAllowed } from '../engine/naive-evaluator.js';
import { createReferenceEngine } from '../engine/reference-engine.js';
import type { Peer, PortQuery } from '../engine/types.js';
import { loadCluster } from '../load-cluster.js';
import { computeMatrix } from '../matrix/compute-matrix.js';
import { listMatrixEndpoints } from '../matrix/matrix-endpoints.js';
import type { ClusterModel, Protocol } from '../model/types.js';

/**
 * kubernetes-sigs/network-policy-api's conformance suites (v0.1.8 for AdminNetworkPolicy /
 * BaselineAdminNetworkPolicy, main for ClusterNetworkPolicy), transcribed as data in
 * upstream/<version>/cases.yaml with copies of their manifests (upstream/README.md). Every
 * subtest runs in order within its test (patches accumulate, as on a real cluster); each poke
 * is judged by the fast matrix (what `netpol matrix` prints), the reference engine and the
 * naive evaluator.
 */

const HERE = fileURLToPath(new URL('./upstream/', import.meta.url));

type Json = Record<string, unknown>;
interface Poke {
  from: string;
  to: string;
  protocol: Protocol;
  port: number;
  allowed: boolean;
}
type Mutation =
  | { read: { as: string; direction: string; index: number } }
  | { copy: { direction: string; to: number; from: number } }
  | { set: { direction: string; index: number; from: string } }
  | { namedPort: { rule: string; field: 'protocols' | 'ports'; name: string } }
  | { priority: number }
  | { action: { direction: string; index: number; action: string } }
  | { prepend: { direction: string; rule: Json } };
type Step =
  | { poke: Poke }
  | { patch: { kind: string; name: string; mutations: Mutation[] } }
  | { namespaceLabels: { name: string; replace?: Record<string, string>; set?: Record<string, string> } }
  | { delete: { kind: string; namespace?: string; name: string } };
interface Subtest {
  name: string;
  source: string;
  skip?: string;
  steps: Step[];
}
interface UpstreamTest {
  name: string;
  source: string;
  manifests: string[];
  subtests: Subtest[];
}

function readObjects(version: string, file: string): Json[] {
  const text = readFileSync(`${HERE}${version}/${file}`, 'utf8');
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Json | null)
    .filter((o): o is Json => o !== null);
}

const clone = <T>(value: T): T => structuredClone(value);
const metaOf = (o: Json) => o.metadata as { name: string; namespace?: string; labels?: Record<string, string> };

/** One test's cluster: its objects, and the model built from them (rebuilt after each change). */
class State {
  private model?: ClusterModel;
  constructor(private objects: Json[]) {}

  private nodes?: Json[];

  get cluster(): ClusterModel {
    if (!this.model) {
      const load = (items: Json[]) => {
        const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
        const loaded = loadCluster([{ name: 'conformance.yaml', text }]);
        assert.ok(loaded.ok, loaded.issues.map((i) => `${i.object}: ${i.message}`).join('\n'));
        return loaded.value.cluster;
      };
      // The test cluster's nodes (kind): each labelled kubernetes.io/os=linux, and a
      // host-network pod's address is its node's address: one Node per host-network pod.
      this.nodes ??= load(this.objects)
        .pods.filter((pod) => pod.hostNetwork)
        .map((pod) => ({
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: `node-of-${pod.name}`, labels: { 'kubernetes.io/os': 'linux' } },
          status: { addresses: [{ type: 'InternalIP', address: pod.ips[0] }] },
        }));
      this.model = load([...this.objects, ...this.nodes]);
    }
    return this.model;
  }

  private find(kind: string, name: string, namespace?: string): Json {
    const found = this.objects.find(
      (o) =>
        o.kind === kind && metaOf(o).name === name && (namespace === undefined || metaOf(o).namespace === namespace),
    );
    assert.ok(found, `${kind} ${namespace ? `${namespace}/` : ''}${name} is not in the test's manifests`);
    return found;
  }

  podIp(id: string): string {
    const pod = this.cluster.pods.find((p) => p.id === id);
    assert.ok(pod, `pod ${id}`);
    return first(pod.ips);
  }

  apply(step: Exclude<Step, { poke: Poke }>): void {
    if ('patch' in step) {
      const spec = this.find(step.patch.kind, step.patch.name).spec as Record<string, Json[] | number>;
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
          const rule = JSON.parse(
            JSON.stringify(m.prepend.rule).replace(/\$\{ip:([^}]+)\}/g, (_, id) => this.podIp(id)),
          );
          rules(m.prepend.direction).unshift(rule);
        }
      }
    } else if ('namespaceLabels' in step) {
      const meta = metaOf(this.find('Namespace', step.namespaceLabels.name));
      meta.labels = step.namespaceLabels.replace ?? { ...meta.labels, ...step.namespaceLabels.set };
    } else {
      const target = this.find(step.delete.kind, step.delete.name, step.delete.namespace);
      this.objects = this.objects.filter((o) => o !== target);
    }
    this.model = undefined;
  }
}

/** The poke's verdict from the fast matrix, the reference engine and the naive evaluator. */
function judge(
  cluster: ClusterModel,
  poke: Poke,
): { matrix: boolean | null; reference: boolean; naive: boolean | null } {
  const listed = listMatrixEndpoints(cluster, { perPod: true });
  assert.ok(listed.ok);
  const i = listed.value.findIndex((e) => e.id === poke.from);
  const j = listed.value.findIndex((e) => e.id === poke.to);
  assert.ok(i >= 0 && j >= 0, `${poke.from} or ${poke.to} is no endpoint`);
  const port: PortQuery = { protocol: poke.protocol, port: poke.port };
  const matrix = computeMatrix(cluster, { endpoints: listed.value, ports: [port] }).allowed(i, j, 0);
  const pod = (id: string): Peer => ({ kind: 'pod', pod: cluster.pods.find((p) => p.id === id)! });
  return {
    matrix,
    reference: createReferenceEngine(cluster).check(pod(poke.from), pod(poke.to), port).allowed,
    naive: naiveAllowed(cluster, pod(poke.from), pod(poke.to), port),
  };
}

for (const version of ['v0.1.8', 'main']) {
  const data = parseYaml(readFileSync(`${HERE}${version}/cases.yaml`, 'utf8')) as { tests: UpstreamTest[] };
  const base = readObjects(version, 'base/manifests.yaml');
  describe(`upstream conformance ${version}`, () => {
    for (const test of data.tests) {
      it(`${test.name} (${test.source})`, (t) => {
        const state = new State([...clone(base), ...test.manifests.flatMap((m) => readObjects(version, m))]);
        let pokes = 0;
        const skipped: string[] = [];
        for (const sub of test.subtests) {
          if (sub.skip) {
            skipped.push(sub.name);
            continue;
          }
          for (const step of sub.steps) {
            if (!('poke' in step)) {
              state.apply(step);
              continue;
            }
            const { poke } = step;
            const got = judge(state.cluster, poke);
            const label = `${sub.source} "${sub.name}": ${poke.from} -> ${poke.to} ${poke.port}/${poke.protocol}`;
            assert.deepEqual(got, { matrix: poke.allowed, reference: poke.allowed, naive: poke.allowed }, label);
            pokes++;
          }
        }
        if (skipped.length > 0) t.diagnostic(`skipped (see upstream/README.md): ${skipped.join('; ')}`);
        assert.ok(pokes > 0 || skipped.length === test.subtests.length, 'every test that runs checks something');
      });
    }
  });
}
