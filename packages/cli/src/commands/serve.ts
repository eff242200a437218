import { spawn } from 'node:child_process';
import { type FSWatcher, watch, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { loadCluster, type SourceFile } from '@netpol/core';
import { type Io, UsageError } from '../io.js';
import type { LiveOptions } from '../live/live-options.js';
import { readSources } from '../read-sources.js';
import { type PageInput, readWebAssets, type WebAssets } from './web-assets.js';

export interface ServeOptions {
  file: string[];
  recursive?: boolean;
  live?: LiveOptions;
  /** `--port`: 0 or absent picks a free one. */
  port?: string;
  open?: boolean;
  /** `--base PATH`: the version the Diff view compares against. */
  base?: string;
  namespace: string;
}

export interface RunningServer {
  url: string;
  /** Some input is a plain file the page may save back. */
  canSave: boolean;
  close(): Promise<void>;
}

// The page loads only from itself; the engine worker is a blob: (or data:) URL of inline code.
const CSP =
  "default-src 'self'; script-src 'self'; worker-src blob: data:; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** `netpol serve`: the web UI on 127.0.0.1 until interrupted. */
export async function serveCommand(options: ServeOptions, io: Io): Promise<number> {
  const server = await startServer(options, io);
  io.stdout.write(`${server.url}\n`);
  io.stderr.write(
    server.canSave
      ? 'netpol serve: read-only until you press Save in the Editor; Ctrl-C stops\n'
      : 'netpol serve: read-only (a live cluster, stdin or git: input cannot be saved: edits in the page are what-if only); Ctrl-C stops\n',
  );
  if (options.open) openBrowser(server.url);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port: "${text}" is not a port number (0-65535)`);
  return port;
}

/** What the server serves and may change: the inputs as read, which of them may be saved, its pages. */
interface ServedState {
  files: SourceFile[];
  base?: SourceFile[];
  /** Bumped on every reload; pages ask again when theirs is older. */
  version: number;
  /** Only plain files read from disk can be saved back (not stdin, git: or the live cluster). */
  writable: Set<string>;
  /** Pages listening for reloads (server-sent events). */
  clients: Set<ServerResponse>;
  /** `http://127.0.0.1:<port>`, once listening: only pages from it may save. */
  origin: string;
}

/** Starts the server (tests call this and `close()`). */
export async function startServer(options: ServeOptions, io: Io): Promise<RunningServer> {
  const port = parsePort(options.port);
  const assets = readWebAssets();
  const files = await readSources(options, io, options.namespace);
  const state: ServedState = {
    files,
    // Read like the input (-R or not), also when BASE is a git: path (which alone would recurse):
    // otherwise the Diff view closes what the input's unread subfolders allow.
    base: options.base
      ? await readSources({ file: [options.base], recursive: options.recursive === true }, io)
      : undefined,
    version: 1,
    writable: new Set(
      files
        .filter((f) => f.name !== '-' && !f.name.startsWith('git:') && !f.name.startsWith('cluster:'))
        .map((f) => f.name),
    ),
    clients: new Set(),
    origin: '',
  };
  noteIssues(state.files, options.namespace, io);
  const input = (): PageInput => ({
    mode: 'serve',
    files: state.files,
    base: state.base,
    ...(options.base ? { baseName: options.base, headName: options.file.join(' ') } : {}),
    namespace: options.namespace,
    canSave: state.writable.size > 0,
    version: state.version,
  });
  const server = createServer((req, res) => {
    route(req, res, assets, input, state, io).catch((error: Error) =>
      send(res, 500, 'text/plain', `netpol serve: ${error.message}\n`),
    );
  });
  // Listening first: a port in use is exit 2, and no file watcher is left to keep it running.
  const address = await listen(server, port);
  state.origin = `http://127.0.0.1:${address.port}`;
  const reload = reloader(options, io, state);
  const watchers = watchInputs(options, io, reload.schedule);
  return {
    url: `${state.origin}/`,
    canSave: state.writable.size > 0,
    close: async () => {
      reload.cancel();
      for (const w of watchers) w.close();
      for (const client of state.clients) client.end();
      await closeServer(server);
    },
  };
}

/** The page, its assets, the input as JSON, reload events, and saving. */
async function route(
  req: IncomingMessage,
  res: ServerResponse,
  assets: WebAssets,
  input: () => PageInput,
  state: ServedState,
  io: Io,
): Promise<void> {
  // DNS rebinding: a page of evil.example resolving to 127.0.0.1 still sends its own Host.
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  if (host !== '127.0.0.1' && host !== 'localhost') {
    send(
      res,
      403,
      'text/plain',
      `netpol serve: Host "${req.headers.host ?? ''}" refused: only localhost and 127.0.0.1\n`,
    );
    return;
  }
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && (path === '/' || path === '/index.html'))
    return send(res, 200, 'text/html', assets.indexHtml);
  if (req.method === 'GET' && path === '/app.js') return send(res, 200, 'text/javascript', assets.appJs);
  if (req.method === 'GET' && path === '/app.css') return send(res, 200, 'text/css', assets.appCss);
  if (req.method === 'GET' && path === '/api/input') return send(res, 200, 'application/json', JSON.stringify(input()));
  if (req.method === 'GET' && path === '/api/events') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write(': netpol\n\n');
    state.clients.add(res);
    req.on('close', () => state.clients.delete(res));
    return;
  }
  if (req.method === 'POST' && path === '/api/save') return save(req, res, state, io);
  send(res, 404, 'text/plain', 'not found\n');
}

