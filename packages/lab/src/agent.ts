import { spawn } from 'node:child_process';
import type { Socket as UdpSocket } from 'node:dgram';
import { appendFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { buildAnswer, formatError, parseQuery } from './dns-message.js';
import { dnsLookup } from './dns-records.js';

/**
 * The lab agent: one long-running process that owns the listening sockets of every lab pod
 * (created inside each pod's namespace by a short-lived helper and passed here over IPC),
 * answers them (TCP: a tiny HTTP server naming the pod; UDP: echo; DNS pods: the cluster
 * DNS), and takes requests on a unix socket from `netpol lab ...` commands.
 */

export type PortRole = 'http' | 'echo' | 'dns';

export interface ServeRequest {
  /** Pod id `ns/name`, or `@outside/<host>` (never a pod id). */
  key: string;
  netns: string;
  /** What HTTP answers with. */
  name: string;
  ports: { port: number; protocol: 'TCP' | 'UDP'; role: PortRole }[];
}

export type AgentRequest =
  | { op: 'ping' }
  | { op: 'serve'; endpoints: ServeRequest[] }
  | { op: 'unserve'; keys: string[] }
  | { op: 'dns'; records: Record<string, string[]> }
  | { op: 'shutdown' };

export interface AgentReply {
  ok: boolean;
  error?: string;
  pid?: number;
  failed?: { key: string; error: string }[];
  serving?: string[];
}

interface Served {
  handles: (net.Server | UdpSocket)[];
}

const HELPER_CONCURRENCY = 6;

export async function runAgent(stateDirPath: string): Promise<void> {
  const log = (line: string) => {
    try {
      appendFileSync(`${stateDirPath}/agent.log`, `${new Date().toISOString()} ${line}\n`);
    } catch {}
  };
  const served = new Map<string, Served>();
  let records: Record<string, string[]> = {};
  const helper = `${stateDirPath}/serve-helper.cjs`;
  // NETPOL_LAB_HELPER=node forces the portable (slower) helper per pod.
  const usePython = process.env.NETPOL_LAB_HELPER !== 'node' && (await hasPythonFdPassing());

  const attach = (handle: net.Server | UdpSocket, role: PortRole, name: string) => {
    if (handle instanceof net.Server) {
      handle.on('connection', (socket) => {
        socket.setTimeout(10_000, () => socket.destroy());
        socket.on('error', () => {});
        if (role === 'dns') serveDnsTcp(socket, () => records);
        else {
          socket.once('data', () => {
            const body = `${name}\n`;
            socket.end(
              `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
            );
          });
        }
      });
      handle.on('error', (e) => log(`tcp error ${name}: ${e.message}`));
    } else {
      handle.on('message', (msg, rinfo) => {
        if (role === 'dns') {
          const q = parseQuery(msg);
          const reply = q ? buildAnswer(q, (n) => dnsLookup(records, n)) : formatError(msg);
          if (reply) handle.send(reply, rinfo.port, rinfo.address);
        } else handle.send(msg, rinfo.port, rinfo.address);
      });
      handle.on('error', (e) => log(`udp error ${name}: ${e.message}`));
    }
  };

  const serveOne = (req: ServeRequest): Promise<string | undefined> =>
    new Promise((resolve) => {
      const handles: (net.Server | UdpSocket)[] = [];
      const errors: string[] = [];
      let expected = -1;
      let finished = false;
      const child = spawn('ip', ['netns', 'exec', req.netns, process.execPath, helper], {
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        env: { PATH: process.env.PATH, NP_SPEC: JSON.stringify({ ports: req.ports }) },
      });
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
      });
      const finish = (error?: string) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        if (error) for (const h of handles) h.close();
        else served.set(req.key, { handles });
        try {
          child.send('bye');
        } catch {}
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
        resolve(error);
      };
      const check = () => {
        if (expected >= 0 && handles.length >= expected) {
          finish(errors.length ? errors.join('; ') : undefined);
        }
      };
      const timer = setTimeout(() => finish(`helper timed out in ${req.netns}: ${stderr.trim()}`), 20_000);
      child.on(
        'message',
        (
          msg: { kind: string; port?: number; protocol?: string; role?: PortRole; error?: string; handed?: number },
          handle,
        ) => {
          if (msg.kind === 'socket' && handle) {
            const h = handle as net.Server | UdpSocket;
            handles.push(h);
            attach(h, msg.role ?? 'http', req.name);
          } else if (msg.kind === 'error') errors.push(`${msg.port}/${msg.protocol}: ${msg.error}`);
          else if (msg.kind === 'done') expected = msg.handed ?? 0;
          check();
        },
      );
      child.on('exit', (code) => {
        if (!finished) setTimeout(() => finish(`helper exited ${code} in ${req.netns}: ${stderr.trim()}`), 200);
      });
      child.on('error', (e) => finish(e.message));
    });

  /** One python3 process for a whole batch (see SERVE_HELPER_PY). */
  const serveBatchPy = (reqs: ServeRequest[]): Promise<{ key: string; error: string }[]> =>
    new Promise((resolve) => {
      interface Pending {
        req: ServeRequest;
        handles: (net.Server | UdpSocket)[];
        errors: string[];
        expected: number;
      }
      const pending = new Map<string, Pending>(
        reqs.map((req) => [req.key, { req, handles: [], errors: [], expected: -1 }]),
      );
      let allDone = false;
      let finished = false;
      let stderr = '';
      const child = spawn('python3', [`${stateDirPath}/serve-helper.py`], {
        stdio: ['pipe', 'ignore', 'pipe', 'ipc'],
        env: { PATH: process.env.PATH },
      });
      child.stderr?.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
      });
      child.stdin?.end(JSON.stringify({ endpoints: reqs.map(({ key, netns, ports }) => ({ key, netns, ports })) }));
      const finish = (reason?: string) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        const failed: { key: string; error: string }[] = [];
        for (const p of pending.values()) {
          const complete = p.expected >= 0 && p.handles.length >= p.expected;
          if (complete) served.set(p.req.key, { handles: p.handles });
          else for (const h of p.handles) h.close();
          if (!complete || p.errors.length) {
            failed.push({
              key: p.req.key,
              error: [...p.errors, ...(complete ? [] : [reason ?? 'incomplete'])].join('; '),
            });
          }
        }
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
        resolve(failed);
      };
      const check = () => {
        if (allDone && [...pending.values()].every((p) => p.expected >= 0 && p.handles.length >= p.expected)) finish();
      };
      const timer = setTimeout(() => finish(`helper timed out: ${stderr.trim()}`), 20_000 + 50 * reqs.length);
      child.on(
        'message',
        (msg: { kind: string; key?: string; role?: PortRole; error?: string; handed?: number }, handle) => {
          const p = msg.key ? pending.get(msg.key) : undefined;
          if (msg.kind === 'socket' && p && handle) {
            const h = handle as net.Server | UdpSocket;
            p.handles.push(h);
            attach(h, msg.role ?? 'http', p.req.name);
          } else if (msg.kind === 'error' && p) p.errors.push(msg.error ?? 'error');
          else if (msg.kind === 'done' && p) p.expected = msg.handed ?? 0;
          else if (msg.kind === 'all-done') allDone = true;
          check();
        },
      );
      child.on('exit', (code) => {
        if (!finished) setTimeout(() => finish(`helper exited ${code}: ${stderr.trim()}`), 500);
      });
      child.on('error', (e) => finish(e.message));
    });

  const unserve = (key: string) => {
    const s = served.get(key);
    if (!s) return;
    for (const h of s.handles) {
      try {
        h.close();
      } catch {}
    }
    served.delete(key);
  };

  const handle = async (req: AgentRequest): Promise<AgentReply> => {
    switch (req.op) {
      case 'ping':
        return { ok: true, pid: process.pid, serving: [...served.keys()] };
      case 'dns':
        records = req.records;
        return { ok: true };
      case 'unserve':
        for (const key of req.keys) unserve(key);
        return { ok: true };
      case 'serve': {
        for (const ep of req.endpoints) unserve(ep.key);
        if (usePython) {
          const failed = await serveBatchPy(req.endpoints);
          for (const f of failed) log(`serve ${f.key} failed: ${f.error}`);
          return { ok: failed.length === 0, failed };
        }
        const failed: { key: string; error: string }[] = [];
        let next = 0;
        const worker = async () => {
          while (next < req.endpoints.length) {
            const ep = req.endpoints[next++];
            unserve(ep.key);
            const error = await serveOne(ep);
            if (error) {
              failed.push({ key: ep.key, error });
              log(`serve ${ep.key} failed: ${error}`);
            }
          }
        };
        await Promise.all(Array.from({ length: Math.min(HELPER_CONCURRENCY, req.endpoints.length) }, worker));
        return { ok: failed.length === 0, failed };
      }
      case 'shutdown':
        setTimeout(() => shutdown(), 50);
        return { ok: true };
      default:
        return { ok: false, error: 'unknown request' };
    }
  };

  const socketPath = `${stateDirPath}/agent.sock`;
  rmSync(socketPath, { force: true });
  const control = net.createServer((conn) => {
    let buffer = '';
    conn.setEncoding('utf8');
    conn.on('error', () => {});
    conn.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      const line = buffer.slice(0, nl);
      buffer = '';
      let req: AgentRequest;
      try {
        req = JSON.parse(line) as AgentRequest;
      } catch {
        conn.end(`${JSON.stringify({ ok: false, error: 'bad request' })}\n`);
        return;
      }
      handle(req).then(
        (reply) => conn.end(`${JSON.stringify(reply)}\n`),
        (error: unknown) => conn.end(`${JSON.stringify({ ok: false, error: String(error) })}\n`),
      );
    });
  });
  const shutdown = () => {
    for (const key of [...served.keys()]) unserve(key);
    control.close();
    rmSync(socketPath, { force: true });
    log('agent stopped');
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  writeFileSync(`${stateDirPath}/agent.pid`, String(process.pid));
  // An agent whose lab is gone (down after a crash, state removed) stops by itself.
  setInterval(() => {
    if (!existsSync(`${stateDirPath}/state.json`)) shutdown();
  }, 2000).unref();
  await new Promise<void>((resolve) => control.listen(socketPath, resolve));
  log(`agent ${process.pid} listening on ${socketPath} (${usePython ? 'python3' : 'node'} socket helpers)`);
}

function hasPythonFdPassing(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-c', 'import socket, ctypes; socket.send_fds'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}

/** DNS over TCP: each message is prefixed with its 2-byte length. */
function serveDnsTcp(socket: net.Socket, records: () => Record<string, string[]>): void {
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 2) {
      const len = buffer.readUInt16BE(0);
      if (buffer.length < 2 + len) break;
      const msg = buffer.subarray(2, 2 + len);
      buffer = buffer.subarray(2 + len);
      const q = parseQuery(msg);
      const reply = q ? buildAnswer(q, (n) => dnsLookup(records(), n)) : formatError(msg);
      if (reply) {
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(reply.length, 0);
        socket.write(Buffer.concat([prefix, reply]));
      }
    }
  });
}
