import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertOnlyGets, fixture, liveSandbox, startFakeApi, TOKEN } from './test-helpers.js';

const { dir, manifests, netpol, kubeconfig: writeConfig, liveCluster } = liveSandbox('netpol-live-');

/** A command's JSON output without source positions (the live list text vs. the file). */
function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value).filter(([key]) => !['file', 'line', 'column'].includes(key));
  return Object.fromEntries(entries.map(([key, v]) => [key, withoutPositions(v)]));
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
    assert.equal(
      live.err,
      'note: left out 1 pod that takes no traffic: 1 finished (status.phase Succeeded or Failed): shop/migrate-x1\n',
    );
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
    writeFileSync(
      join(dir, 'other.yaml'),
      fixture('wider-policy.yaml').replace('name: backend-ingress', 'name: web-to-backend'),
    );
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
      // Cluster-scoped kinds are whole-cluster lists: Namespaces, Nodes, the admin tier policies,
      // other engines' cluster-wide policies (counted for a warning).
      paths.every(
        (p) =>
          p === '/api/v1/namespaces' ||
          p === '/api/v1/nodes' ||
          p.startsWith('/apis/policy.networking.k8s.io/') ||
          /^\/apis\/[^/]+\/[^/]+\/(ciliumclusterwidenetworkpolicies|globalnetworkpolicies|clusternetworkpolicies)$/.test(
            p,
          ) ||
          p.includes('/namespaces/shop/'),
      ),
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

  test("other engines' policies in the cluster are counted and warned about, by kind; none, no word", async () => {
    const foreign = `${manifests}---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: l7, namespace: shop}
spec: {endpointSelector: {}, ingress: [{fromEntities: [world]}]}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: dns, namespace: web}
spec: {endpointSelector: {}}
---
apiVersion: crd.projectcalico.org/v1
kind: GlobalNetworkPolicy
metadata: {name: deny-all}
spec: {selector: all()}
`;
    const { api, kubeconfig } = await liveCluster({ manifests: foreign });
    const r = await netpol(['matrix', '--kubeconfig', kubeconfig, '--port', '8080', '-o', 'json']);
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.err,
      /^cluster:test\/ciliumnetworkpolicies: warning: 2 cilium\.io\/v2 CiliumNetworkPolicy objects, which netpol does not evaluate: where they apply, the cluster allows or denies traffic otherwise than netpol says$/m,
    );
    assert.match(
      r.err,
      /^cluster:test\/globalnetworkpolicies: warning: 1 crd\.projectcalico\.org\/v1 GlobalNetworkPolicy object, /m,
    );
    // Calico's and Antrea's own networkpolicies lists are other lists than the Kubernetes one.
    assert.doesNotMatch(r.err, /crd\.antrea\.io|crd\.projectcalico\.org\/v1 NetworkPolicy/);
    assertOnlyGets(api.requests);
    // Verdicts are the NetworkPolicies' alone: the same as without those objects.
    const plain = await netpol([
      'matrix',
      '--kubeconfig',
      (await liveCluster()).kubeconfig,
      '--port',
      '8080',
      '-o',
      'json',
    ]);
    assert.deepEqual(JSON.parse(r.out), JSON.parse(plain.out));
    assert.doesNotMatch(plain.err, /does not evaluate/);
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
    const bad = `${manifests}---
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
    const link = join(dir, 'kubectl-netpol');
    symlinkSync(fileURLToPath(new URL('../../bin/netpol.js', import.meta.url)), link);
    const r = spawnSync(process.execPath, [link, 'lint', '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: kubectl netpol lint/m);
  });

  test('credentials from an exec plugin are sent', async () => {
    const api = await startFakeApi({ manifests, token: TOKEN });
    const credential = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: TOKEN },
    });
    const kubeconfig = writeConfig(
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
