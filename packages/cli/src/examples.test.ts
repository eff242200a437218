import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  at,
  type ClusterModel,
  cidrContainsIp,
  first,
  loadCluster,
  loadDocuments,
  naiveAllowed,
  type Peer,
  type PodModel,
  type Protocol,
  parseCidr,
  parseIp,
  type ServiceModel,
  type SourceFile,
  type WorkloadModel,
} from '@netpol/core';

/**
 * Every `examples/<lab>/expect.yaml` (format: examples/README.md) is checked here: its stages
 * name files that exist and load without errors, its cases name endpoints that exist at that
 * stage, and for pods, workloads and IPs the naive evaluator agrees with the tutorial's
 * verdict. Service cases are judged by the engine's own tests (Service translation).
 */

const EXAMPLES_DIR = fileURLToPath(new URL('../../../examples/', import.meta.url));
const MANIFEST = /\.(ya?ml|json)$/;
const CASE_KEYS = new Set(['from', 'to', 'port', 'allowed', 'why', 'lab']);
const STAGE_KEYS = new Set(['name', 'apply', 'delete', 'cases']);
const TOP_KEYS = new Set(['apiVersion', 'kind', 'metadata', 'description', 'stages']);
/** Where the lab may send packets (COMMON.md): pods/services, and outside hosts. */
const LAB_RANGES = ['198.18.0.0/15', '203.0.113.0/24'].map((c) => parseCidr(c)!);

/** What a lab directory is to the checker: its file names and a way to read them. */
interface ExampleFiles {
  name: string;
  files: readonly string[];
  read(file: string): string;
}

type Endpoint =
  | { kind: 'pod'; pod: PodModel }
  | { kind: 'workload'; workload: WorkloadModel }
  | { kind: 'service'; service: ServiceModel }
  | { kind: 'external'; ip: string };

/** Resolve an endpoint as `netpol check` takes it (SPEC "Endpoints"); undefined if it names nothing. */
function resolveEndpoint(cluster: ClusterModel, text: string): Endpoint | undefined {
  const workload = /^([^/]+)\/([^/[\]]+)\[([A-Za-z]+)\]$/.exec(text);
  if (workload) {
    const found = cluster.workloads.find((w) => w.id === text);
    return found ? { kind: 'workload', workload: found } : undefined;
  }
  if (parseIp(text)) {
    const pod = cluster.pods.find((p) => p.ips.includes(text));
    return pod ? { kind: 'pod', pod } : { kind: 'external', ip: text };
  }
  if (/^[^/]+\/[^/]+$/.test(text)) {
    const pod = cluster.pods.find((p) => p.id === text);
    return pod ? { kind: 'pod', pod } : undefined;
  }
  const dns = /^([a-z0-9-]+)\.([a-z0-9-]+)(\.svc(\.cluster\.local)?)?$/.exec(text);
  if (dns) {
    const service = cluster.services.find((s) => s.name === dns[1] && s.namespace === dns[2]);
    return service ? { kind: 'service', service } : undefined;
  }
  return undefined;
}

function parsePort(value: unknown): { port: number | string; protocol: Protocol } | undefined {
  if (typeof value === 'number')
    return Number.isInteger(value) && value >= 1 && value <= 65535 ? { port: value, protocol: 'TCP' } : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^([0-9]+|[a-z0-9-]{1,15})(?:\/(TCP|UDP|SCTP))?$/.exec(value);
  if (!m) return undefined;
  const protocol = (m[2] ?? 'TCP') as Protocol;
  if (/^[0-9]+$/.test(at(m, 1))) {
    const n = Number(m[1]);
    return n >= 1 && n <= 65535 ? { port: n, protocol } : undefined;
  }
  return { port: at(m, 1), protocol };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
}

