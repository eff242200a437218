import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { at } from '@netpol/core';
import type { Io } from '../io.js';
import { run } from '../run.js';

const root = mkdtempSync(join(tmpdir(), 'netpol-validate-'));
after(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
/** A fresh directory under the temp root with these files. */
function dir(files: Record<string, string>): string {
  const d = join(root, `case${counter++}`);
  mkdirSync(d, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

async function netpol(argv: string[], cwd: string, stdin = '') {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: {
      write: (s) => {
        stdout += s;
      },
    },
    stderr: {
      write: (s) => {
        stderr += s;
      },
    },
    readStdin: async () => stdin,
    cwd,
    env: { NO_COLOR: '1' },
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api
  namespace: prod
spec:
  podSelector: {}
  ingress:
  - ports:
    - port: 80
      endPort: 70
`;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: prod
  labels: {app: web}
spec:
  containers:
  - name: web
    image: nginx
    ports:
    - containerPort: 8080
      name: http
`;

describe('netpol validate', () => {
  it('exits 0 and counts objects when everything is valid', async () => {
    const d = dir({ 'pod.yaml': POD, 'np.yaml': POLICY.replace('endPort: 70', 'endPort: 90') });
    const r = await netpol(['validate', '-f', '.'], d);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '2 objects valid in 2 files\n');
    assert.equal(r.stderr, '');
  });

  it('prints each error as file:line:col: Kind ns/name: path: reason and exits 2', async () => {
    const d = dir({ 'np.yaml': POLICY });
    const r = await netpol(['validate', '-f', 'np.yaml'], d);
    assert.equal(r.code, 2);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(
      lines[0],
      'np.yaml:11:7: NetworkPolicy prod/api: spec.ingress[0].ports[0].endPort: Invalid value: 70: must be greater than or equal to `port`',
    );
    assert.equal(lines.length, 2);
    assert.match(at(lines, 1), /^1 error in 1 object/);
  });

  it('reports every problem of every object in one run, each at its own position', async () => {
    const text = `${POLICY}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: Bad_Name
spec:
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/8
      podSelector: {}
    - {}
  policyTypes: [Ingress, Egress, Sideways]
`;
    const d = dir({ 'all.yaml': text });
    const r = await netpol(['validate', '-f', 'all.yaml', '-o', 'json'], d);
    assert.equal(r.code, 2);
    const out = JSON.parse(r.stdout);
    assert.equal(out.valid, false);
    assert.deepEqual(
      out.issues.map((i: Record<string, unknown>) => `${i.line}:${i.column} ${i.object} ${i.field} ${i.code}`),
      [
        '11:7 NetworkPolicy prod/api spec.ingress[0].ports[0].endPort field-invalid',
        '16:3 NetworkPolicy default/Bad_Name metadata.name field-invalid',
        // A list item is located at its content, after `- `.
        '20:7 NetworkPolicy default/Bad_Name spec.egress[0].to[0] field-forbidden',
        '23:7 NetworkPolicy default/Bad_Name spec.egress[0].to[1] field-required',
        '24:3 NetworkPolicy default/Bad_Name spec.policyTypes field-invalid',
      ],
    );
    for (const issue of out.issues) {
      assert.deepEqual(Object.keys(issue).sort(), [
        'code',
        'column',
        'field',
        'file',
        'line',
        'message',
        'object',
        'severity',
      ]);
      assert.equal(issue.file, 'all.yaml');
      assert.equal(issue.severity, 'error');
    }
  });

  it('prints the path the API server prints but points at the offending label itself', async () => {
    const d = dir({ 'pod.yaml': POD.replace('labels: {app: web}', 'labels:\n    app: web\n    bad key: x') });
    const r = await netpol(['validate', '-f', 'pod.yaml'], d);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^pod\.yaml:8:5: Pod prod\/web: metadata\.labels: Invalid value: "bad key": name part must consist of/,
    );
  });

  it('turns a wrong JSON type into an issue at the exact field, not a crash', async () => {
    const d = dir({
      'np.yaml': POLICY.replace('endPort: 70', 'endPort: "90"').replace('podSelector: {}', 'podSelector: []'),
    });
    const r = await netpol(['validate', '-f', 'np.yaml', '-o', 'json'], d);
    assert.equal(r.code, 2);
    const issues = JSON.parse(r.stdout).issues;
    assert.deepEqual(
      issues.map((i: Record<string, unknown>) => `${i.line}:${i.column} ${i.field} ${i.code}`),
      ['7:3 spec.podSelector field-type', '11:7 spec.ingress[0].ports[0].endPort field-type'],
    );
    assert.match(
      issues[1].message,
      /cannot unmarshal string into Go struct field NetworkPolicyPort\.spec\.ingress\.ports\.endPort of type int32/,
    );
  });

  it('finds positions inside kubectl get -o json output (a List)', async () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        JSON.parse(
          '{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p","namespace":"x"},"spec":{"podSelector":{},"ingress":[{"from":[{"ipBlock":{"cidr":"10.0.0.0/8","except":["11.0.0.0/16"]}}]}]}}',
        ),
      ],
    };
    const d = dir({ 'list.json': JSON.stringify(list, null, 2) });
    const r = await netpol(['validate', '-f', 'list.json'], d);
    assert.equal(r.code, 2);
    // "11.0.0.0/16" is on line 21 of the indented JSON, at column 21.
    assert.match(
      r.stderr,
      /^list\.json:21:21: NetworkPolicy x\/p: spec\.ingress\[0\]\.from\[0\]\.ipBlock\.except\[0\]: Invalid value: "11\.0\.0\.0\/16": must be a strict subset of `cidr`\n/,
    );
  });

  it('accepts warnings (exit 0) and marks them', async () => {
    const d = dir({
      'np.yaml': POLICY.replace(
        '  - ports:\n    - port: 80\n      endPort: 70\n',
        '  - from:\n    - ipBlock: {cidr: 10.0.0.1/8}\n',
      ),
    });
    const r = await netpol(['validate', '-f', 'np.yaml'], d);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '1 object valid in 1 file (1 warning)\n');
    assert.equal(
      r.stderr,
      'np.yaml:10:17: NetworkPolicy prod/api: spec.ingress[0].from[0].ipBlock.cidr: warning: CIDR value "10.0.0.1/8" is ambiguous in this context (should be "10.0.0.0/8" or "10.0.0.1/32"?)\n',
    );
    const json = await netpol(['validate', '-f', 'np.yaml', '-o', 'json'], d);
    assert.equal(json.code, 0);
    const out = JSON.parse(json.stdout);
    assert.equal(out.valid, true);
    assert.equal(out.issues[0].severity, 'warning');
  });

  it('notes kinds it does not read, without failing', async () => {
    const d = dir({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n' + POD });
    const r = await netpol(['validate', '-f', 'cm.yaml'], d);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^cm\.yaml:1:1: ConfigMap default\/c: note: skipped v1 ConfigMap/);
  });

  it('reads stdin', async () => {
    const r = await netpol(['validate', '-f', '-'], root, POLICY);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^-:11:7: NetworkPolicy prod\/api: spec\.ingress\[0\]\.ports\[0\]\.endPort: /);
  });
});

