import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertOnlyGets, liveSandbox, startFakeApi, TOKEN } from './test-helpers.js';

const { dir, manifests, netpol, kubeconfig: writeConfig, liveCluster } = liveSandbox('netpol-live-errors-');

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
        const kubeconfig = writeConfig([{ name: 'down', server, token: TOKEN }], 'down');
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
        const kubeconfig = writeConfig([
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
        const kubeconfig = writeConfig([{ name: 'x', server: 'localhost:6443', token: 't' }], 'x');
        return { argv: ['--kubeconfig', kubeconfig] };
      },
      message: /^netpol: context "x": the server of cluster "x" is not an http\(s\) URL: localhost:6443$/m,
    },
    {
      name: 'a kubeconfig that is not YAML',
      setup: async () => {
        writeFileSync(join(dir, 'broken-kubeconfig'), 'clusters: [\n');
        return { argv: ['--kubeconfig', 'broken-kubeconfig'] };
      },
      message: /^netpol: kubeconfig .*broken-kubeconfig: /m,
    },
    {
      name: 'an exec plugin that fails',
      setup: async () => {
        const kubeconfig = writeConfig(
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
    const key = join(dir, 'tls.key');
    const cert = join(dir, 'tls.crt');
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
    const api = await startFakeApi({ manifests, token: TOKEN, tls });
    const caData = Buffer.from(tls.cert).toString('base64');
    const trusted = writeConfig([{ name: 'tls', server: api.url, token: TOKEN, caData }], 'tls');
    const ok = await netpol(['matrix', '--kubeconfig', trusted, '--port', '8080', '-o', 'json']);
    assert.equal(ok.code, 0, ok.err);
    assert.ok(JSON.parse(ok.out).endpoints.includes('shop/backend[Deployment]'));
    assertOnlyGets(api.requests);

    // A context without a user still checks the server against the CA (then gets a 401).
    const anonymous = writeConfig([{ name: 'tls', server: api.url, caData, anonymous: true }], 'tls');
    const anon = await netpol(['matrix', '--kubeconfig', anonymous]);
    assert.equal(anon.code, 2);
    assert.match(
      anon.err,
      /^netpol: the API server https:\/\/127\.0\.0\.1:\d+ rejected the credentials of context "tls" \(401/m,
    );

    const untrusted = writeConfig([{ name: 'tls', server: api.url, token: TOKEN }], 'tls');
    const bad = await netpol(['matrix', '--kubeconfig', untrusted]);
    assert.equal(bad.code, 2);
    assert.match(
      bad.err,
      /^netpol: TLS: cannot trust the API server https:\/\/127\.0\.0\.1:\d+ \(context "tls"\): .*\((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)$/m,
    );
    assert.doesNotMatch(bad.err, /\n\s+at /);
  });
});
