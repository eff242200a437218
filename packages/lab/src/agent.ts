import { appendFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import type { AgentReply, AgentRequest, FqdnSets, ServeRequest } from './agent-protocol.js';
import { type Handle, serveRole } from './agent-roles.js';
import { type Handed, hasPythonFdPassing, socketsWithNode, socketsWithPython } from './agent-sockets.js';
import { answerWithPolicy } from './dns-policy.js';
import { dnsLookup } from './dns-records.js';
import { mapLimit } from './exec.js';

export type { AgentReply, AgentRequest, PortRole, ServeRequest } from './agent-protocol.js';

/**
 * The lab agent: one long-running process that owns the listening sockets of every lab pod
 * (created inside each pod's namespace by a short-lived helper and passed here over IPC),
 * answers them (`agent-roles`: HTTP naming the pod, UDP echo, the cluster DNS), and takes
 * requests on a unix socket from `netpol lab ...` commands: one handler per request.
 */

const HELPER_CONCURRENCY = 6;

class Agent {
  private readonly served = new Map<string, Handle[]>();
  private records: Record<string, string[]> = {};
  private fqdn?: FqdnSets;

  constructor(
    private readonly dir: string,
    private readonly usePython: boolean,
  ) {}

  log(line: string): void {
    try {
      appendFileSync(`${this.dir}/agent.log`, `${new Date().toISOString()} ${line}\n`, { mode: 0o600 });
    } catch {}
  }

  handle(req: AgentRequest): Promise<AgentReply> | AgentReply {
    switch (req.op) {
      case 'ping':
        return { ok: true, pid: process.pid, serving: [...this.served.keys()] };
      case 'dns':
        this.records = req.records;
        this.fqdn = req.fqdn;
        return { ok: true };
      case 'unserve':
        for (const key of req.keys) this.unserve(key);
        return { ok: true };
      case 'serve':
        return this.serve(req.endpoints);
      case 'shutdown':
        setTimeout(() => this.shutdown(), 50);
        return { ok: true };
      default:
        return { ok: false, error: 'unknown request' };
    }
  }

  private async serve(endpoints: readonly ServeRequest[]): Promise<AgentReply> {
    for (const ep of endpoints) this.unserve(ep.key);
    const names = new Map(endpoints.map((ep) => [ep.key, ep.name]));
    const log = (line: string) => this.log(line);
    const answer = answerWithPolicy(
      (name) => dnsLookup(this.records, name),
      () => this.fqdn,
      log,
    );
    const onSocket = (key: string, handle: Handle, role: ServeRequest['ports'][number]['role']) =>
      serveRole(handle, role, names.get(key) ?? key, answer, log);
    const handed: Handed[] = this.usePython
      ? await socketsWithPython(endpoints, onSocket)
      : await mapLimit(endpoints, HELPER_CONCURRENCY, (ep) => socketsWithNode(ep, onSocket));
    const failed: { key: string; error: string }[] = [];
    for (const h of handed) {
      if (h.error === undefined) this.served.set(h.key, h.handles);
      else {
        for (const socket of h.handles) socket.close();
        failed.push({ key: h.key, error: h.error });
        this.log(`serve ${h.key} failed: ${h.error}`);
      }
    }
    return { ok: failed.length === 0, failed };
  }

  private unserve(key: string): void {
    for (const h of this.served.get(key) ?? []) {
      try {
        h.close();
      } catch {}
    }
    this.served.delete(key);
  }

  shutdown(): never {
    for (const key of [...this.served.keys()]) this.unserve(key);
    rmSync(`${this.dir}/agent.sock`, { force: true });
    this.log('agent stopped');
    process.exit(0);
  }
}

export async function runAgent(stateDirPath: string): Promise<void> {
  // NETPOL_LAB_HELPER=node forces the portable (slower) helper per pod.
  const usePython = process.env.NETPOL_LAB_HELPER !== 'node' && (await hasPythonFdPassing());
  const agent = new Agent(stateDirPath, usePython);
  const socketPath = `${stateDirPath}/agent.sock`;
  rmSync(socketPath, { force: true });
  const control = net.createServer((conn) => answerRequest(conn, (req) => agent.handle(req)));
  process.on('SIGTERM', () => agent.shutdown());
  process.on('SIGINT', () => agent.shutdown());
  writeFileSync(`${stateDirPath}/agent.pid`, String(process.pid), { mode: 0o600 });
  // An agent whose lab is gone (down after a crash, state removed) stops by itself.
  setInterval(() => {
    if (!existsSync(`${stateDirPath}/state.json`)) agent.shutdown();
  }, 2000).unref();
  await new Promise<void>((resolve) => control.listen(socketPath, resolve));
  agent.log(`agent ${process.pid} listening on ${socketPath} (${usePython ? 'python3' : 'node'} socket helpers)`);
}

/** One JSON request line in, one JSON reply line out, then the connection ends. */
function answerRequest(conn: net.Socket, handle: (req: AgentRequest) => Promise<AgentReply> | AgentReply): void {
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
    Promise.resolve()
      .then(() => handle(req))
      .then(
        (reply) => conn.end(`${JSON.stringify(reply)}\n`),
        (error: unknown) => conn.end(`${JSON.stringify({ ok: false, error: String(error) })}\n`),
      );
  });
}
