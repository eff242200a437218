import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from '../run.js';
import { cliSandbox } from '../test-helpers.js';

const { dir, fakeIo, netpol } = cliSandbox('netpol-diff-');

function write(path: string, text: string) {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

const world = `apiVersion: v1
kind: Namespace
metadata: {name: backend-ns}
---
apiVersion: v1
kind: Namespace
metadata: {name: alice-ns, labels: {user: alice}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: secure-api, namespace: backend-ns}
spec:
  selector: {matchLabels: {app: secure-api}}
  template:
    metadata: {labels: {app: secure-api}}
    spec: {containers: [{name: api, image: api, ports: [{containerPort: 8443}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: alice-ns, labels: {role: client}}
spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Pod
metadata: {name: other, namespace: alice-ns}
spec: {containers: [{name: c, image: busybox}]}
`;

// Seed 002 examples 5 and 6: the only difference is the `-` before podSelector.
const andPolicy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-ingress
  namespace: backend-ns
spec:
  podSelector:
    matchLabels:
      app: secure-api
  policyTypes:
  - Ingress
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          user: alice
      podSelector:
        matchLabels:
          role: client
`;
const orPolicy = andPolicy.replace(
  '      podSelector:\n        matchLabels:\n          role',
  '    - podSelector:\n        matchLabels:\n          role',
);

write('and/world.yaml', world);
write('and/policy.yaml', andPolicy);
write('or/world.yaml', world);
write('or/policy.yaml', orPolicy);

describe('netpol diff', () => {
  it('-o json: AND → OR opens alice-ns/other to the API (SPEC shape)', async () => {
    assert.notEqual(orPolicy, andPolicy);
    const r = await netpol('diff', 'and', 'or', '-o', 'json');
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    assert.deepEqual(json.opened, [
      { from: 'alice-ns/other', to: 'backend-ns/secure-api[Deployment]', protocol: 'TCP', ports: ['1-65535'] },
      { from: 'alice-ns/other', to: 'backend-ns/secure-api[Deployment]', protocol: 'UDP', ports: ['1-65535'] },
      { from: 'alice-ns/other', to: 'backend-ns/secure-api[Deployment]', protocol: 'SCTP', ports: ['1-65535'] },
    ]);
    assert.deepEqual(json.closed, []);
    assert.deepEqual(json.policies, {
      added: [],
      removed: [],
      changed: ['backend-ns/api-ingress'],
      details: [
        {
          id: 'backend-ns/api-ingress',
          changes: [
            '-ingress from pods role=client in namespaces user=alice, on every port',
            '+ingress from every pod in namespaces user=alice or pods role=client in namespace backend-ns, on every port',
          ],
        },
      ],
    });
  });

  it('--exit-code: 1 when something changed, 0 for identical inputs (empty diff)', async () => {
    assert.equal((await netpol('diff', 'and', 'or', '--exit-code')).code, 1);
    const same = await netpol('diff', 'and', 'and', '--exit-code', '-o', 'json');
    assert.equal(same.code, 0);
    const json = JSON.parse(same.out);
    assert.deepEqual([json.opened, json.closed], [[], []]);
    assert.deepEqual(json.policies, { added: [], removed: [], changed: [], details: [] });
  });

  it('-o md and -o table name the change readably', async () => {
    const md = await netpol('diff', 'and', 'or', '-o', 'md');
    assert.match(md.out, /^### netpol diff: 1 connection opened, 0 closed$/m);
    // How the changed policy changed, as a nested list under "Policies".
    assert.match(md.out, /^ {2}- `backend-ns\/api-ingress`: \+ingress from every pod in namespaces user=alice or /m);
    assert.match(md.out, /^\| `backend-ns\/secure-api\[Deployment\]` \| `alice-ns\/other` \| every port \|$/m);
    const table = await netpol('diff', 'and', 'or');
    assert.match(table.out, /Policies: changed backend-ns\/api-ingress/);
    assert.match(table.out, /backend-ns\/secure-api\[Deployment\]\s+alice-ns\/other\s+every port/);
  });

  it('git:REV:PATH on both sides', async () => {
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: dir,
        stdio: 'pipe',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@t',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@t',
        },
      });
    write('repo/k8s/world.yaml', world);
    write('repo/k8s/policy.yaml', andPolicy);
    git('init', '-q', 'repo');
    const inRepo = (...args: string[]) => git('-C', 'repo', ...args);
    inRepo('add', '-A');
    inRepo('commit', '-qm', 'and');
    write('repo/k8s/policy.yaml', orPolicy);
    inRepo('commit', '-qam', 'or');
    const io = fakeIo();
    io.cwd = join(dir, 'repo');
    const code = await run(['diff', 'git:HEAD~1:k8s', 'git:HEAD:k8s/', '-o', 'json', '--exit-code'], io);
    assert.equal(code, 1, io.err());
    assert.deepEqual(
      JSON.parse(io.out()).opened.map((c: { from: string; protocol: string }) => `${c.from} ${c.protocol}`),
      ['alice-ns/other TCP', 'alice-ns/other UDP', 'alice-ns/other SCTP'],
    );
    // Working tree against a revision.
    const io2 = fakeIo();
    io2.cwd = join(dir, 'repo');
    assert.equal(await run(['diff', 'git:HEAD:k8s', 'k8s', '--exit-code'], io2), 0, io2.err());
    // From a subdirectory: PATH is from the repository root (as `git show REV:PATH`), `./` from cwd.
    for (const [base, head] of [
      ['git:HEAD~1:k8s', 'git:HEAD:k8s'],
      ['git:HEAD~1:./', '.'],
      ['git:HEAD~1:.', 'git:HEAD:../k8s/'],
    ] as const) {
      const sub = fakeIo();
      sub.cwd = join(dir, 'repo', 'k8s');
      assert.equal(
        await run(['diff', base, head, '-o', 'json', '--exit-code'], sub),
        1,
        `${base} ${head}: ${sub.err()}`,
      );
      assert.equal(JSON.parse(sub.out()).opened.length, 3, `${base} ${head}`);
    }
    const outside = fakeIo();
    outside.cwd = join(dir, 'repo', 'k8s');
    assert.equal(await run(['diff', 'git:HEAD:../..', '.'], outside), 2);
    assert.match(outside.err(), /leaves the repository/);

    // The pull request that adds the first policies: BASE lacks the folder, read as empty.
    write('repo/new-k8s/policy.yaml', andPolicy);
    write('repo/new-k8s/world.yaml', world);
    const first = fakeIo();
    first.cwd = join(dir, 'repo');
    assert.equal(
      await run(['diff', 'git:HEAD:new-k8s', 'new-k8s', '-o', 'json', '--exit-code'], first),
      1,
      first.err(),
    );
    assert.deepEqual(JSON.parse(first.out()).policies.added, ['backend-ns/api-ingress']);
    assert.match(
      first.err(),
      /^netpol diff: note: git:HEAD:new-k8s: the path is not in that revision: BASE is read as empty/m,
    );
    // A path in neither version, or a revision that does not exist, is an error.
    for (const [base, head, error] of [
      ['git:HEAD:nope', 'git:HEAD~1:nope', /path 'nope' does not exist in 'HEAD'/],
      ['git:no-such-rev:k8s', 'k8s', /invalid object name 'no-such-rev'/],
    ] as const) {
      const bad = fakeIo();
      bad.cwd = join(dir, 'repo');
      assert.equal(await run(['diff', base, head], bad), 2, base);
      assert.match(bad.err(), error);
    }
  });

  it('git:REV:PATH reads files whose names are not ASCII (git quotes them without -z)', async () => {
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', join(dir, 'utf8-repo'), ...args], {
        stdio: 'pipe',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@t',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@t',
        },
      });
    write('utf8-repo/pol/world.yaml', world);
    write('utf8-repo/pol/policy.yaml', andPolicy);
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    write(
      'utf8-repo/pol/\u00e4llow-all.yaml',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-all, namespace: backend-ns}\nspec:\n  podSelector: {}\n  ingress: [{}]\n',
    );
    git('add', '-A');
    git('commit', '-qm', 'allow all');
    const io = fakeIo();
    io.cwd = join(dir, 'utf8-repo');
    assert.equal(await run(['diff', 'git:HEAD~1:pol', 'git:HEAD:pol', '-o', 'json', '--exit-code'], io), 1, io.err());
    assert.deepEqual(JSON.parse(io.out()).policies.added, ['backend-ns/allow-all']);
  });

  it('the seed 002 labs: example 5 (AND) → example 6 (OR) opens alice/other and backend-ns/client', async () => {
    const io = fakeIo();
    io.cwd = join(fileURLToPath(import.meta.url), '../../../../../examples');
    const code = await run(['diff', '002-ex5-and-selector', '002-ex6-or-selector-trap', '-o', 'json'], io);
    assert.equal(code, 0, io.err());
    const json = JSON.parse(io.out());
    assert.deepEqual(
      json.opened.map(
        (c: { from: string; to: string; protocol: string; ports: unknown[] }) =>
          `${c.from} ${c.to} ${c.protocol} ${c.ports}`,
      ),
      ['alice/other', 'backend-ns/client'].flatMap((from) =>
        ['TCP', 'UDP', 'SCTP'].map((p) => `${from} backend-ns/secure-api[Deployment] ${p} 1-65535`),
      ),
    );
    assert.deepEqual(json.closed, []);
    assert.deepEqual(json.policies, {
      added: ['backend-ns/loose-api-ingress'],
      removed: ['backend-ns/strict-api-ingress'],
      changed: [],
      details: [],
    });
  });

  it('policies alone (issue 13): ex5 → ex6 opens the API to user=alice namespaces and to role=client pods of backend-ns, exit 1', async () => {
    const io = fakeIo();
    io.cwd = join(fileURLToPath(import.meta.url), '../../../../../examples');
    const args = ['002-ex5-and-selector/strict-api-ingress.yaml', '002-ex6-or-selector-trap/loose-api-ingress.yaml'];
    // Before: "0 connections opened", exit 0 (no pods, so nothing was compared).
    assert.equal(await run(['diff', ...args, '-o', 'json', '--exit-code'], io), 1, io.err());
    const json = JSON.parse(io.out());
    assert.deepEqual(
      json.opened.map(
        (c: { from: string; to: string; protocol: string; ports: unknown[] }) =>
          `${c.from} -> ${c.to} ${c.protocol} ${c.ports}`,
      ),
      ['TCP', 'UDP', 'SCTP'].map(
        (p) =>
          `backend-ns{user!=alice}/{role=client} | {user=alice}/{role!=client} -> backend-ns/{app=secure-api} ${p} 1-65535`,
      ),
    );
    assert.deepEqual(json.closed, []);
    const from = json.classes.find((c: { id: string }) => c.id === json.opened[0].from);
    assert.ok(from.members.length >= 2, 'the row stands for several classes');
    assert.equal(typeof from.witness.namespace, 'string');
    const md = fakeIo();
    md.cwd = io.cwd;
    assert.equal(await run(['diff', ...args, '-o', 'md'], md), 0);
    assert.match(
      md.out(),
      /\| `backend-ns\/\{app=secure-api\}` \| `backend-ns\{user!=alice\}\/\{role=client\} \\\| \{user=alice\}\/\{role!=client\}` \| every port \|/,
    );
  });

  it('policies alone: an unchanged policy set is no change (exit 0)', async () => {
    const io = fakeIo();
    io.cwd = join(fileURLToPath(import.meta.url), '../../../../../examples');
    const file = '002-ex6-or-selector-trap/loose-api-ingress.yaml';
    assert.equal(await run(['diff', file, file, '--exit-code'], io), 0, io.err());
    assert.match(io.out(), /no changes/);
  });

  it('bad input or a missing path exits 2 without a stack', async () => {
    write('bad/x.yaml', 'kind: NetworkPolicy\nmetadata: {name: [x\n');
    const bad = await netpol('diff', 'and', 'bad');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /bad\/x\.yaml:\d+:\d+/);
    const missing = await netpol('diff', 'and', 'nope');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /nope: no such file or directory/);
    assert.doesNotMatch(bad.err + missing.err, /\n\s+at /);
  });
});

// Issue: a PR gate that answers "no changes" while an allow-all is added is worse than none.
// A repository holds Helm charts and other CNIs' policies beside plain manifests; netpol skips
// them with a note, and diff must say when they differ.
const template = `{{- if .Values.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "web.fullname" . }}
spec:
  podSelector:
    matchLabels:
      app: {{ .Values.app }}
{{- end }}
`;
const cilium = (toEntities: string) => `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: web, namespace: backend-ns}
spec:
  endpointSelector: {matchLabels: {app: web}}
  ingress: [{fromEntities: [${toEntities}]}]
