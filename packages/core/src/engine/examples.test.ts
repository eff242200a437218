import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkEndpoints } from '../endpoints/check-endpoints.js';
import { parsePortQuery } from '../endpoints/parse-port-query.js';
import { resolveEndpoint } from '../endpoints/resolve-endpoint.js';
import { loadDocuments } from '../load/load-documents.js';
import { loadCluster } from '../load-cluster.js';
import { createReferenceEngine } from './reference-engine.js';

/**
 * Every case of every stage of every `examples/<lab>/expect.yaml` (format: examples/README.md), judged by
 * the reference engine through the endpoint resolver `netpol check` uses: pods, workloads,
 * IPs and Services (after targetPort translation, every backend must allow). Iterates
 * whatever labs exist; fails if the directory exists but holds no case at all.
 */

const EXAMPLES = fileURLToPath(new URL('../../../../examples/', import.meta.url));

interface Case {
  from: string;
  to: string;
  port: number | string;
  allowed: boolean;
  why?: string;
}

interface Stage {
  name: string;
  apply?: string[];
  delete?: string[];
  cases?: Case[];
}

const labs = existsSync(EXAMPLES)
  ? readdirSync(EXAMPLES)
      .filter((name) => existsSync(join(EXAMPLES, name, 'expect.yaml')) && statSync(join(EXAMPLES, name)).isDirectory())
      .sort()
  : [];

describe('examples: the reference engine agrees with every expect.yaml case', () => {
  let cases = 0;
  for (const lab of labs) {
    test(lab, () => {
      const dir = join(EXAMPLES, lab);
      const loaded = loadDocuments({ name: 'expect.yaml', text: readFileSync(join(dir, 'expect.yaml'), 'utf8') });
      assert.ok(loaded.ok, `${lab}/expect.yaml does not parse`);
      const stages = (loaded.value[0]?.value.stages ?? []) as Stage[];
      const applied: string[] = [];
      const failures: string[] = [];
      for (const stage of stages) {
        for (const file of stage.delete ?? []) applied.splice(applied.indexOf(file), 1);
        applied.push(...(stage.apply ?? []));
        const result = loadCluster(
          applied.map((file) => ({ name: file, text: readFileSync(join(dir, file), 'utf8') })),
        );
        assert.ok(result.ok, `${lab} stage ${stage.name}: ${result.issues.map((i) => i.message).join('; ')}`);
        const { cluster } = result.value;
        const engine = createReferenceEngine(cluster);
        for (const c of stage.cases ?? []) {
          cases++;
          const label = `${stage.name}: ${c.from} -> ${c.to} ${c.port}`;
          const from = resolveEndpoint(cluster, c.from);
          const to = resolveEndpoint(cluster, c.to);
          const port = parsePortQuery(String(c.port));
          if (!from.ok || !to.ok || !port.ok) {
            failures.push(`${label}: does not resolve (${JSON.stringify([from, to, port].filter((r) => !r.ok))})`);
            continue;
          }
          const check = checkEndpoints(engine, from.value, to.value, port.value);
          if (!check.ok) {
            failures.push(`${label}: ${check.error.message}`);
            continue;
          }
          if (check.value.allowed !== c.allowed) {
            failures.push(
              `${label}: engine says ${check.value.allowed ? 'allowed' : 'denied'}, expected ${c.allowed} (${c.why ?? ''})`,
            );
          }
        }
      }
      assert.deepEqual(failures, []);
    });
  }
  test('at least one case was checked when examples exist', () => {
    if (labs.length > 0) assert.ok(cases > 0);
  });
});
