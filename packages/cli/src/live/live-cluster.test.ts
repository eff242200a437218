import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from '../run.js';
import { cliSandbox, fakeIo } from '../test-helpers.js';
import { type FakeApiOptions, startFakeApi, writeKubeconfig } from './test-helpers.js';

// A small live cluster as an API server holds it: every namespaced object names its
// namespace, pods have owners, addresses and phases, one carries managedFields.
const CLUSTER = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop}}
---
apiVersion: v1
kind: Namespace
metadata: {name: web, labels: {team: web}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: shop, uid: d1}
spec:
  replicas: 2
  selector: {matchLabels: {app: backend}}
  template:
    metadata: {labels: {app: backend}}
    spec: {containers: [{name: api, image: api, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: backend-5d4f8
  namespace: shop
  labels: {app: backend, pod-template-hash: 5d4f8}
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: backend, uid: d1, controller: true}]
spec:
  replicas: 2
  selector: {matchLabels: {app: backend, pod-template-hash: 5d4f8}}
  template:
    metadata: {labels: {app: backend, pod-template-hash: 5d4f8}}
    spec: {containers: [{name: api, image: api, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: backend-5d4f8-aaaaa
  namespace: shop
  labels: {app: backend, pod-template-hash: 5d4f8}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: backend-5d4f8, uid: r1, controller: true}]
  managedFields: [{manager: kube-controller-manager, operation: Update, apiVersion: v1}]
spec: {containers: [{name: api, image: api, ports: [{name: http, containerPort: 8080}]}]}
status: {phase: Running, podIP: 198.18.1.10, podIPs: [{ip: 198.18.1.10}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: backend-5d4f8-bbbbb
  namespace: shop
  labels: {app: backend, pod-template-hash: 5d4f8}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: backend-5d4f8, uid: r1, controller: true}]
spec: {containers: [{name: api, image: api, ports: [{name: http, containerPort: 8080}]}]}
status: {phase: Running, podIP: 198.18.1.11, podIPs: [{ip: 198.18.1.11}]}
---
apiVersion: v1
kind: Pod
metadata: {name: migrate-x1, namespace: shop, labels: {app: migrate}}
spec: {containers: [{name: m, image: m}]}
status: {phase: Succeeded}
---
apiVersion: v1
kind: Service
metadata: {name: backend, namespace: shop}
spec:
  clusterIP: 198.19.0.20
  selector: {app: backend}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec: {containers: [{name: web, image: web}]}
---
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: web, labels: {run: debug}}
spec: {containers: [{name: sh, image: busybox}]}
status: {phase: Running, podIP: 198.18.2.5}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: web}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: report}}
        spec: {restartPolicy: OnFailure, containers: [{name: r, image: r}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: backend}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: web}}
      podSelector: {matchLabels: {app: frontend}}
    ports: [{port: http}]
`;

// The same policy name, widened to every pod of web: "what if I applied this?"
const WIDER_POLICY = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: backend}}
  ingress:
  - from: [{namespaceSelector: {matchLabels: {team: web}}}]
    ports: [{port: http}]
`;

const TOKEN = 'sekret-token-1';
const sandbox = cliSandbox('netpol-live-');
writeFileSync(join(sandbox.dir, 'cluster.yaml'), CLUSTER);
writeFileSync(join(sandbox.dir, 'wider.yaml'), WIDER_POLICY);

async function netpol(argv: string[], options: { program?: string; env?: Record<string, string> } = {}) {
  const f = fakeIo({ cwd: sandbox.dir, env: { NO_COLOR: '1', HOME: sandbox.dir, ...options.env } });
  if (options.program) f.io.program = options.program;
  const code = await run(argv, f.io);
  return { code, out: f.stdout(), err: f.stderr() };
}