/** Writes the files the page sends back: only input files, only from our own page. */
async function save(req: IncomingMessage, res: ServerResponse, state: ServedState, io: Io): Promise<void> {
  // Another site's page may POST here: only our own page (same origin, JSON body) may save.
  const from = req.headers.origin;
  if (
    (from !== undefined && from !== state.origin) ||
    !String(req.headers['content-type']).startsWith('application/json')
  ) {
    return send(res, 403, 'text/plain', 'netpol serve: save refused: not from the netpol page\n');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 << 20) return send(res, 413, 'text/plain', 'netpol serve: save refused: over 64 MiB\n');
    chunks.push(chunk as Buffer);
  }
  let body: { files?: { name?: unknown; text?: unknown }[] };
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return send(res, 400, 'text/plain', 'netpol serve: save refused: the body is not JSON\n');
  }
  const files = (body.files ?? []).filter(
    (f): f is SourceFile => typeof f.name === 'string' && typeof f.text === 'string',
  );
  const refused = files.filter((f) => !state.writable.has(f.name)).map((f) => f.name);
  if (refused.length > 0)
    return send(res, 403, 'text/plain', `netpol serve: not an input file: ${refused.join(', ')}\n`);
  for (const f of files) {
    writeFileSync(resolve(io.cwd, f.name), f.text);
    io.stderr.write(`netpol serve: saved ${f.name}\n`);
  }
  send(res, 200, 'application/json', JSON.stringify({ saved: files.map((f) => f.name) }));
}

/** Reload on change: re-read every input (150 ms after the last change), tell the pages. */
function reloader(options: ServeOptions, io: Io, state: ServedState): { schedule: () => void; cancel: () => void } {
  let pending: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      try {
        const files = await readSources(
          { file: options.file, recursive: options.recursive },
          quiet(io),
          options.namespace,
        );
        if (JSON.stringify(files) === JSON.stringify(state.files)) return;
        state.files = options.live ? [...state.files.filter((f) => !state.writable.has(f.name)), ...files] : files;
        state.version++;
        for (const client of state.clients) client.write(`event: changed\ndata: ${state.version}\n\n`);
      } catch {
        // A file half-written or deleted: the next change event reloads.
      }
    }, 150);
  };
  return { schedule, cancel: () => clearTimeout(pending) };
}

/** A watcher per `-f` path that can be watched (not stdin, not git:). */
function watchInputs(options: ServeOptions, io: Io, onChange: () => void): FSWatcher[] {
  const watchers: FSWatcher[] = [];
  for (const path of options.file ?? []) {
    if (path === '-' || path.startsWith('git:')) continue;
    try {
      watchers.push(watch(resolve(io.cwd, path), { recursive: options.recursive ?? false }, onChange));
    } catch {
      // Not watchable (a special file): no live reload for it.
    }
  }
  return watchers;
}

/** Listens on 127.0.0.1 only; a port in use is a usage error. */
async function listen(server: Server, port: number): Promise<AddressInfo> {
  await new Promise<void>((done, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'EADDRINUSE'
          ? new UsageError(`--port ${port}: already in use`, 'pick another, or --port 0')
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', done);
  });
  return server.address() as AddressInfo;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': `${type}; charset=utf-8`,
    'cache-control': 'no-store',
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
}

/** The page shows every issue at its line; the terminal gets one summary line. */
function noteIssues(files: SourceFile[], namespace: string, io: Io): void {
  const { issues } = loadCluster(files, { defaultNamespace: namespace });
  const errors = issues.filter((i) => i.severity === 'error').length;
  if (errors > 0) {
    io.stderr.write(
      `netpol serve: note: ${errors} error${errors === 1 ? '' : 's'} in the input: the objects with errors are left out; the Editor shows each at its line\n`,
    );
  }
}

function quiet(io: Io): Io {
  return { ...io, stderr: { write: () => undefined } };
}

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    spawn(command, [url], { stdio: 'ignore', detached: true })
      .on('error', () => undefined)
      .unref();
  } catch {
    // No browser here: the URL is on stdout.
  }
}

export type { WebAssets };