/** Check one lab directory; returns every problem found (empty when it is sound). */
function checkExample(example: ExampleFiles): string[] {
  const problems: string[] = [];
  const at = (where: string, message: string) => problems.push(`${example.name}: ${where}: ${message}`);
  if (!example.files.includes('expect.yaml')) return [`${example.name}: no expect.yaml`];
  if (!example.files.includes('README.md')) at('README.md', 'missing');
  const loaded = loadDocuments({ name: 'expect.yaml', text: example.read('expect.yaml') });
  const doc = loaded.value[0]?.value;
  if (!loaded.ok || loaded.value.length !== 1 || !isObject(doc)) {
    return [
      `${example.name}: expect.yaml: not one mapping with apiVersion and kind (${loaded.issues.map((i) => i.message).join('; ')})`,
    ];
  }
  if (doc.kind !== 'LabExpectations') at('expect.yaml', 'kind must be LabExpectations so `-f <dir>` skips it');
  for (const key of Object.keys(doc)) if (!TOP_KEYS.has(key)) at('expect.yaml', `unknown key ${key}`);
  if (typeof doc.description !== 'string' || doc.description === '') at('expect.yaml', 'description: required');
  if (!Array.isArray(doc.stages) || doc.stages.length === 0) {
    at('expect.yaml', 'stages: a non-empty list is required');
    return problems;
  }

  const current: string[] = [];
  const everApplied = new Set<string>();
  const stageNames = new Set<string>();
  for (const [s, stage] of doc.stages.entries()) {
    const where = `stages[${s}]`;
    if (!isObject(stage)) {
      at(where, 'not a mapping');
      continue;
    }
    for (const key of Object.keys(stage)) if (!STAGE_KEYS.has(key)) at(where, `unknown key ${key}`);
    if (typeof stage.name !== 'string' || stage.name === '') at(where, 'name: required');
    else if (stageNames.has(stage.name)) at(where, `duplicate stage name ${stage.name}`);
    else stageNames.add(stage.name);
    const apply = stringList(stage.apply);
    const remove = stringList(stage.delete);
    if (!apply || !remove) {
      at(where, 'apply/delete: lists of file names');
      continue;
    }
    for (const file of remove) {
      const i = current.indexOf(file);
      if (i < 0) at(where, `delete: ${file} is not applied at this point`);
      else current.splice(i, 1);
    }
    for (const file of apply) {
      if (!example.files.includes(file)) at(where, `apply: ${file} does not exist`);
      else if (current.includes(file)) at(where, `apply: ${file} is already applied`);
      else {
        current.push(file);
        everApplied.add(file);
      }
    }
    const sources: SourceFile[] = current.map((file) => ({ name: file, text: example.read(file) }));
    const result = loadCluster(sources, { strict: true }); // the examples are valid as the API server reads them
    for (const issue of result.issues.filter((i) => i.severity === 'error')) {
      at(`${where} (${stage.name})`, `${issue.file}: ${issue.path.join('.')}: ${issue.message}`);
    }
    const cluster = result.value.cluster;
    if (!Array.isArray(stage.cases) || stage.cases.length === 0) {
      at(where, 'cases: a non-empty list is required');
      continue;
    }
    for (const [k, c] of stage.cases.entries()) checkCase(cluster, c, `${where}.cases[${k}]`, at);
  }
  for (const file of example.files) {
    if (MANIFEST.test(file) && file !== 'expect.yaml' && !everApplied.has(file)) {
      at(file, 'not applied by any stage (then `-f <dir>` would load something no stage describes)');
    }
  }
  return problems;
}

