import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { atLeast } from './at.js';
import { loadCluster } from './load-cluster.js';

/**
 * Fuzz the whole pipeline (read → validate → model) with broken inputs: every field of
 * seed-like manifests replaced by a value of a random type (or removed), truncated texts,
 * and random edits. `loadCluster` must never throw, and every error must carry a path and a
 * source range inside the text. Runs are bounded (a few seconds in all).
 */

const SEEDS = `apiVersion: v1
kind: Namespace
metadata:
  name: prod
  labels: {team: a}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-allow
  namespace: prod
  labels: {app: api}
  annotations: {note: x}
spec:
  podSelector:
    matchLabels: {app: api}
    matchExpressions:
    - {key: tier, operator: In, values: [be, fe]}
    - {key: debug, operator: DoesNotExist}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: a}}
      podSelector: {matchLabels: {app: web}}
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
    ports:
    - {protocol: TCP, port: 80, endPort: 90}
    - {protocol: UDP, port: dns}
  egress:
  - to:
    - ipBlock: {cidr: 'fd00::/8'}
    ports: [{port: 53, protocol: UDP}]
  - {}
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: prod
  labels: {app: web}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d4f, uid: u1, controller: true}]
spec:
  hostNetwork: false
  containers:
  - name: web
    image: nginx
    ports: [{containerPort: 8080, name: http, protocol: TCP}]
status: {phase: Running, podIP: 198.18.0.7, podIPs: [{ip: 198.18.0.7}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: prod}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api, tier: be}}
    spec:
      containers: [{name: api, image: api, ports: [{containerPort: 9000, name: grpc}]}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: prod}
spec:
  clusterIP: 198.19.0.20
  selector: {app: api}
  ports: [{name: grpc, port: 80, targetPort: grpc}, {name: raw, port: 81, targetPort: 9000, protocol: TCP}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: prod}
spec:
  schedule: '*/5 * * * *'
  jobTemplate:
    spec:
      parallelism: 1
      template:
        metadata: {labels: {app: report}}
        spec:
          restartPolicy: OnFailure
          containers: [{name: r, image: r}]
---
apiVersion: v1
kind: ReplicationController
metadata: {name: legacy, namespace: prod}
spec:
  replicas: 1
  selector: {app: legacy}
  template:
    metadata: {labels: {app: legacy}}
    spec: {containers: [{name: l, image: l}]}
`;

/** The inline seeds, plus the example labs' manifests when the repository has them. */
function seedObjects(): Record<string, unknown>[] {
  const texts = [SEEDS];
  const examples = join(import.meta.dirname, '..', '..', '..', 'examples');
  if (existsSync(examples)) {
    for (const lab of readdirSync(examples).sort().slice(0, 6)) {
      const labDir = join(examples, lab);
      if (!existsSync(labDir) || !lab.match(/^\d/)) continue;
      for (const file of readdirSync(labDir).sort()) {
        if (file.endsWith('.yaml') && file !== 'expect.yaml') texts.push(readFileSync(join(labDir, file), 'utf8'));
      }
    }
  }
  const objects: Record<string, unknown>[] = [];
  for (const text of texts) {
    for (const doc of parseAllDocuments(text, { version: '1.1' }) as unknown as { toJS(): unknown }[]) {
      const value = doc.toJS();
      if (value && typeof value === 'object' && !Array.isArray(value)) objects.push(value as Record<string, unknown>);
    }
  }
  return objects;
}

const OBJECTS = seedObjects();

/** Every path to a value inside `value` (maps and lists), the root excluded. */
function pathsOf(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push([...prefix, i]);
      pathsOf(item, [...prefix, i], out);
    });
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push([...prefix, key]);
      pathsOf(item, [...prefix, key], out);
    }
  }
  return out;
}

const REMOVE = Symbol('remove');

function replaceAt(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = atLeast(path, 1);
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === REMOVE) copy.splice(Number(head), 1);
    else copy[Number(head)] = replaceAt(copy[Number(head)], rest, replacement);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && replacement === REMOVE) delete copy[head];
  else copy[head] = replaceAt(copy[head], rest, replacement);
  return copy;
}

