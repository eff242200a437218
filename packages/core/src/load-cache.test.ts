import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { at } from './at.js';
import { createLoadCache, type LoadOptions, loadCluster } from './load-cluster.js';
import { originLocation } from './model/origin-location.js';

/** Objects a file may hold: valid, invalid (a validation error), and not YAML at all. */
const SNIPPETS = [
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {team: a}\n',
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {team: b}\n',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop, labels: {app: web}}\nspec:\n  containers: [{name: c, image: x, ports: [{containerPort: 80}]}]\n',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: api, namespace: shop, labels: {app: api}}\nspec: {containers: [{name: c, image: x}]}\n',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop, labels: {app: other}}\nspec: {containers: [{name: c, image: x}]}\n',
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  podSelector: {matchLabels: {app: api}}\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {app: web}}\n',
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n',
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: q, namespace: shop}\nspec:\n  podSelector: {}\n  ingress: [{ports: [{port: 70000}]}]\n',
  'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
  'kind: [broken\n',
];

const file = fc.array(fc.constantFrom(...SNIPPETS), { minLength: 0, maxLength: 3 }).map((docs) => docs.join('---\n'));
/** Three files, as a session edits them: each step one file's text changes (or stays). */
const steps = fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), file), { minLength: 1, maxLength: 6 });

/** What a load says, with origins as the places they cite (objects hold closures and texts). */
function observed(files: string[], options: LoadOptions) {
  const result = loadCluster(
    files.map((text, i) => ({ name: `f${i}.yaml`, text })),
    options,
  );
  const { cluster } = result.value;
  const where = (x: { id: string; origin?: Parameters<typeof originLocation>[0] }) => [x.id, originLocation(x.origin)];
  return {
    ok: result.ok,
    issues: result.issues,
    objects: result.value.objects.map((o) => [o.source.name, o.docIndex, o.kind, o.value]),
    cluster: JSON.parse(JSON.stringify(cluster, (key, value) => (key === 'origin' ? undefined : value))),
    origins: [...cluster.pods.map(where), ...cluster.policies.map(where)],
  };
}

describe('loadCluster with a cache (the web UI re-reads only the edited file)', () => {
  it('every load through one cache equals a fresh load of the same files (issues, model, positions)', () => {
    fc.assert(
      fc.property(fc.tuple(file, file, file), steps, fc.boolean(), (start, edits, strict) => {
        const cache = createLoadCache();
        const files = [...start];
        assert.deepEqual(observed(files, { cache, strict }), observed(files, { strict }));
        for (const [index, text] of edits) {
          files[index] = text;
          assert.deepEqual(observed(files, { cache, strict }), observed(files, { strict }));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('an unchanged file is not read again: its objects are the same objects', () => {
    const cache = createLoadCache();
    const sources = (second: string) => [
      { name: 'a.yaml', text: at(SNIPPETS, 2) },
      { name: 'b.yaml', text: second },
    ];
    const first = loadCluster(sources(at(SNIPPETS, 5)), { cache });
    const again = loadCluster(sources(at(SNIPPETS, 6)), { cache });
    assert.equal(again.value.objects[0], first.value.objects[0]);
    // What is built from an unchanged object is kept too (compiled policies hang on it).
    const third = loadCluster([...sources(at(SNIPPETS, 6)), { name: 'c.yaml', text: at(SNIPPETS, 0) }], { cache });
    assert.equal(third.value.cluster.policies[0], again.value.cluster.policies[0]);
    assert.notEqual(again.value.objects[1], first.value.objects[1]);
    assert.equal(again.value.cluster.policies[0]?.types.egress, true);
  });
});
