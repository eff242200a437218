import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { Protocol } from '@netpol/core';
import { first } from '@netpol/core';
import { closeNftSession } from './nft-session.js';

/**
 * Test utility: a tiny lab of the shared topology (packages/lab/README.md, "Layout on the machine") for the
 * dataplane's own tests and benchmark. A node netns with no uplink and forwarding on; per
 * endpoint a netns with `eth0` (its IP/32, default via 198.18.0.1 onlink) and a node-side veth
 * holding 198.18.0.1/32 with proxy ARP and a /32 route. Every name starts with `np-<labid>-`;
 * `destroy` removes exactly what `create` made and stops the servers it started.
 */

const exec = promisify(execFile);
export const GATEWAY = '198.18.0.1';

/** Why lab tests cannot run here, or undefined when they can. */
export async function labUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'needs root (network namespaces and nftables)';
  for (const [cmd, args] of [
    ['ip', ['-V']],
    ['nft', ['--version']],
  ] as const) {
    try {
      await exec(cmd, [...args]);
    } catch {
      return `\`${cmd}\` is not installed (iproute2 / nftables)`;
    }
  }
  return undefined;
}

let runs = 0;
/** A lab id unique to this process and call: `dp<pid>-r<n>` (namespaces `np-dp<pid>-r<n>-...`). */
export function uniqueLabId(tag = 'dp'): string {
  runs += 1;
  return `${tag}${process.pid}-r${runs}`;
}

/**
 * Remove namespaces a killed earlier run of ours left: `np-<tag><pid>-...` where no process
 * `<pid>` runs any more. Never touches another tag's or a live process's namespaces.
 */
export async function sweepStaleLabs(tag = 'dp'): Promise<string[]> {
  const { stdout } = await exec('ip', ['netns', 'list']);
  const removed: string[] = [];
  for (const line of stdout.split('\n')) {
    const name = first(line.split(' '));
    const match = new RegExp(`^np-${tag}(\\d+)-r\\d+-[a-z0-9]+$`).exec(name);
    if (!match || Number(match[1]) === process.pid) continue;
    try {
      process.kill(Number(match[1]), 0);
    } catch {
      await exec('ip', ['netns', 'del', name]).catch(() => {});
      removed.push(name);
    }
  }
  return removed;
}

export interface TopologyEndpoint {
  ip: string;
  kind: 'pod' | 'external';
  /** Reported by its servers (e.g. the pod id). */
  name: string;
}

export interface ProbeTarget {
  ip: string;
  port: number;
  protocol: Protocol;
}

export interface ProbeResult {
  /** The destination answered at all (accepted, or refused with RST / ICMP). */
  answered: boolean;
  /** The name the answering server sent, when it sent one. */
  server?: string;
}

