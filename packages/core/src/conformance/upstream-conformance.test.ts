import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { first } from '../at.js';
import { naiveAllowed } from '../engine/naive-evaluator.js';
import { createReferenceEngine } from '../engine/reference-engine.js';
import type { Peer, PortQuery } from '../engine/types.js';
import { loadCluster } from '../load-cluster.js';
import { computeMatrix } from '../matrix/compute-matrix.js';
import { listMatrixEndpoints } from '../matrix/matrix-endpoints.js';
import type { ClusterModel } from '../model/types.js';
import {
  applyChange,
  type Change,
  conformanceNodes,
  type Json,
  type Poke,
  type UpstreamTest,
} from './upstream-steps.js';

/**
 * kubernetes-sigs/network-policy-api's conformance suites (v0.1.8 for AdminNetworkPolicy /
 * BaselineAdminNetworkPolicy, main for ClusterNetworkPolicy), transcribed as data in
 * upstream/<version>/cases.yaml with copies of their manifests (upstream/README.md). Every
 * subtest runs in order within its test (patches accumulate, as on a real cluster); each poke
 * is judged by the fast matrix (what `netpol matrix` prints), the reference engine and the
 * naive evaluator.
 */

const HERE = fileURLToPath(new URL('./upstream/', import.meta.url));

function readObjects(version: string, file: string): Json[] {
  const text = readFileSync(`${HERE}${version}/${file}`, 'utf8');
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Json | null)
    .filter((o): o is Json => o !== null);
}

const clone = <T>(value: T): T => structuredClone(value);

/** One test's cluster: its objects, and the model built from them (rebuilt after each change). */
class State {
  private model?: ClusterModel;
  private nodes?: Json[];
  constructor(private objects: Json[]) {}

  get cluster(): ClusterModel {
    if (!this.model) {
      const load = (items: Json[]) => {
        const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
        const loaded = loadCluster([{ name: 'conformance.yaml', text }]);
        assert.ok(loaded.ok, loaded.issues.map((i) => `${i.object}: ${i.message}`).join('\n'));
        return loaded.value.cluster;
      };
      this.nodes ??= conformanceNodes(load(this.objects));
      this.model = load([...this.objects, ...this.nodes]);
    }
    return this.model;
  }

  podIp(id: string): string {
    const pod = this.cluster.pods.find((p) => p.id === id);
    assert.ok(pod, `pod ${id}`);
    return first(pod.ips);
  }

  apply(step: Change): void {
    this.objects = applyChange(this.objects, step, (id) => this.podIp(id));
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