let configs = 0;
/** A fake API server and a kubeconfig (context `test`) pointing at it with a bearer token. */
async function liveCluster(options: Partial<FakeApiOptions> = {}, token = TOKEN) {
  const api = await startFakeApi({ manifests: CLUSTER, token: TOKEN, pageSize: 2, ...options });
  const kubeconfig = writeKubeconfig(
    join(sandbox.dir, `kubeconfig-${++configs}`),
    [{ name: 'test', server: api.url, token }],
    'test',
  );
  return { api, kubeconfig };
}

function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value).filter(([key]) => !['file', 'line', 'column'].includes(key));
  return Object.fromEntries(entries.map(([key, v]) => [key, withoutPositions(v)]));
}

function assertOnlyGets(requests: { method: string; authorization?: string }[]) {
  assert.ok(requests.length > 0, 'the fake API server saw no request');
  assert.deepEqual([...new Set(requests.map((r) => r.method))], ['GET']);
  assert.ok(requests.every((r) => r.authorization === `Bearer ${TOKEN}`));
}

describe('a live cluster read through a kubeconfig', () => {
  test('matrix over the live cluster equals matrix over the same objects given with -f; only GETs, paged', async () => {
    const { api, kubeconfig } = await liveCluster();
    const live = await netpol(['matrix', '--kubeconfig', kubeconfig, '--port', '8080', '-o', 'json']);
    const files = await netpol(['matrix', '-f', 'cluster.yaml', '--port', '8080', '-o', 'json']);
    assert.equal(live.code, 0, live.err);
    assert.equal(files.code, 0, files.err);
    assert.deepEqual(JSON.parse(live.out), JSON.parse(files.out));
    assert.ok(JSON.parse(live.out).endpoints.includes('shop/backend[Deployment]'));
    assert.ok(
      !JSON.parse(live.out).endpoints.some((e: string) => e.includes('migrate')),
      'a finished pod is no endpoint',
    );
    assertOnlyGets(api.requests);
    assert.ok(
      api.requests.some((r) => /[?&]continue=/.test(r.url)),
      'the pods list was read page by page',
    );
    assert.ok(
      api.requests.every((r) => !r.url.includes('/namespaces/')),
      'all namespaces without -n',
    );
    assert.equal(live.err, '');
  });

  test('check over the live cluster equals check over the files, allowed and denied', async () => {
    const { api, kubeconfig } = await liveCluster();
    for (const [from, code] of [
      ['web/frontend[Deployment]', 0],
      ['web/debug', 1],
    ] as const) {
      const args = ['check', '--from', from, '--to', 'backend.shop.svc.cluster.local', '--port', '80', '-o', 'json'];
      const live = await netpol([...args, '--kubeconfig', kubeconfig]);
      const files = await netpol([...args, '-f', 'cluster.yaml']);
      assert.equal(live.code, code, live.err);
      assert.equal(files.code, code, files.err);
      // Only where each cited rule is differs: the live list text or the file.
      assert.deepEqual(withoutPositions(JSON.parse(live.out)), withoutPositions(JSON.parse(files.out)));
      if (code === 0) assert.match(live.out, /"file": "cluster:test\/networkpolicies",\s+"line": \d+/);
    }
    assertOnlyGets(api.requests);
  });

  test('-f replaces the live object of the same kind/namespace/name and adds the rest', async () => {
    const { api, kubeconfig } = await liveCluster();
    const args = ['check', '--kubeconfig', kubeconfig, '--from', 'web/debug', '--to', 'shop/backend[Deployment]'];
    const before = await netpol([...args, '--port', '8080']);
    assert.equal(before.code, 1, before.err);
    const after = await netpol([...args, '--port', '8080', '-f', 'wider.yaml', '-o', 'json']);
    assert.equal(after.code, 0, after.err);
    assert.match(
      after.err,
      /^cluster:test\/networkpolicies: note: NetworkPolicy shop\/backend-ingress: replaced by the one in wider\.yaml$/m,
    );
    const policies = JSON.stringify(JSON.parse(after.out));
    assert.match(policies, /wider\.yaml/, 'the verdict cites the policy from the file');
    assert.doesNotMatch(policies, /cluster:test\/networkpolicies/);
    // A file object with a new name is added next to the live ones: both policies then apply.
    writeFileSync(join(sandbox.dir, 'other.yaml'), WIDER_POLICY.replace('backend-ingress', 'web-to-backend'));
    const added = await netpol([...args, '--port', '8080', '-f', 'other.yaml', '-o', 'json']);
    assert.equal(added.code, 0, added.err);
    assert.doesNotMatch(added.err, /replaced/);
    const text = JSON.stringify(JSON.parse(added.out));
    assert.match(text, /other\.yaml/);
    assertOnlyGets(api.requests);
  });

  test('-n lists only that namespace (plus Namespaces); check without -n lists all', async () => {
    const { api, kubeconfig } = await liveCluster();
    const r = await netpol(['matrix', '--kubeconfig', kubeconfig, '-n', 'shop', '--port', '8080', '-o', 'json']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out).endpoints, ['shop/backend[Deployment]']);
    const paths = api.requests.map((x) => new URL(x.url, 'http://h').pathname);
    assert.ok(paths.includes('/api/v1/namespaces'));
    assert.ok(paths.includes('/api/v1/namespaces/shop/pods'));
    assert.ok(
      paths.every((p) => p === '/api/v1/namespaces' || p.includes('/namespaces/shop/')),
      paths.join(' '),
    );

    api.requests.length = 0;
    const check = await netpol([
      'check',
      '--kubeconfig',
      kubeconfig,
      '-n',
      'shop',
      '--from',
      'backend',
      '--to',
      'backend',
      '--port',
      '8080',
    ]);
    assert.equal(check.code, 1, check.err); // replica to replica: only web's frontend may reach backend
    assert.ok(api.requests.every((x) => !/\/(pods|services)\b/.test(x.url) || x.url.includes('/namespaces/shop/')));

    api.requests.length = 0;
    const wide = await netpol([
      'check',
      '--kubeconfig',
      kubeconfig,
      '--from',
      'web/debug',
      '--to',
      'shop/backend',
      '--port',
      '8080',
    ]);
    assert.equal(wide.code, 1, wide.err);
    assert.ok(
      api.requests.every((x) => !x.url.includes('/namespaces/')),
      'the default -n does not scope the lists',
    );
  });

  test('a kind the server does not serve (404) is a note; the run goes on', async () => {
    const { kubeconfig } = await liveCluster({ missing: ['cronjobs'] });
    const r = await netpol(['matrix', '--kubeconfig', kubeconfig, '--port', '8080', '-o', 'json']);
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.err,
      /^cluster:test\/cronjobs: note: the server does not serve batch\/v1 CronJob \(404 on GET \/apis\/batch\/v1\/cronjobs\?limit=500\)$/m,
    );
    assert.ok(!JSON.parse(r.out).endpoints.some((e: string) => e.includes('report')));
  });

  test('issues in live objects print as cluster:<context>/<kind>:line:col', async () => {
    const bad = `${CLUSTER}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: bad, namespace: web}
spec:
  podSelector: {}
  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/33}}]}]
`;
    const { kubeconfig } = await liveCluster({ manifests: bad });
    const r = await netpol(['validate', '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 2);
    assert.match(
      r.err,
      /^cluster:test\/networkpolicies:\d+:\d+: NetworkPolicy web\/bad: spec\.ingress\[0\]\.from\[0\]\.ipBlock\.cidr: /m,
    );
    const ok = await netpol(['validate', '--kubeconfig', (await liveCluster()).kubeconfig]);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /^12 objects valid/);
  });

  test('lint and explain read the live cluster too', async () => {
    const { kubeconfig } = await liveCluster();
    const lint = await netpol(['lint', '--kubeconfig', kubeconfig, '-o', 'json', '--fail-on', 'error']);
    assert.equal(lint.code, 0, lint.err);
    assert.ok(Array.isArray(JSON.parse(lint.out).findings));
    const explain = await netpol([
      'explain',
      '--kubeconfig',
      kubeconfig,
      '--pod',
      'shop/backend[Deployment]',
      '-o',
      'json',
    ]);
    assert.equal(explain.code, 0, explain.err);
    assert.match(explain.out, /backend-ingress/);
  });

  test('as kubectl netpol without -f, --cluster is implied; with -f it is not', async () => {
    const { api, kubeconfig } = await liveCluster();
    const env = { KUBECONFIG: kubeconfig };
    const r = await netpol(['matrix', '--port', '8080', '-o', 'json'], { program: 'kubectl-netpol', env });
    assert.equal(r.code, 0, r.err);
    assert.ok(JSON.parse(r.out).endpoints.includes('shop/backend[Deployment]'));
    assertOnlyGets(api.requests);
    api.requests.length = 0;
    const files = await netpol(['matrix', '-f', 'cluster.yaml', '--port', '8080'], { program: 'kubectl-netpol', env });
    assert.equal(files.code, 0, files.err);
    assert.equal(api.requests.length, 0);
    // As netpol, no -f stays a usage error, and --cluster reads $KUBECONFIG.
    const bare = await netpol(['matrix'], { env });
    assert.equal(bare.code, 2);
    assert.match(bare.err, /no input/);
    const flag = await netpol(['matrix', '--cluster', '--port', '8080'], { env });
    assert.equal(flag.code, 0, flag.err);
    const help = await netpol(['check', '--help'], { program: 'kubectl-netpol' });
    assert.match(help.out, /^Usage: kubectl netpol check/m);
    assert.match(help.out.replace(/\s+/g, ' '), /--cluster .*by `kubectl netpol` without -f/);
  });

  test('installed as kubectl-netpol (a link to the bin), it knows it is a kubectl plugin', () => {
    const link = join(sandbox.dir, 'kubectl-netpol');
    symlinkSync(fileURLToPath(new URL('../../bin/netpol.js', import.meta.url)), link);
    const r = spawnSync(process.execPath, [link, 'lint', '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: kubectl netpol lint/m);
  });

  test('credentials from an exec plugin are sent', async () => {
    const api = await startFakeApi({ manifests: CLUSTER, token: TOKEN });
    const credential = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: TOKEN },
    });
    const kubeconfig = writeKubeconfig(
      join(sandbox.dir, 'kubeconfig-exec'),
      [
        {
          name: 'exec',
          server: api.url,
          exec: { command: process.execPath, args: ['-e', `console.log(${JSON.stringify(credential)})`] },
        },
      ],
      'exec',
    );
    const r = await netpol(['validate', '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 0, r.err);
    assertOnlyGets(api.requests);
  });
});

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('live cluster failures: one line, exit 2, no stack', () => {
  const rows: {
    name: string;
    setup: () => Promise<{ argv: string[]; env?: Record<string, string> }>;
    message: RegExp;
    hint?: RegExp;
  }[] = [
    {
      name: '403 on one list names the resource and the can-i command',
      setup: async () => ({
        argv: ['--kubeconfig', (await liveCluster({ forbidden: ['networkpolicies'] })).kubeconfig],
      }),
      message:
        /^netpol: forbidden: cannot list networkpolicies\.networking\.k8s\.io in all namespaces \(context "test", 403\): networkpolicies is forbidden/,
      hint: /^hint: .*kubectl auth can-i list networkpolicies\.networking\.k8s\.io -A$/m,
    },
    {
      name: '403 on Namespaces without -n',
      setup: async () => ({ argv: ['--kubeconfig', (await liveCluster({ forbidden: ['namespaces'] })).kubeconfig] }),
      message: /^netpol: forbidden: cannot list namespaces \(context "test", 403\)/,
      hint: /kubectl auth can-i list namespaces$/m,
    },
    {
      name: '401: a wrong token',
      setup: async () => ({ argv: ['--kubeconfig', (await liveCluster({}, 'wrong')).kubeconfig] }),
      message:
        /^netpol: the API server http:\/\/127\.0\.0\.1:\d+ rejected the credentials of context "test" \(401 Unauthorized on list namespaces\)$/m,
    },
    {
      name: 'unreachable server',
      setup: async () => {
        const server = `http://127.0.0.1:${await closedPort()}`;
        const kubeconfig = writeKubeconfig(
          join(sandbox.dir, 'kubeconfig-down'),
          [{ name: 'down', server, token: TOKEN }],
          'down',
        );
        return { argv: ['--kubeconfig', kubeconfig] };
      },
      message:
        /^netpol: cannot reach the API server http:\/\/127\.0\.0\.1:\d+ \(context "down"\): connection refused$/m,
    },
    {
      name: 'a request that never answers times out, and says which',
      setup: async () => ({
        argv: ['--kubeconfig', (await liveCluster({ hang: true })).kubeconfig, '--request-timeout', '300ms'],
      }),
      message:
        /^netpol: GET \/api\/v1\/namespaces\?limit=500 timed out after 300ms \(server http:\/\/127\.0\.0\.1:\d+, context "test"\)$/m,
      hint: /--request-timeout/,
    },
    {
      name: 'a bad --request-timeout',
      setup: async () => ({ argv: ['--kubeconfig', (await liveCluster()).kubeconfig, '--request-timeout', 'soon'] }),
      message: /^netpol: --request-timeout soon: expected a duration/,
    },
    {
      name: 'no kubeconfig at all (~/.kube/config missing)',
      setup: async () => ({ argv: ['--cluster'] }),
      message: /^netpol: no kubeconfig: .*\.kube\/config does not exist$/m,
      hint: /--kubeconfig PATH or set KUBECONFIG/,
    },
    {
      name: '--kubeconfig names a missing file',
      setup: async () => ({ argv: ['--kubeconfig', 'nope.yaml'] }),
      message: /^netpol: --kubeconfig nope\.yaml: no such file$/m,
    },
    {
      name: 'KUBECONFIG names only missing files',
      setup: async () => ({ argv: ['--cluster'], env: { KUBECONFIG: 'a.yaml:b.yaml' } }),
      message: /^netpol: KUBECONFIG=a\.yaml:b\.yaml: no such file$/m,
    },
    {
      name: 'a context that is not there: the list and did-you-mean',
      setup: async () => ({ argv: ['--kubeconfig', (await liveCluster()).kubeconfig, '--context', 'tset'] }),
      message: /^netpol: --context tset: no such context in kubeconfig .* \(contexts: test\)$/m,
      hint: /^hint: did you mean --context test\?$/m,
    },
    {
      name: 'no current-context',
      setup: async () => {
        const kubeconfig = writeKubeconfig(join(sandbox.dir, 'kubeconfig-nocurrent'), [
          { name: 'one', server: 'http://127.0.0.1:1', token: 't' },
          { name: 'two', server: 'http://127.0.0.1:1', token: 't' },
        ]);
        return { argv: ['--kubeconfig', kubeconfig] };
      },
      message: /^netpol: kubeconfig .*: no current-context \(contexts: one, two\)$/m,
      hint: /^hint: give --context one, or run kubectl config use-context NAME$/m,
    },
    {
      name: 'a server that is not a URL',
      setup: async () => {
        const kubeconfig = writeKubeconfig(
          join(sandbox.dir, 'kubeconfig-nourl'),
          [{ name: 'x', server: 'localhost:6443', token: 't' }],
          'x',
        );
        return { argv: ['--kubeconfig', kubeconfig] };
      },
      message: /^netpol: context "x": the server of cluster "x" is not an http\(s\) URL: localhost:6443$/m,
    },
    {
      name: 'a kubeconfig that is not YAML',
      setup: async () => {
        writeFileSync(join(sandbox.dir, 'broken-kubeconfig'), 'clusters: [\n');
        return { argv: ['--kubeconfig', 'broken-kubeconfig'] };
      },
      message: /^netpol: kubeconfig .*broken-kubeconfig: /m,
    },
    {
      name: 'an exec plugin that fails',
      setup: async () => {
        const kubeconfig = writeKubeconfig(
          join(sandbox.dir, 'kubeconfig-badexec'),
          [
            {
              name: 'x',
              server: 'http://127.0.0.1:1',
              exec: { command: process.execPath, args: ['-e', 'process.exit(3)'] },
            },
          ],
          'x',
        );
        return { argv: ['--kubeconfig', kubeconfig] };
      },
      message:
        /^netpol: context "x": cannot use the credentials of user "x" or the CA of cluster "x": it failed without a message$/m,
    },
  ];
  for (const row of rows) {
    test(row.name, async () => {
      const { argv, env } = await row.setup();
      const r = await netpol(['matrix', ...argv], { env });
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, row.message);
      if (row.hint) assert.match(r.err, row.hint);
      assert.doesNotMatch(r.err, /\n\s+at |internal error/);
      assert.equal(r.out, '');
    });
  }

  test('403 on Namespaces with -n is a note: namespace-scoped users still get an answer', async () => {
    const { kubeconfig } = await liveCluster({ forbidden: ['namespaces'] });
    const r = await netpol(['matrix', '--kubeconfig', kubeconfig, '-n', 'shop', '--port', '8080', '-o', 'json']);
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.err,
      /^cluster:test\/namespaces: note: forbidden: cannot list namespaces .*kubernetes\.io\/metadata\.name/m,
    );
    assert.deepEqual(JSON.parse(r.out).endpoints, ['shop/backend[Deployment]']);
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('https with a self-signed certificate', { skip: hasOpenssl() ? false : 'openssl is not installed' }, () => {
  const selfSigned = () => {
    const key = join(sandbox.dir, 'tls.key');
    const cert = join(sandbox.dir, 'tls.crt');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  };

  test('the kubeconfig CA is trusted; without it the TLS failure is one line', async () => {
    const tls = selfSigned();
    const api = await startFakeApi({ manifests: CLUSTER, token: TOKEN, tls });
    const caData = Buffer.from(tls.cert).toString('base64');
    const trusted = writeKubeconfig(
      join(sandbox.dir, 'kubeconfig-tls'),
      [{ name: 'tls', server: api.url, token: TOKEN, caData }],
      'tls',
    );
    const ok = await netpol(['matrix', '--kubeconfig', trusted, '--port', '8080', '-o', 'json']);
    assert.equal(ok.code, 0, ok.err);
    assert.ok(JSON.parse(ok.out).endpoints.includes('shop/backend[Deployment]'));
    assertOnlyGets(api.requests);

    // A context without a user still checks the server against the CA (then gets a 401).
    const anonymous = writeKubeconfig(
      join(sandbox.dir, 'kubeconfig-anon'),
      [{ name: 'tls', server: api.url, caData, anonymous: true }],
      'tls',
    );
    const anon = await netpol(['matrix', '--kubeconfig', anonymous]);
    assert.equal(anon.code, 2);
    assert.match(
      anon.err,
      /^netpol: the API server https:\/\/127\.0\.0\.1:\d+ rejected the credentials of context "tls" \(401/m,
    );

    const untrusted = writeKubeconfig(
      join(sandbox.dir, 'kubeconfig-notls'),
      [{ name: 'tls', server: api.url, token: TOKEN }],
      'tls',
    );
    const bad = await netpol(['matrix', '--kubeconfig', untrusted]);
    assert.equal(bad.code, 2);
    assert.match(
      bad.err,
      /^netpol: TLS: cannot trust the API server https:\/\/127\.0\.0\.1:\d+ \(context "tls"\): .*\((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)$/m,
    );
    assert.doesNotMatch(bad.err, /\n\s+at /);
  });
});