describe('netpol validate: bad input never shows a stack', () => {
  const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at |internal error/);

  it('malformed YAML: position and exit 2', async () => {
    const d = dir({ 'bad.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: [a\n' });
    const r = await netpol(['validate', '-f', 'bad.yaml'], d);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^bad\.yaml:\d+:\d+: /);
    noStack(r.stderr);
  });

  it('malformed JSON: position and exit 2', async () => {
    const d = dir({ 'bad.json': '{\n  "kind": "Pod",\n  "metadata": {"name": "a",}\n' });
    const r = await netpol(['validate', '-f', 'bad.json'], d);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^bad\.json:\d+:\d+: /);
    noStack(r.stderr);
  });

  it('a document that is not an object', async () => {
    const d = dir({ 'x.yaml': '- just\n- a list\n' });
    const r = await netpol(['validate', '-f', 'x.yaml'], d);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^x\.yaml:1:1: /);
  });

  it('a missing file', async () => {
    const r = await netpol(['validate', '-f', 'nope.yaml'], root);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'netpol: nope.yaml: no such file or directory\n');
  });

  it('an empty directory', async () => {
    const d = dir({});
    const r = await netpol(['validate', '-f', d], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no \.yaml, \.yml or \.json files/);
    noStack(r.stderr);
  });

  it('an empty file', async () => {
    const d = dir({ 'empty.yaml': '\n---\n' });
    const r = await netpol(['validate', '-f', 'empty.yaml'], d);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.split('\n')[0], 'empty.yaml: no Kubernetes objects in the input');
  });

  it('an unreadable file', async (t) => {
    if (process.getuid?.() === 0) {
      t.skip('root reads every file');
      return;
    }
    const d = dir({ 'secret.yaml': POD });
    chmodSync(join(d, 'secret.yaml'), 0o000);
    const r = await netpol(['validate', '-f', 'secret.yaml'], d);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'netpol: secret.yaml: permission denied\n');
  });

  it('an unknown flag', async () => {
    const r = await netpol(['validate', '--frobnicate', '-f', 'x.yaml'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--frobnicate'/);
    noStack(r.stderr);
  });

  it('no -f at all', async () => {
    const r = await netpol(['validate'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no input/);
  });
});
