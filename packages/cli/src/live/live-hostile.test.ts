import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { liveSandbox, TOKEN } from './test-helpers.js';

/**
 * The live reader against hostile or broken servers and kubeconfigs (issue 16, items 9, 10,
 * 11, 14): every case ends in bounded time with one line and exit 2, and no credential or
 * terminal escape reaches the output. Servers listen on 127.0.0.1, ephemeral ports.
 */
const { netpol, kubeconfig } = liveSandbox('netpol-live-hostile-');

async function hostileServer(handle: (req: IncomingMessage, res: ServerResponse, n: number) => void) {
  let requests = 0;
  const server = createServer((req, res) => handle(req, res, ++requests));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, requests: () => requests };
}

const list = (res: ServerResponse, body: unknown) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('live reads against hostile servers', () => {
  test('a server that pages forever (continue n+1) ends at --read-timeout', async () => {
    const api = await hostileServer((_req, res, n) =>
      list(res, { kind: 'NamespaceList', apiVersion: 'v1', metadata: { continue: String(n + 1) }, items: [] }),
    );
    const config = kubeconfig([{ name: 'loop', server: api.url, token: TOKEN }], 'loop');
    const started = Date.now();
    const r = await netpol(['matrix', '--kubeconfig', config, '--read-timeout', '1500ms']);
    assert.equal(r.code, 2, r.err);
    assert.match(
      r.err,
      /^netpol: reading the cluster took longer than 1500ms \(at GET \/api\/v1\/namespaces\?limit=500/m,
    );
    assert.match(r.err, /^hint: .*--read-timeout/m);
    // A bound that proves the read ended instead of paging forever; generous because CI shares 2 cores.
    assert.ok(Date.now() - started < 60_000);
  });

  test('huge pages stop at the input limit, before memory runs out', async () => {
    const filler = 'x'.repeat(1024 * 1024);
    const api = await hostileServer((_req, res, n) =>
      list(res, {
        kind: 'NamespaceList',
        apiVersion: 'v1',
        metadata: { continue: String(n + 1) },
        items: [{ metadata: { name: `ns${n}`, annotations: { filler } } }],
      }),
    );
    const config = kubeconfig([{ name: 'big', server: api.url, token: TOKEN }], 'big');
    const r = await netpol(['matrix', '--kubeconfig', config, '--max-input-size', '5MiB']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /^netpol: (the cluster's answers are larger than 5 MiB|GET .* the answer is larger than)/m);
    assert.match(r.err, /--max-input-size/);
    // Six lists run at once: each may have one page in flight when the budget runs out.
    assert.ok(api.requests() <= 12, `${api.requests()} requests`);
  });

  test("a server's Status message with escapes and newlines is one escaped line", async () => {
    const api = await hostileServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', code: 403, message: 'no\u001b]0;PWNED\u0007\nnetpol: all clear' }));
    });
    const config = kubeconfig([{ name: 'esc', server: api.url, token: TOKEN }], 'esc');
    const r = await netpol(['matrix', '--kubeconfig', config]);
    assert.equal(r.code, 2, r.err);
    assert.doesNotMatch(r.err, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    assert.doesNotMatch(r.err, /^netpol: all clear/m);
    assert.match(r.err, /no\\u001b\]0;PWNED\\u0007\\u000anetpol: all clear/);
  });
});

describe('live reads: credentials and timeouts', () => {
  test('the password of a server URL and the token never appear in a message', async () => {
    const api = await hostileServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', code: 500, message: `boom Bearer ${TOKEN}` }));
    });
    const server = `http://admin:P4ssw0rd@127.0.0.1:${api.port}`;
    const config = kubeconfig([{ name: 'creds', server, token: TOKEN }], 'creds');
    const r = await netpol(['matrix', '--kubeconfig', config]);
    assert.equal(r.code, 2, r.err);
    assert.doesNotMatch(r.err, /P4ssw0rd|admin:|sekret-token/);
    assert.match(r.err, /http:\/\/\*\*\*@127\.0\.0\.1/);
  });

  test('a credential plugin that hangs is stopped at --request-timeout and named', async () => {
    const config = kubeconfig(
      [
        {
          name: 'hang',
          server: 'http://127.0.0.1:1',
          exec: { command: process.execPath, args: ['-e', 'setTimeout(() => {}, 120000)'] },
        },
      ],
      'hang',
    );
    const started = Date.now();
    const r = await netpol(['matrix', '--kubeconfig', config, '--request-timeout', '1s']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /^netpol: context "hang": the credential plugin .* of user "hang" did not answer within 1s$/m);
    // Proves the plugin was cut off, not how fast: generous because CI shares 2 cores.
    assert.ok(Date.now() - started < 60_000);
  });

  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  after(() => process.off('warning', onWarning));

  for (const [flag, value] of [
    ['--request-timeout', '9999999h'],
    ['--read-timeout', '600h'],
  ] as const) {
    test(`${flag} ${value}, beyond Node's timers, is a usage error`, async () => {
      const config = kubeconfig([{ name: 'slow', server: 'http://127.0.0.1:1', token: TOKEN }], 'slow');
      const r = await netpol(['matrix', '--kubeconfig', config, flag, value]);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, new RegExp(`^netpol: ${flag} ${value}: at most 24 days`, 'm'));
      assert.ok(!warnings.includes('TimeoutOverflowWarning'));
    });
  }
});

describe('live reads: TLS failures in words', () => {
  test("an https:// URL to a plain-http server: one line naming the cause, OpenSSL's text left out", async () => {
    const api = await hostileServer((_req, res) => list(res, { kind: 'NamespaceList', items: [] }));
    const server = api.url.replace('http:', 'https:');
    const config = kubeconfig([{ name: 'tls', server, token: TOKEN }], 'tls');
    const r = await netpol(['matrix', '--kubeconfig', config]);
    assert.equal(r.code, 2, r.err);
    assert.match(
      r.err,
      /^netpol: TLS handshake with the API server https:\/\/127\.0\.0\.1:\d+ \(context "tls"\) failed: the server does not speak TLS/m,
    );
    assert.match(r.err, /^hint: is the server plain http\?/m);
    assert.doesNotMatch(r.err, /deps\/openssl|:error:[0-9A-F]{8}/);
    assert.equal(r.err.trim().split('\n').length, 2);
  });
});