function checkCase(cluster: ClusterModel, c: unknown, where: string, at: (where: string, message: string) => void) {
  if (!isObject(c)) return at(where, 'not a mapping');
  for (const key of Object.keys(c)) if (!CASE_KEYS.has(key)) at(where, `unknown key ${key}`);
  if (typeof c.from !== 'string' || typeof c.to !== 'string') return at(where, 'from/to: strings required');
  if (typeof c.allowed !== 'boolean') return at(where, 'allowed: true or false required');
  if (typeof c.why !== 'string' || c.why === '') at(where, 'why: required');
  if (c.lab !== undefined && typeof c.lab !== 'boolean') at(where, 'lab: true or false');
  const query = parsePort(c.port);
  if (!query) return at(where, `port: ${JSON.stringify(c.port)} is not NUMBER|NAME[/TCP|UDP|SCTP]`);
  const label = `${where} ${c.from} -> ${c.to} ${c.port}`;
  for (const ep of [c.from, c.to]) {
    const ip = parseIp(ep);
    if (ip && c.lab !== false && !LAB_RANGES.some((r) => cidrContainsIp(r, ip))) {
      at(label, `${ep} is outside the lab's address ranges: mark the case lab: false`);
    }
  }
  const from = resolveEndpoint(cluster, c.from);
  const to = resolveEndpoint(cluster, c.to);
  if (!from) at(label, `from: ${c.from} names nothing in this stage`);
  if (!to) at(label, `to: ${c.to} names nothing in this stage`);
  if (!from || !to) return;
  if (from.kind === 'service') return at(label, 'from: a Service cannot open connections; name a pod or workload');
  if (to.kind === 'service') {
    const servicePort = to.service.ports.find(
      (p) => p.protocol === query.protocol && (p.port === query.port || p.name === query.port),
    );
    if (!servicePort) at(label, `to: Service ${to.service.id} has no port ${c.port}`);
    return; // Service translation is the engine's to judge (its tests run these cases).
  }
  const peer = (e: Endpoint): Peer =>
    e.kind === 'pod'
      ? { kind: 'pod', pod: e.pod }
      : e.kind === 'workload'
        ? { kind: 'pod', pod: first(e.workload.pods) }
        : { kind: 'external', ip: (e as { ip: string }).ip };
  if (to.kind === 'workload' && to.workload.pods.length === 0) return at(label, 'to: workload has no pods');
  if (from.kind === 'workload' && from.workload.pods.length === 0) return at(label, 'from: workload has no pods');
  const verdict = naiveAllowed(cluster, peer(from), peer(to), query);
  if (verdict !== c.allowed) at(label, `naive evaluator says ${verdict}, expect.yaml says ${c.allowed} (${c.why})`);
}

function readExampleDir(dir: string): ExampleFiles {
  const full = join(EXAMPLES_DIR, dir);
  return {
    name: dir,
    files: readdirSync(full).filter((f) => statSync(join(full, f)).isFile()),
    read: (file) => readFileSync(join(full, file), 'utf8'),
  };
}

describe('examples/*/expect.yaml', () => {
  const dirs = existsSync(EXAMPLES_DIR)
    ? readdirSync(EXAMPLES_DIR).filter((d) => statSync(join(EXAMPLES_DIR, d)).isDirectory())
    : [];

  it('finds the seed labs', () => {
    // Seeds 000 (3 parts), 001, 002 (8 examples), 003, 004.
    assert.ok(dirs.length >= 14, `expected at least 14 lab directories in ${EXAMPLES_DIR}, found ${dirs.length}`);
    for (const prefix of ['000-part1', '000-part2', '000-part3', '001-', '003-', '004-']) {
      assert.ok(
        dirs.some((d) => d.startsWith(prefix)),
        `no lab for ${prefix}`,
      );
    }
    for (let n = 1; n <= 8; n++) {
      assert.ok(
        dirs.some((d) => d.startsWith(`002-ex${n}-`)),
        `no lab for seed 002 example ${n}`,
      );
    }
  });

  for (const dir of dirs) {
    it(dir, () => {
      const problems = checkExample(readExampleDir(dir));
      assert.deepEqual(problems, []);
    });
  }
});