`;
for (const side of ['unrendered-base', 'unrendered-head', 'unrendered-same']) {
  write(`${side}/world.yaml`, world);
  write(`${side}/policy.yaml`, andPolicy);
  write(`${side}/chart/Chart.yaml`, 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
}
write('unrendered-base/chart/templates/policy.yaml', template);
write('unrendered-same/chart/templates/policy.yaml', template);
write('unrendered-base/cilium.yaml', cilium('cluster'));
write('unrendered-same/cilium.yaml', `# the same policy, written again\n${cilium('cluster')}`);
// HEAD: the template gains an allow-all; the Cilium policy now admits the world.
write('unrendered-head/chart/templates/policy.yaml', template.replace('spec:\n', 'spec:\n  ingress: [{}]\n'));
write('unrendered-head/cilium.yaml', cilium('world'));

describe('netpol diff: what it does not analyze', () => {
  it('a changed Helm template or Cilium policy is a change: named, and --exit-code exits 1', async () => {
    const r = await netpol('diff', 'unrendered-base', 'unrendered-head', '-R', '--exit-code');
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /^unrendered-base → unrendered-head: 0 connections opened, 0 closed; 2 changes not analyzed/m);
    assert.match(r.out, /^ {2}changed unrendered-head\/chart\/templates\/policy\.yaml: Helm template$/m);
    assert.match(r.out, /^ {2}changed unrendered-head\/cilium\.yaml: CiliumNetworkPolicy backend-ns\/web$/m);
    assert.match(r.err, /netpol diff: warning: 2 changes netpol does not analyze/);
    assert.match(r.err, /unrendered-head\/chart\/templates\/policy\.yaml: note: skipped a Helm template/);
    assert.doesNotMatch(r.err, /Map keys|Unexpected|error/);

    const json = JSON.parse((await netpol('diff', 'unrendered-base', 'unrendered-head', '-R', '-o', 'json')).out);
    assert.deepEqual(json.unanalyzed, [
      { change: 'changed', file: 'unrendered-head/chart/templates/policy.yaml', what: 'Helm template' },
      { change: 'changed', file: 'unrendered-head/cilium.yaml', what: 'CiliumNetworkPolicy backend-ns/web' },
    ]);
    const md = (await netpol('diff', 'unrendered-base', 'unrendered-head', '-R', '-o', 'md')).out;
    assert.match(md, /^### netpol diff: 0 connections opened, 0 closed; 2 changes not analyzed/m);
    assert.match(md, /^ {2}- changed `unrendered-head\/cilium\.yaml`: CiliumNetworkPolicy backend-ns\/web$/m);
  });

  it('the same unanalyzed things on both sides (another comment, moved files) are no change', async () => {
    const r = await netpol('diff', 'unrendered-base', 'unrendered-same', '-R', '--exit-code', '-o', 'json');
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).unanalyzed, undefined);
    assert.doesNotMatch(r.err, /netpol diff: warning/);
    // Each version's Cilium policy is still a note of its own: verdicts cannot see it.
    assert.match(
      r.err,
      /unrendered-same\/cilium\.yaml:\d+:\d+: CiliumNetworkPolicy backend-ns\/web: note: skipped cilium\.io\/v2 CiliumNetworkPolicy: another engine's policy/,
    );
  });

  it('added and removed: a template only in HEAD, a Cilium policy only in BASE', async () => {
    write('unrendered-added/world.yaml', world);
    write('unrendered-added/policy.yaml', andPolicy);
    write('unrendered-added/chart/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
    write('unrendered-added/chart/templates/policy.yaml', template);
    write('unrendered-added/chart/templates/extra.yaml', template.replace('web.fullname', 'web.extra'));
    const r = await netpol('diff', 'unrendered-base', 'unrendered-added', '-R', '-o', 'json');
    assert.deepEqual(JSON.parse(r.out).unanalyzed, [
      { change: 'added', file: 'unrendered-added/chart/templates/extra.yaml', what: 'Helm template' },
      { change: 'removed', file: 'unrendered-base/cilium.yaml', what: 'CiliumNetworkPolicy backend-ns/web' },
    ]);
  });
});

describe('netpol diff reads both versions whole', () => {
  it('a policy added in a subfolder is opened, without -R; a git: side and a folder side read alike', async () => {
    const allowAll =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-all, namespace: backend-ns}\nspec:\n  podSelector: {}\n  ingress: [{}]\n';
    write('nested-base/world.yaml', world);
    write('nested-base/policy.yaml', andPolicy);
    write('nested-head/world.yaml', world);
    write('nested-head/policy.yaml', andPolicy);
    write('nested-head/more/allow-all.yaml', allowAll);
    const r = await netpol('diff', 'nested-base', 'nested-head', '--exit-code', '-o', 'json');
    assert.equal(r.code, 1, r.err);
    assert.deepEqual(JSON.parse(r.out).policies.added, ['backend-ns/allow-all']);
    assert.doesNotMatch(r.err, /subfolders not read/);
    // The same tree against itself: no changes (it used to read the subfolder on one side only).
    const same = await netpol('diff', 'nested-head', 'nested-head', '--exit-code');
    assert.equal(same.code, 0, same.err);
    assert.match(same.out, /no changes/);
  });
});
