import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { first } from '../at.js';
import { parsePortQuery } from '../endpoints/parse-port-query.js';
import { type Endpoint, resolveEndpoint } from '../endpoints/resolve-endpoint.js';
import type { PortQuery } from '../engine/types.js';
import { loadDocuments } from '../load/load-documents.js';
import { loadCluster } from '../load-cluster.js';
import type { PodModel } from '../model/types.js';
import { computeMatrix } from './compute-matrix.js';
import { listMatrixEndpoints } from './matrix-endpoints.js';

/**
 * The shared case suite (examples/<lab>/expect.yaml, format: examples/README.md) run through the fast
 * matrix: every stage's cluster, every case judged from one matrix per stage (per-pod
 * endpoints plus the cases' outside addresses). A Service destination is judged on each
 * backing pod after `targetPort` translation; it is allowed only when every backend allows.
 */
const EXAMPLES = fileURLToPath(new URL('../../../../examples/', import.meta.url));

interface Case {
  from: string;
  to: string;
  port?: number | string;
  allowed: boolean;
}

const labs = existsSync(EXAMPLES)
  ? readdirSync(EXAMPLES).filter((d) => existsSync(join(EXAMPLES, d, 'expect.yaml')))
  : [];

describe('fast matrix on the examples/ case suite', () => {
  test('there are examples to run', () => assert.ok(labs.length > 0));
  for (const lab of labs) {
    test(lab, () => {
      const dir = join(EXAMPLES, lab);
      const expect = loadDocuments({ name: 'expect.yaml', text: readFileSync(join(dir, 'expect.yaml'), 'utf8') });
      const stages = (
        first(expect.value).value as { stages: { apply?: string[]; delete?: string[]; cases?: Case[] }[] }
      ).stages;
      const files = new Set<string>();
      let judged = 0;
      for (const stage of stages) {
        for (const f of stage.apply ?? []) files.add(f);
        for (const f of stage.delete ?? []) files.delete(f);
        const loaded = loadCluster([...files].map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') })));
        assert.ok(loaded.ok, `${lab}: ${loaded.issues.map((i) => i.message).join('; ')}`);
        const cluster = loaded.value.cluster;

        // Resolve every case first: the matrix needs all outside addresses and ports up front.
        const externals: string[] = [];
        const ports: PortQuery[] = [];
        const portIndex = (q: PortQuery) => {
          let i = ports.findIndex((p) => p.port === q.port && p.protocol === q.protocol);
          if (i < 0) i = ports.push(q) - 1;
          return i;
        };
        const plans = (stage.cases ?? []).map((c) => {
          const resolve = (text: string): Endpoint => {
            const r = resolveEndpoint(cluster, text);
            assert.ok(r.ok, `${lab}: ${text}`);
            if (r.value.kind === 'external') externals.push(r.value.ip);
            return r.value;
          };
          const from = resolve(c.from);
          const to = resolve(c.to);
          const asked = parsePortQuery(String(c.port ?? 80));
          assert.ok(asked.ok);
          let query = asked.value;
          if (to.kind === 'service') {
            const sp = to.service.ports.find(
              (p) => p.protocol === query.protocol && (p.port === query.port || p.name === query.port),
            );
            assert.ok(sp, `${lab}: ${c.to} has no port ${c.port}`);
            query = { protocol: sp.protocol, port: sp.targetPort };
          }
          return { c, from, to, port: portIndex(query) };
        });
        const listed = listMatrixEndpoints(cluster, { perPod: true, externals });
        assert.ok(listed.ok);
        const eps = listed.value;
        const result = computeMatrix(cluster, { endpoints: eps, ports });
        const indexes = (e: Endpoint): number[] => {
          const pods: readonly PodModel[] = e.kind === 'service' ? e.backends : e.kind === 'pod' ? [e.pod] : [];
          if (e.kind === 'external') return [eps.findIndex((x) => x.kind === 'external' && x.ip === e.ip)];
          return pods.map((pod) => eps.findIndex((x) => x.kind !== 'external' && x.pod === pod));
        };
        for (const plan of plans) {
          const sources = indexes(plan.from);
          const destinations = indexes(plan.to);
          const verdicts = sources.flatMap((i) => destinations.map((j) => result.allowed(i, j, plan.port)));
          const allowed = verdicts.length > 0 && verdicts.every((v) => v === true);
          assert.equal(allowed, plan.c.allowed, `${lab} ${stage.apply}: ${plan.c.from} -> ${plan.c.to} ${plan.c.port}`);
          judged++;
        }
      }
      assert.ok(judged > 0);
    });
  }
});