describe('checkExample', () => {
  const manifests = `
apiVersion: v1
kind: Pod
metadata: {name: client, labels: {run: client}}
spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend}
spec:
  selector: {matchLabels: {app: backend}}
  template:
    metadata: {labels: {app: backend}}
    spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 80, name: http}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: backend}
spec: {selector: {app: backend}, ports: [{port: 80, targetPort: 80}]}
`;
  const deny = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`;
  const example = (cases: string, extra: Record<string, string> = {}): ExampleFiles => {
    const files: Record<string, string> = {
      'README.md': '# x',
      'app.yaml': manifests,
      'deny.yaml': deny,
      'expect.yaml': `apiVersion: netpol.dev/v1alpha1
kind: LabExpectations
description: test
stages:
  - name: open
    apply: [app.yaml]
    cases:
      - {from: default/client, to: "default/backend[Deployment]", port: 80, allowed: true, why: open}
  - name: deny
    apply: [deny.yaml]
    cases:
${cases}`,
      ...extra,
    };
    return {
      name: 'x',
      files: Object.keys(files),
      read: (f) => {
        const text = files[f];
        assert.ok(text !== undefined, `the example reads ${f}, which it does not list`);
        return text;
      },
    };
  };
  const one = (problems: string[]) => {
    assert.equal(problems.length, 1, problems.join('\n'));
    return first(problems);
  };

  it('accepts a sound example, with pods, workloads, IPs, named ports and Services', () => {
    const problems = checkExample(
      example(`      - {from: default/client, to: "default/backend[Deployment]", port: 80, allowed: false, why: d}
      - {from: "default/backend[Deployment]", to: default/client, port: 53/UDP, allowed: false, why: d}
      - {from: default/client, to: default/backend-0, port: http, allowed: false, why: d}
      - {from: default/client, to: backend.default.svc.cluster.local, port: 80, allowed: false, why: d}
      - {from: default/client, to: backend.default, port: 80, allowed: false, why: d}
      - {from: 203.0.113.10, to: default/backend-0, port: 80, allowed: false, why: d}
      - {from: default/client, to: 192.168.1.50, port: 80, allowed: false, why: d, lab: false}`),
    );
    assert.deepEqual(problems, []);
  });

  it('reports a verdict the naive evaluator disagrees with', () => {
    const p = one(
      checkExample(
        example(
          `      - {from: default/client, to: "default/backend[Deployment]", port: 80, allowed: true, why: wrong}`,
        ),
      ),
    );
    assert.match(p, /naive evaluator says false/);
  });

  it('reports endpoints, files and Service ports that do not exist', () => {
    assert.match(
      one(
        checkExample(example(`      - {from: default/nobody, to: default/client, port: 80, allowed: false, why: x}`)),
      ),
      /from: default\/nobody names nothing/,
    );
    assert.match(
      one(
        checkExample(
          example(`      - {from: default/client, to: backend.default.svc, port: 8080, allowed: false, why: x}`),
        ),
      ),
      /has no port 8080/,
    );
    const missing = example(`      - {from: default/client, to: default/client, port: 80, allowed: true, why: self}`);
    const files = missing.files.filter((f) => f !== 'deny.yaml');
    assert.ok(checkExample({ ...missing, files }).some((p) => /deny\.yaml does not exist/.test(p)));
  });

  it('requires lab: false for addresses the lab must never send to', () => {
    assert.match(
      one(checkExample(example(`      - {from: default/client, to: 10.0.0.5, port: 80, allowed: false, why: x}`))),
      /outside the lab's address ranges/,
    );
  });

  it('reports manifests no stage applies and unknown keys', () => {
    const problems = checkExample(
      example(`      - {from: default/client, to: default/client, port: 80, allowed: true, why: self, alowed: true}`, {
        'stray.yaml': deny,
      }),
    );
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.ok(problems.some((p) => /unknown key alowed/.test(p)));
    assert.ok(problems.some((p) => /stray\.yaml: not applied/.test(p)));
  });

  it('reports manifests that do not load', () => {
    const bad = example(`      - {from: default/client, to: default/client, port: 80, allowed: true, why: self}`, {
      'deny.yaml': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {}\nspec: {podSelector: {}}\n',
    });
    assert.ok(checkExample(bad).some((p) => /deny\.yaml: metadata\.name/.test(p)));
  });
});
