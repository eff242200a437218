import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after } from 'node:test';
import { loadDocuments } from '@netpol/core';
import { run } from '../run.js';
import { cliSandbox, fakeIo } from '../test-helpers.js';
import { FOREIGN_POLICY_RESOURCES, LIVE_RESOURCES, type LiveResource } from './resources.js';

export interface FakeApiOptions {
  /** Manifests (YAML) the server holds; items are served without kind/apiVersion, as lists are. */
  manifests: string;
  token: string;
  /** Plurals answered 403 / 404. */
  forbidden?: readonly string[];
  missing?: readonly string[];
  /** Items per page, whatever `limit` asks (servers may send fewer): forces `continue`. */
  pageSize?: number;
  /** Never answer (for timeouts). */
  hang?: boolean;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

export interface SeenRequest {
  method: string;
  url: string;
  authorization?: string;
}

/**
 * A fake API server on 127.0.0.1 (an ephemeral port; closed after the test file): LIST for
 * the kinds netpol reads, paged, all namespaces or one. Any verb but GET gets 405 and is
 * recorded, so a test can assert that only GETs were ever sent.
 */
export async function startFakeApi(options: FakeApiOptions) {
  // Keyed by apiVersion and plural: Calico's and Antrea's `networkpolicies` are other lists.
  const RESOURCES = [...LIVE_RESOURCES, ...FOREIGN_POLICY_RESOURCES];
  const byPlural = new Map<string, Record<string, unknown>[]>();
  const keyOf = (r: LiveResource) => `${r.apiVersion} ${r.plural}`;
  for (const object of loadDocuments({ name: 'fixture', text: options.manifests }).value) {
    const resource =
      RESOURCES.find((r) => r.kind === object.kind && r.apiVersion === object.apiVersion) ??
      LIVE_RESOURCES.find((r) => r.kind === object.kind);
    if (!resource) throw new Error(`fixture: no resource for ${object.kind}`);
    const { kind: _kind, apiVersion: _apiVersion, ...item } = object.value;
    byPlural.set(keyOf(resource), [...(byPlural.get(keyOf(resource)) ?? []), item]);
  }
  const requests: SeenRequest[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    if (options.hang) return;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const status = (code: number, reason: string, message: string) =>
      send(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });
    if (req.method !== 'GET') return status(405, 'MethodNotAllowed', 'read-only fake');
    if (req.headers.authorization !== `Bearer ${options.token}`) return status(401, 'Unauthorized', 'Unauthorized');
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))(?:\/namespaces\/([^/]+))?\/([a-z]+)$/.exec(url.pathname);
    const apiVersion = match?.[1] ?? match?.[2];
    const resource = RESOURCES.find((r) => r.plural === match?.[4] && r.apiVersion === apiVersion);
    if (!match || !resource) return status(404, 'NotFound', 'the server could not find the requested resource');
    if (options.forbidden?.includes(resource.plural)) {
      return status(
        403,
        'Forbidden',
        `${resource.plural} is forbidden: User "tester" cannot list resource "${resource.plural}" at the cluster scope`,
      );
    }
    if (options.missing?.includes(resource.plural)) {
      return status(404, 'NotFound', 'the server could not find the requested resource');
    }
    const namespace = match[3] ? decodeURIComponent(match[3]) : undefined;
    const all = (byPlural.get(keyOf(resource)) ?? []).filter(
      (item) => namespace === undefined || (item.metadata as { namespace?: string }).namespace === namespace,
    );
    const limit = Math.min(Number(url.searchParams.get('limit') ?? all.length), options.pageSize ?? all.length);
    const start = Number(url.searchParams.get('continue') ?? 0);
    const end = start + Math.max(limit, 1);
    send(200, {
      kind: `${resource.kind}List`,
      apiVersion: resource.apiVersion,
      metadata: { resourceVersion: '42', ...(end < all.length ? { continue: String(end) } : {}) },
      items: all.slice(start, end),
    });
  };
  const server = options.tls ? createHttpsServer(options.tls, handle) : createHttpServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  after(close);
  const { port } = server.address() as AddressInfo;
  return { url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, requests, close };
}

export interface KubeconfigContext {
  name: string;
  server: string;
  token?: string;
  caData?: string;
  /** An exec credential plugin: command and arguments. */
  exec?: { command: string; args: string[] };
  /** The context names no user. */
  anonymous?: boolean;
}

/** A kubeconfig file with these contexts (one cluster and one user each). */
export function writeKubeconfig(path: string, contexts: KubeconfigContext[], current?: string): string {
  const lines = ['apiVersion: v1', 'kind: Config', `current-context: ${JSON.stringify(current ?? '')}`, 'clusters:'];
  for (const c of contexts) {
    lines.push(`- name: ${c.name}`, '  cluster:', `    server: ${c.server}`);
    if (c.caData) lines.push(`    certificate-authority-data: ${c.caData}`);
  }
  lines.push('users:');
  for (const c of contexts) {
    lines.push(`- name: ${c.name}`, '  user:');
    if (c.token) lines.push(`    token: ${c.token}`);
    if (c.exec) {
      lines.push(
        '    exec:',
        '      apiVersion: client.authentication.k8s.io/v1',
        `      command: ${JSON.stringify(c.exec.command)}`,
        `      args: ${JSON.stringify(c.exec.args)}`,
        '      interactiveMode: Never',
      );
    }
  }
  lines.push('contexts:');
  for (const c of contexts)
    lines.push(`- name: ${c.name}`, '  context:', `    cluster: ${c.name}`, `    user: ${c.name}`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

export const TOKEN = 'sekret-token-1';

/** A fixture from ./fixtures. */
export const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/**
 * A temporary directory holding cluster.yaml (the fixture cluster) and wider.yaml (a policy
 * that replaces its backend-ingress), `netpol(...argv)` run there (HOME is that directory, so
 * no real ~/.kube/config is read), and `liveCluster()`: a fake API server serving the fixture
 * (2 items a page) with a kubeconfig whose context `test` points at it.
 */
export function liveSandbox(prefix: string) {
  const { dir } = cliSandbox(prefix);
  const manifests = fixture('cluster.yaml');
  writeFileSync(join(dir, 'cluster.yaml'), manifests);
  writeFileSync(join(dir, 'wider.yaml'), fixture('wider-policy.yaml'));
  const netpol = async (argv: string[], options: { program?: string; env?: Record<string, string> } = {}) => {
    const f = fakeIo({ cwd: dir, env: { NO_COLOR: '1', HOME: dir, ...options.env } });
    if (options.program) f.io.program = options.program;
    const code = await run(argv, f.io);
    return { code, out: f.stdout(), err: f.stderr() };
  };
  let configs = 0;
  const kubeconfig = (contexts: KubeconfigContext[], current?: string) =>
    writeKubeconfig(join(dir, `kubeconfig-${++configs}`), contexts, current);
  const liveCluster = async (options: Partial<FakeApiOptions> = {}, token = TOKEN) => {
    const api = await startFakeApi({ manifests, token: TOKEN, pageSize: 2, ...options });
    return { api, kubeconfig: kubeconfig([{ name: 'test', server: api.url, token }], 'test') };
  };
  return { dir, manifests, netpol, kubeconfig, liveCluster };
}

/** Every request was a GET carrying the test token (and there was at least one). */
export function assertOnlyGets(requests: readonly SeenRequest[]) {
  assert.ok(requests.length > 0, 'the fake API server saw no request');
  assert.deepEqual([...new Set(requests.map((r) => r.method))], ['GET']);
  assert.ok(requests.every((r) => r.authorization === `Bearer ${TOKEN}`));
}