/** Values of every JSON type, including the awkward ones. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    '',
    ' ',
    '0',
    '80',
    'None',
    'Ingress',
    'In',
    '10.0.0.0/8',
    '10.0.0.1/8',
    '::/0',
    '::ffff:1.2.3.4/120',
    '010.0.0.0/08',
    '__proto__',
    'constructor',
    'toString',
    true,
    false,
    0,
    -1,
    65535,
    65536,
    2 ** 31,
    2 ** 53,
    0.5,
    [],
    {},
    [null],
    { __proto__: null },
    REMOVE,
  ),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);

function checkPipeline(text: string, name = 'fuzz.yaml') {
  const result = loadCluster([{ name, text }]);
  for (const issue of result.issues) {
    if (issue.severity !== 'error') continue;
    assert.ok(Array.isArray(issue.path), `no path: ${JSON.stringify(issue)}`);
    assert.ok(issue.range, `no range: ${JSON.stringify(issue)}`);
    const [start, end] = issue.range;
    assert.ok(start >= 0 && start <= end && end <= Math.max(text.length, 1), `range out of text: ${issue.range}`);
    assert.equal(issue.file, name);
  }
  assert.equal(result.ok, !result.issues.some((i) => i.severity === 'error'));
  // The model holds only what validated: every policy's CIDRs parse, every selector compiles.
  for (const policy of result.value.cluster.policies) assert.equal(typeof policy.id, 'string');
  return result;
}

function render(objects: unknown[], asJson: boolean): string {
  if (asJson) return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 1);
  return objects.map((o) => JSON.stringify(o)).join('\n---\n');
}

describe('loadCluster never throws and positions every error', () => {
  it('the seeds themselves are valid', () => {
    const result = checkPipeline(render(OBJECTS, false));
    assert.deepEqual(
      result.issues.filter((i) => i.severity === 'error'),
      [],
    );
    assert.ok(result.value.cluster.pods.length > 0 && result.value.cluster.policies.length > 0);
  });

  it('survives a value of any type at any field path', () => {
    // One seed object with up to three fields replaced (or removed), beside one intact object
    // (so the model builder sees valid neighbours), as YAML or as a JSON List.
    const mutated = fc.nat({ max: OBJECTS.length - 1 }).chain((i) =>
      fc.record({
        index: fc.constant(i),
        edits: fc.array(fc.tuple(fc.constantFrom(...pathsOf(OBJECTS[i])), anyValue), { minLength: 1, maxLength: 3 }),
        neighbour: fc.nat({ max: OBJECTS.length - 1 }),
        asJson: fc.boolean(),
      }),
    );
    let built = 0;
    let refused = 0;
    fc.assert(
      fc.property(mutated, ({ index, edits, neighbour, asJson }) => {
        let object: unknown = OBJECTS[index];
        for (const [path, value] of edits) object = replaceAt(object, path, value);
        const result = checkPipeline(render([OBJECTS[neighbour], object], asJson), asJson ? 'fuzz.json' : 'fuzz.yaml');
        if (result.ok) built++;
        else refused++;
      }),
      { numRuns: 300, seed: 4242 },
    );
    // Both branches ran: mutated objects the validator accepted reached the model builder.
    assert.ok(built > 20 && refused > 20, `built ${built}, refused ${refused}`);
  });

  it('gives a wrong-typed field an issue at exactly that path', () => {
    const policyIndex = OBJECTS.findIndex((o) => o.kind === 'NetworkPolicy');
    const paths = pathsOf(OBJECTS[policyIndex]).filter((p) => p[0] === 'spec');
    fc.assert(
      fc.property(fc.constantFrom(...paths), (path) => {
        // A number where a list goes, a nested list where a scalar or a mapping goes.
        const original = path.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], OBJECTS[policyIndex]);
        const objects = [replaceAt(OBJECTS[policyIndex], path, Array.isArray(original) ? 7 : [[1]])];
        const result = checkPipeline(render(objects, false));
        const errors = result.issues.filter((i) => i.severity === 'error');
        assert.ok(
          errors.some((i) => i.path.join('.') === path.join('.')),
          `${path.join('.')}: ${JSON.stringify(errors.map((i) => i.path.join('.')))}`,
        );
      }),
      { numRuns: 120, seed: 7 },
    );
  });

  it('survives truncated texts', () => {
    const yaml = render(OBJECTS.slice(0, 4), false);
    const json = render(OBJECTS.slice(0, 4), true);
    fc.assert(
      fc.property(fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }), (asJson, fraction) => {
        const text = asJson ? json : yaml;
        checkPipeline(text.slice(0, Math.floor(text.length * fraction)));
      }),
      { numRuns: 150, seed: 99 },
    );
  });

  it('survives random edits of the text', () => {
    const text = SEEDS;
    const edit = fc.tuple(fc.nat({ max: text.length }), fc.nat({ max: 8 }), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
        let mutated = text;
        for (const [at, remove, insert] of edits) {
          const pos = Math.min(at, mutated.length);
          mutated = mutated.slice(0, pos) + insert + mutated.slice(pos + remove);
        }
        checkPipeline(mutated);
      }),
      { numRuns: 120, seed: 1234 },
    );
  });
});