async function ip(args: string[], input?: string): Promise<void> {
  if (input === undefined) {
    await exec('ip', args);
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn('ip', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ip ${args.join(' ')}: ${stderr}`))));
    child.stdin.end(input);
  });
}

const SERVER = `
const [name, tcp, udp] = [process.argv[1], JSON.parse(process.argv[2]), JSON.parse(process.argv[3])];
const net = require('node:net'), dgram = require('node:dgram');
let pending = tcp.length + udp.length;
const ready = () => { if (--pending === 0) process.stdout.write('ready\\n'); };
if (pending === 0) ready();
for (const p of tcp) net.createServer((s) => { s.on('error', () => {}); s.end(name + '\\n'); }).listen(p, '0.0.0.0', ready);
for (const p of udp) {
  const s = dgram.createSocket('udp4');
  s.on('message', (m, r) => s.send(name, r.port, r.address));
  s.bind(p, '0.0.0.0', ready);
}
`;

const PROBE = `
const net = require('node:net'), dgram = require('node:dgram');
const targets = JSON.parse(process.argv[1]);
const timeout = Number(process.argv[2]);
function tcp(t) {
  return new Promise((resolve) => {
    let answered = false, data = '';
    const s = net.connect({ host: t.ip, port: t.port });
    const done = () => { clearTimeout(timer); s.destroy(); resolve({ answered, server: data.trim() || undefined }); };
    let timer = setTimeout(done, timeout);
    // Connected: the server's name gets a window of its own (a loaded machine can connect
    // just before the timeout and leave the name unread: answered, but by whom?).
    s.on('connect', () => { answered = true; clearTimeout(timer); timer = setTimeout(done, timeout); });
    s.on('data', (d) => { data += d; });
    s.on('end', done);
    s.on('error', (e) => { if (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET') answered = true; done(); });
  });
}
function udp(t) {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    let finished = false;
    const done = (r) => { if (finished) return; finished = true; clearTimeout(timer); try { s.close(); } catch {} resolve(r); };
    const timer = setTimeout(() => done({ answered: false }), timeout);
    s.on('message', (m) => done({ answered: true, server: String(m) }));
    s.on('error', (e) => done({ answered: e.code === 'ECONNREFUSED' }));
    s.connect(t.port, t.ip, () => s.send('?'));
  });
}
Promise.all(targets.map((t) => (t.protocol === 'UDP' ? udp(t) : tcp(t)))).then((r) => process.stdout.write(JSON.stringify(r)));
`;

export class TestTopology {
  readonly node: string;
  private readonly netns: string[] = [];
  private readonly servers: ChildProcess[] = [];
  /** Endpoint IP → its netns. */
  readonly netnsOf = new Map<string, string>();

  private constructor(readonly labId: string) {
    this.node = `np-${labId}-node`;
  }

  /**
   * Build the topology; on any failure everything made so far is removed again. `beforeLinks`
   * runs once the node netns exists and before any endpoint is linked (to apply a ruleset first).
   */
  static async create(
    labId: string,
    endpoints: readonly TopologyEndpoint[],
    beforeLinks?: (node: string) => Promise<void>,
  ): Promise<TestTopology> {
    if (!/^[a-z0-9-]{1,24}$/.test(labId)) throw new Error(`bad lab id ${labId}`);
    const topo = new TestTopology(labId);
    try {
      await ip(['netns', 'add', topo.node]);
      topo.netns.push(topo.node);
      await beforeLinks?.(topo.node);
      const nodeBatch: string[] = [];
      const sysctls = ['net.ipv4.ip_forward=1'];
      let pods = 0;
      let externals = 0;
      for (const e of endpoints) {
        const n = e.kind === 'pod' ? pods++ : externals++;
        const ns = `np-${labId}-${e.kind === 'pod' ? 'p' : 'x'}${n}`;
        const veth = `${e.kind === 'pod' ? 'vp' : 'vx'}${n}`;
        await ip(['netns', 'add', ns]);
        topo.netns.push(ns);
        topo.netnsOf.set(e.ip, ns);
        await ip(['-n', topo.node, 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
        await ip(
          ['-n', ns, '-batch', '-'],
          [
            'link set lo up',
            `addr add ${e.ip}/32 dev eth0`,
            'link set eth0 up',
            `route add default via ${GATEWAY} dev eth0 onlink`,
            '',
          ].join('\n'),
        );
        nodeBatch.push(`addr add ${GATEWAY}/32 dev ${veth}`, `link set ${veth} up`, `route add ${e.ip}/32 dev ${veth}`);
        sysctls.push(`net.ipv4.conf.${veth}.proxy_arp=1`);
      }
      await ip(['-n', topo.node, '-batch', '-'], `link set lo up\n${nodeBatch.join('\n')}\n`);
      await exec('ip', ['netns', 'exec', topo.node, 'sysctl', '-q', '-w', ...sysctls]);
      return topo;
    } catch (error) {
      await topo.destroy();
      throw error;
    }
  }

  /** Start one server per endpoint answering its name on every given TCP and UDP port. */
  async startServers(endpoints: readonly TopologyEndpoint[], tcp: number[], udp: number[]): Promise<void> {
    await Promise.all(
      endpoints.map(
        (e) =>
          new Promise<void>((resolve, reject) => {
            const ns = this.netnsOf.get(e.ip) as string;
            const child = spawn(
              'ip',
              ['netns', 'exec', ns, process.execPath, '-e', SERVER, e.name, JSON.stringify(tcp), JSON.stringify(udp)],
              { stdio: ['ignore', 'pipe', 'pipe'] },
            );
            this.servers.push(child);
            const timer = setTimeout(() => reject(new Error(`server in ${ns} did not start`)), 15_000);
            child.stdout?.on('data', (d) => {
              if (String(d).includes('ready')) {
                clearTimeout(timer);
                resolve();
              }
            });
            child.on('exit', (code) => {
              clearTimeout(timer);
              reject(new Error(`server in ${ns} exited (${code})`));
            });
          }),
      ),
    );
  }

  /** Connect from the endpoint at `fromIp` to every target at once; each waits `timeoutMs`. */
  async probe(fromIp: string, targets: readonly ProbeTarget[], timeoutMs = 1000): Promise<ProbeResult[]> {
    const ns = this.netnsOf.get(fromIp);
    if (!ns) throw new Error(`no endpoint ${fromIp}`);
    const { stdout } = await exec(
      'ip',
      ['netns', 'exec', ns, process.execPath, '-e', PROBE, JSON.stringify(targets), String(timeoutMs)],
      { timeout: timeoutMs + 20_000, maxBuffer: 16 << 20 },
    );
    return JSON.parse(stdout) as ProbeResult[];
  }

  /** Stop the servers and delete every namespace this topology made (links go with them). */
  async destroy(): Promise<void> {
    for (const child of this.servers.splice(0)) {
      if (child.pid !== undefined && child.exitCode === null) child.kill('SIGKILL');
    }
    for (const ns of this.netns.splice(0).reverse()) {
      await closeNftSession(ns);
      await exec('ip', ['netns', 'del', ns]).catch(() => {});
    }
  }
}

/** The host's links, routes and nftables ruleset, to prove a test left them alone. */
export async function hostSnapshot(): Promise<string> {
  const parts = await Promise.all([
    exec('ip', ['-o', 'link', 'show']).then((r) => r.stdout.replace(/\s+\d+$/gm, '')),
    exec('ip', ['route', 'show', 'table', 'all']).then((r) => r.stdout),
    exec('nft', ['list', 'ruleset']).then((r) => r.stdout),
  ]);
  return parts.join('\n----\n');
}
