import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { capturingIo, fakeIo, runCli } from '../test-helpers.js';
import { artifactPath, browserSkip, useBrowser, watchErrors } from './browser-test-helpers.js';
import { type RunningServer, startServer } from './serve.js';

declare global {
  interface Window {
    /** The Graph view's cytoscape instance, handed to tests by the page (packages/web GraphView). */
    netpolGraph?: import('cytoscape').Core;
  }
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const examples = readdirSync(join(root, 'examples'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => `examples/${d.name}`)
  .sort();

async function serve(files: string[], extra: { base?: string } = {}): Promise<RunningServer> {
  const { io } = capturingIo(root);
  return startServer({ file: files, namespace: 'default', ...extra }, io);
}

/** A raw request with a chosen Host header (fetch cannot set Host). */
function get(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request(url, { headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** A small seeded PRNG (mulberry32): the random pairs are the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Shown {
  question: string;
  text: string;
  reasons: string[];
}

// A string, not a function: the test runner's transpiler may add helpers a page lacks.
const ASK = `async ([from, to, port]) => {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  for (const [name, value] of [['from', from], ['to', to], ['port', port]]) {
    const input = document.querySelector('input[name="' + name + '"]');
    setter.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }
  await new Promise((r) => requestAnimationFrame(r));
  [...document.querySelectorAll('button')].find((b) => b.textContent === 'Check').click();
  return read(from + '|' + to + '|' + port);
}`;
const READ = `async function read(question) {
  const status = document.querySelector('.verdict-box[role="status"]');
  for (let i = 0; i < 1000 && status.dataset.question !== question; i++) await new Promise((r) => setTimeout(r, 5));
  return {
    question: status.dataset.question ?? '',
    text: status.textContent ?? '',
    reasons: [...status.querySelectorAll('li')].map((l) => l.textContent.trim()),
  };
}`;

function ask(page: Page, from: string, to: string, port: string): Promise<Shown> {
  return page.evaluate(
    `(async () => { ${READ}; return (${ASK})(${JSON.stringify([from, to, port])}); })()`,
  ) as Promise<Shown>;
}

async function askByTyping(page: Page, from: string, to: string, port: string): Promise<Shown> {
  await page.getByLabel('From', { exact: true }).fill(from);
  await page.getByLabel('To', { exact: true }).fill(to);
  await page.getByLabel('Port', { exact: true }).fill(port);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  return page.evaluate(
    `(async () => { ${READ}; return read(${JSON.stringify(`${from}|${to}|${port}`)}); })()`,
  ) as Promise<Shown>;
}

describe('netpol serve (HTTP)', () => {
  test('prints its URL first, binds 127.0.0.1, refuses other Host headers', async () => {
    const server = await serve(['examples/003-default-deny-dns']);
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const port = new URL(server.url).port;
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
        const ok = await get(server.url, host);
        assert.equal(ok.status, 200, host);
        assert.match(ok.body, /<div id="root">/);
      }
      for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1.evil.example:${port}`]) {
        const refused = await get(server.url, host);
        assert.equal(refused.status, 403, host);
        assert.match(refused.body, /refused/);
      }
      const input = JSON.parse((await get(`${server.url}api/input`, `127.0.0.1:${port}`)).body);
      assert.equal(input.mode, 'serve');
      assert.ok(input.files.some((f: { name: string }) => f.name === 'examples/003-default-deny-dns/allow-dns.yaml'));
    } finally {
      await server.close();
    }
  });

  test('save writes only input files, only from its own page', async () => {
    const server = await serve(['examples/003-default-deny-dns']);
    try {
      const post = (body: unknown, headers: Record<string, string>) =>
        fetch(`${server.url}api/save`, { method: 'POST', body: JSON.stringify(body), headers });
      const json = { 'content-type': 'application/json' };
      const other = await post({ files: [{ name: '/etc/passwd', text: 'x' }] }, json);
      assert.equal(other.status, 403);
      assert.match(await other.text(), /not an input file: \/etc\/passwd/);
      const crossSite = await post({ files: [] }, { ...json, origin: 'http://evil.example' });
      assert.equal(crossSite.status, 403);
      const form = await post({ files: [] }, { 'content-type': 'text/plain' });
      assert.equal(form.status, 403);
    } finally {
      await server.close();
    }
  });

  test('input that cannot be saved (stdin, git:, a live cluster): the server and the page know it (no Save)', async () => {
    const f = fakeIo({
      cwd: root,
      stdin: readFileSync(join(root, 'examples/003-default-deny-dns/allow-dns.yaml'), 'utf8'),
    });
    const server = await startServer({ file: ['-'], namespace: 'default' }, f.io);
    try {
      assert.equal(server.canSave, false);
      const input = JSON.parse((await get(`${server.url}api/input`, '127.0.0.1')).body);
      assert.equal(input.canSave, false);
    } finally {
      await server.close();
    }
    const files = await serve(['examples/003-default-deny-dns']);
    await files.close();
    assert.equal(files.canSave, true);
  });

  test('the CLI: serve and report are in --help; bad --port is a usage error', async () => {
    const help = await runCli(['--help']);
    assert.match(help.stdout, /serve/);
    assert.match(help.stdout, /report/);
    const bad = await runCli(['serve', '-f', 'examples/003-default-deny-dns', '--port', 'http'], { cwd: root });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--port: "http" is not a port number/);
  });
});

describe('netpol serve (process)', () => {
  test('a port in use is exit 2 with a hint, and the command ends (no watcher keeps it running)', async () => {
    const taken = createServer();
    await new Promise<void>((done) => taken.listen(0, '127.0.0.1', done));
    const { port } = taken.address() as AddressInfo;
    try {
      const child = spawn(
        process.execPath,
        [
          join(root, 'packages/cli/bin/netpol.js'),
          'serve',
          '-f',
          'examples/003-default-deny-dns',
          '--port',
          String(port),
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString('utf8');
      });
      const timer = setTimeout(() => child.kill(), 20_000);
      const [code] = (await once(child, 'exit')) as [number | null];
      clearTimeout(timer);
      assert.equal(code, 2, `still running after 20 s (killed): ${stderr}`);
      assert.match(stderr, new RegExp(`--port ${port}: already in use\\nhint: pick another, or --port 0`));
    } finally {
      taken.close();
    }
  });
});

describe('netpol serve in a browser', { skip: browserSkip }, () => {
  const { browser } = useBrowser();

  test('the check panel says what `netpol check` says, on 200 random pairs of the examples', async () => {
    const random = prng(15);
    const page = await browser().newPage();
    const errors = watchErrors(page);
    let asked = 0;
    const perExample = Math.ceil(200 / examples.length);
    for (const example of examples) {
      const matrix = await runCli(['matrix', '-f', example, '-o', 'json'], { cwd: root });
      if (matrix.code !== 0) continue;
      const { endpoints, results } = JSON.parse(matrix.stdout) as {
        endpoints: string[];
        results: { port: number | string; protocol: string }[];
      };
      const names = [...endpoints, '203.0.113.10'];
      const ports = [...results.map((r) => `${r.port}/${r.protocol}`), '8080', '53/UDP'];
      const server = await serve([example]);
      try {
        await page.goto(server.url);
        await page.getByRole('button', { name: 'Check', exact: true }).waitFor();
        for (let k = 0; k < perExample && asked < 200; k++, asked++) {
          const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)] as T;
          const [from, to, port] = [pick(names), pick(names), pick(ports)];
          const args = ['check', '-f', example, '--from', from, '--to', to, '--port', port, '--color', 'never'];
          const text = await runCli(args, { cwd: root });
          const json = await runCli([...args, '-o', 'json'], { cwd: root });
          const where = `${example}: ${from} -> ${to} on ${port}`;
          // The first question of each example goes through Playwright's own typing; the rest
          // in one round trip each (the same DOM events, React state and worker: only faster).
          const shown = k === 0 ? await askByTyping(page, from, to, port) : await ask(page, from, to, port);
          assert.equal(shown.question, `${from}|${to}|${port}`, `${where}: no answer`);
          if (text.code === 2) {
            assert.match(shown.text, /^Cannot check: /, where);
            continue;
          }
          const expected = JSON.parse(json.stdout) as { allowed: boolean };
          const [first, ...rest] = text.stdout.split('\n');
          assert.ok(shown.text.startsWith(expected.allowed ? 'Allowed' : 'Denied'), `${where}: ${shown.text}`);
          assert.ok(shown.text.includes(first?.replace(/^(ALLOWED|DENIED): /, '') ?? '?'), `${where}: ${shown.text}`);
          const cliReasons = rest.map((l) => l.trim()).filter((l) => l !== '');
          assert.deepEqual(
            shown.reasons.filter((l) => l !== ''),
            cliReasons,
            where,
          );
        }
      } finally {
        await server.close();
      }
    }
    assert.equal(asked, 200);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a selection in the graph restyles its node: the graph is not drawn again', async () => {
    const server = await serve(['examples/003-default-deny-dns']);
    const page = await browser().newPage();
    const errors = watchErrors(page);
    try {
      await page.goto(server.url);
      await page.locator('.graph-canvas canvas').first().waitFor();
      await page.getByTestId('graph-summary').getByText('5 workloads in 3 namespaces').waitFor();
      // The page hands its cytoscape instance to tests (window.netpolGraph: cytoscape's public
      // API); the container counts the drawings (data-drawing).
      const drawings = () => page.getAttribute('.graph-canvas', 'data-drawing');
      const before = await drawings();
      assert.ok(Number(before) >= 1);
      // (Returns nothing: a cytoscape collection would be serialized out of the page.)
      const tap = (id: string) =>
        page.evaluate((id) => {
          window.netpolGraph?.getElementById(id).emit('tap');
        }, id);
      const selectedNodes = () =>
        page.evaluate(() => window.netpolGraph?.nodes('.sel-yes').map((n) => n.id()) ?? ['no graph']);
      await tap('app/worker');
      await page
        .locator('section.selection')
        .getByText(/^Traffic to it/)
        .first()
        .waitFor();
      await page.waitForFunction(() => location.hash.includes('sel=pod'));
      assert.deepEqual(await selectedNodes(), ['app/worker']);
      const others = await page.evaluate(
        () =>
          window.netpolGraph
            ?.nodes('.sel-no')
            .filter((n) => !n.isParent())
            .map((n) => n.id()) ?? [],
      );
      const other = others[0] ?? 'no other node';
      await tap(other);
      await page.waitForFunction((id) => decodeURIComponent(location.hash).includes(`sel=pod:${id}`), other);
      await page.waitForFunction((id) => window.netpolGraph?.getElementById(id).hasClass('sel-yes'), other);
      assert.deepEqual(await selectedNodes(), [other]);
      assert.equal(await drawings(), before, 'graph drawn again');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
      await server.close();
    }
  });

  test('graph and matrix render; nothing leaves the origin', async () => {
    const server = await serve(['examples/003-default-deny-dns']);
    const context = await browser().newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    const outside: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (!url.startsWith(server.url) && !url.startsWith('blob:') && !url.startsWith('data:')) {
        outside.push(url);
        return route.abort();
      }
      return route.continue();
    });
    try {
      await page.goto(server.url);
      const summary = page.getByTestId('graph-summary');
      await summary.getByText('5 workloads in 3 namespaces').waitFor();
      await page.locator('.graph-canvas canvas').first().waitFor();
      await page.screenshot({ path: artifactPath('serve-graph.png') });
      await page.getByRole('button', { name: 'Matrix' }).click();
      await page.getByRole('grid', { name: /^Matrix/ }).waitFor();
      await page.screenshot({ path: artifactPath('serve-matrix.png') });
      // Every view, the matrix's pod level and a selection: still nothing but the origin.
      await page.goto(
        `${server.url}#view=matrix&drill=${encodeURIComponent('pods:app|kube-system')}&sel=pod:app/worker`,
      );
      await page.getByText('Pods: app → kube-system').waitFor();
      await page
        .locator('section.selection')
        .getByText(/^Traffic to it/)
        .first()
        .waitFor();
      for (const view of ['Policies', 'Editor', 'Diff', 'Learn', 'Graph']) {
        await page.getByRole('button', { name: view, exact: true }).click();
      }
      await page.getByTestId('graph-summary').waitFor();
      assert.deepEqual(outside, []);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await server.close();
    }
  });
});
