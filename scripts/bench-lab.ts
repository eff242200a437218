/**
 * Lab dataplane benchmark (root only; `scripts/bench.ts` calls `benchLab()` when root):
 * - new TCP connections per second through the lab node between two pod netns, with the
 *   ruleset of a cluster without policies and of the same cluster with 1,000 policies
 *   (goal: ≥ 90%), alternated and repeated, best of each;
 * - compile and apply time of the full ruleset of the 10,000-pod generated cluster (goal < 1 s);
 * - one pod label change → enforced (goal < 50 ms): `updateRuleset` wall time until nft has
 *   committed (planning from the previous plan, then one batch through the node's nft
 *   session), then a real connection confirms the new verdict.
 * Bounded in count and time; removes its namespaces even on failure.
 *
 * Run alone: `node --conditions=source --import tsx scripts/bench-lab.ts`.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { at, type ClusterModel, first, loadCluster, matchesSelector, naiveAllowed, type PodModel } from '@netpol/core';
import {
  labUnavailable,
  sweepStaleLabs,
  TestTopology,
  uniqueLabId,
} from '../packages/lab/src/dataplane/test-topology.js';
import { applyCluster, applyRuleset, compileRuleset, updateRuleset } from '../packages/lab/src/index.js';

const exec = promisify(execFile);
const WINDOW_MS = 600;
const ROUNDS = 9;
/** Label changes timed (alternating a denied and an allowed pod's labels). */
const LABEL_CHANGES = 12;

type Json = Record<string, unknown>;

/**
 * The 10,000-pod cluster: the `gen` generator of packages/core when it is there, else a
 * synthetic one of the same shape (50 namespaces × 10 Deployments × 20 replicas, a Service per
 * Deployment, 20 policies per namespace: default deny, chains of allowed callers by app and
 * named port, namespaceSelector and ipBlock/except peers, egress with endPort ranges).
 */
export async function bigCluster(policies: number): Promise<{ cluster: ClusterModel; source: string }> {
  const genPath = new URL('../packages/core/src/gen/generate-cluster.js', import.meta.url).href;
  const renderPath = new URL('../packages/core/src/gen/render-generated.js', import.meta.url).href;
  try {
    const gen = await import(genPath);
    const render = await import(renderPath);
    const options = gen.genOptionsForPods(10_000, { policies });
    const text = render.renderGenerated(gen.generateCluster(options), 'json') as string;
    const result = loadCluster([{ name: 'gen.json', text }]);
    if (result.ok) return { cluster: result.value.cluster, source: 'core gen' };
  } catch {
    // fall back to the synthetic cluster below
  }
  const result = loadCluster([{ name: 'synthetic.json', text: JSON.stringify(syntheticObjects(policies)) }]);
  if (!result.ok) throw new Error(`synthetic cluster invalid: ${result.issues.map((i) => i.message).join('; ')}`);
  return { cluster: result.value.cluster, source: 'synthetic' };
}

function syntheticObjects(policyCount: number): Json {
  const items: Json[] = [];
  const perNs = Math.max(1, Math.ceil(policyCount / 50));
  let policies = 0;
  for (let n = 0; n < 50; n++) {
    const ns = `ns-${n}`;
    items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team: `t${n % 5}` } } });
    for (let a = 0; a < 10; a++) {
      const labels = { app: `app-${a}`, tier: a % 2 ? 'be' : 'fe' };
      items.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `app-${a}`, namespace: ns },
        spec: {
          replicas: 20,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: 'main',
                  image: 'agnhost',
                  ports: [
                    { name: 'http', containerPort: 8080 },
                    { name: 'metrics', containerPort: 9090 },
                  ],
                },
              ],
            },
          },
        },
      });
      items.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: `app-${a}`, namespace: ns },
        spec: { selector: { app: `app-${a}` }, ports: [{ port: 80, targetPort: 'http' }] },
      });
    }
    const policy = (name: string, spec: Json) => {
      if (policies >= policyCount) return;
      policies++;
      items.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name, namespace: ns },
        spec,
      });
    };
    for (let i = 0; i < perNs; i++) {
      const a = i % 10;
      const app = { matchLabels: { app: `app-${a}` } };
      switch (Math.floor(i / 10) % 2 === 0 ? i % 4 : 4) {
        case 0:
          policy(`deny-${i}`, { podSelector: i === 0 ? {} : app, policyTypes: ['Ingress'] });
          break;
        case 1:
          policy(`callers-${i}`, {
            podSelector: app,
            ingress: [
              { from: [{ podSelector: { matchLabels: { app: `app-${(a + 9) % 10}` } } }], ports: [{ port: 'http' }] },
            ],
          });
          break;
        case 2:
          policy(`teams-${i}`, {
            podSelector: app,
            ingress: [
              {
                from: [
                  {
                    namespaceSelector: { matchLabels: { team: `t${i % 5}` } },
                    podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe'] }] },
                  },
                  { ipBlock: { cidr: '203.0.113.0/24', except: [`203.0.113.${i % 200}/32`] } },
                ],
                ports: [{ port: 'metrics' }, { port: 8080 }],
              },
            ],
          });
          break;
        case 3:
          policy(`egress-${i}`, {
            podSelector: app,
            policyTypes: ['Egress'],
            egress: [
              { to: [{ podSelector: {} }], ports: [{ port: 8080 }, { port: 9000, endPort: 9100 }] },
              { to: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.10/32'] } }], ports: [{ port: 443 }] },
              { ports: [{ port: 53, protocol: 'UDP' }] },
            ],
          });
          break;
        default:
          policy(`app-${a}-${i}`, {
            podSelector: { matchLabels: { app: `app-${a}`, tier: a % 2 ? 'be' : 'fe' } },
            ingress: [
              { from: [{ podSelector: { matchLabels: { app: `app-${(a + i) % 10}` } } }], ports: [{ port: 1000 + i }] },
            ],
          });
      }
    }
  }
  return { apiVersion: 'v1', kind: 'List', items };
}

function withPolicies(cluster: ClusterModel, policies: ClusterModel['policies']): ClusterModel {
  return { ...cluster, policies };
}

function relabel(cluster: ClusterModel, pod: PodModel, labels: Record<string, string>): ClusterModel {
  return { ...cluster, pods: cluster.pods.map((p) => (p === pod ? { ...p, labels } : p)) };
}

const RATE = `
const net = require('node:net');
const [ip, port, ms, parallel] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3]), Number(process.argv[4])];
const end = Date.now() + ms; let done = 0, failed = 0;
function one() {
  if (Date.now() >= end) return Promise.resolve();
  return new Promise((resolve) => {
    const s = net.connect({ host: ip, port });
    const timer = setTimeout(() => { failed++; s.destroy(); resolve(); }, 1000);
    s.on('error', () => { failed++; clearTimeout(timer); resolve(); });
    s.on('data', () => {});
    s.on('end', () => { done++; clearTimeout(timer); s.destroy(); resolve(); });
  }).then(one);
}
Promise.all(Array.from({ length: parallel }, one)).then(() => process.stdout.write(JSON.stringify({ done, failed })));
`;

async function connectionRate(
  topo: TestTopology,
  clientIp: string,
  serverIp: string,
): Promise<{ perSecond: number; failed: number }> {
  const ns = topo.netnsOf.get(clientIp) as string;
  const { stdout } = await exec(
    'ip',
    ['netns', 'exec', ns, process.execPath, '-e', RATE, serverIp, String(servicePort), String(WINDOW_MS), '8'],
    { timeout: WINDOW_MS + 15_000 },
  );
  const r = JSON.parse(stdout) as { done: number; failed: number };
  return { perSecond: Math.round((r.done * 1000) / WINDOW_MS), failed: r.failed };
}

/** A two-pod lab (client, server) at the pods' addresses, a TCP server on the bench port. */
async function ratePair(client: PodModel, server: PodModel): Promise<TestTopology> {
  const topo = await TestTopology.create(uniqueLabId('bl'), [
    { ip: first(client.ips), kind: 'pod', name: client.id },
    { ip: first(server.ips), kind: 'pod', name: server.id },
  ]);
  try {
    const clientNs = topo.netnsOf.get(first(client.ips)) as string;
    await exec('ip', ['netns', 'exec', clientNs, 'sysctl', '-q', '-w', 'net.ipv4.ip_local_port_range=1024 65000']);
    await exec('ip', ['netns', 'exec', clientNs, 'sysctl', '-q', '-w', 'net.ipv4.tcp_tw_reuse=1']);
    await topo.startServers([{ ip: first(server.ips), kind: 'pod', name: server.id }], [servicePort], []);
    return topo;
  } catch (error) {
    await topo.destroy();
    throw error;
  }
}

export async function benchLab(): Promise<object> {
  const unavailable = await labUnavailable();
  if (unavailable) return { skipped: unavailable };
  await sweepStaleLabs('bl');
  const out: Record<string, unknown> = { loadAverage: loadavg().map((x) => Number(x.toFixed(1))) };

  const loadStart = performance.now();
  const { cluster: big, source: clusterSource } = await bigCluster(1000);
  out.cluster = {
    source: clusterSource,
    pods: big.pods.length,
    policies: big.policies.length,
    services: big.services.length,
    loadMs: Math.round(performance.now() - loadStart),
  };

  // Two real pods of that cluster: a TCP server isolated for ingress, and a client its
  // policies let reach it (isolated for egress when one is found); bounded search.
  const isolated = (p: PodModel, d: 'ingress' | 'egress') =>
    big.policies.some(
      (pol) => pol.types[d] && pol.namespace === p.namespace && matchesSelector(pol.podSelector, p.labels),
    );
  let server: PodModel | undefined;
  let client: PodModel | undefined;
  const servers = big.pods.filter((p) => p.ports.some((c) => c.protocol === 'TCP') && isolated(p, 'ingress'));
  for (const wantEgress of [true, false]) {
    search: for (const s of servers.slice(0, 60)) {
      const port = s.ports.find((c) => c.protocol === 'TCP')?.port as number;
      const near = big.pods.filter((p) => p !== s && isolated(p, 'egress') === wantEgress);
      for (const c of near.slice(0, 300)) {
        if (naiveReach(big, c, s, port)) {
          server = s;
          client = c;
          servicePort = port;
          break search;
        }
      }
    }
    if (server) break;
  }
  if (!server || !client) throw new Error('no pod allowed to reach an isolated server in the benchmark cluster');
  const target = server;
  const source = client;
  const denied =
    big.pods.find(
      (p) => p !== target && p !== source && p.namespace === source.namespace && !naiveReach(big, p, target),
    ) ?? big.pods.find((p) => p !== target && p !== source && !naiveReach(big, p, target));
  out.pair = {
    client: client.id,
    server: server.id,
    port: servicePort,
    clientEgressIsolated: isolated(client, 'egress'),
  };

  const none = await ratePair(client, server);
  let topo: TestTopology | undefined;
  try {
    topo = await ratePair(client, server);
    // 1. Compile + apply of the whole 10k-pod ruleset (best of 3).
    let compileMs = Number.POSITIVE_INFINITY;
    let applyMs = Number.POSITIVE_INFINITY;
    let compileCpuMs = Number.POSITIVE_INFINITY;
    let applyCpuMs = Number.POSITIVE_INFINITY;
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const cpu = process.cpuUsage();
      const text = compileRuleset(big, { enforce: true });
      const spent = process.cpuUsage(cpu);
      const t1 = performance.now();
      const children = childCpuMs();
      await applyRuleset(topo.node, text);
      const t2 = performance.now();
      compileMs = Math.min(compileMs, t1 - t0);
      applyMs = Math.min(applyMs, t2 - t1);
      compileCpuMs = Math.min(compileCpuMs, (spent.user + spent.system) / 1000);
      applyCpuMs = Math.min(applyCpuMs, childCpuMs() - children);
      bytes = text.length;
    }
    out.compileApply10k = {
      compileMs: Math.round(compileMs),
      applyMs: Math.round(applyMs),
      totalMs: Math.round(compileMs + applyMs),
      // CPU time (compile: this process; apply: the nft process), less sensitive to a busy machine.
      compileCpuMs: Math.round(compileCpuMs),
      applyCpuMs: Math.round(applyCpuMs),
      rulesetBytes: bytes,
      goalMs: 1000,
      ok: compileMs + applyMs < 1000,
    };

    // 2. Connection rate: the same pods and Services without policies (one node) and with the
    // 1,000 policies (another node), windows alternated so load on the machine hits both alike.
    await applyCluster(none.node, withPolicies(big, []), { enforce: true });
    await applyCluster(topo.node, big, { enforce: true });
    const rates: Record<'none' | 'policies', number[]> = { none: [], policies: [] };
    let failures = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const [key, lab] of [
        ['none', none],
        ['policies', topo],
      ] as const) {
        const r = await connectionRate(lab, first(client.ips), first(server.ips));
        rates[key].push(r.perSecond);
        failures += r.failed;
      }
    }
    const median = (xs: number[]) =>
      at(
        [...xs].sort((a, b) => a - b),
        Math.floor(xs.length / 2),
      );
    out.connectionRate = {
      windowMs: WINDOW_MS,
      rounds: ROUNDS,
      noPoliciesPerSecond: median(rates.none),
      policiesPerSecond: median(rates.policies),
      policies: big.policies.length,
      ratio: Number((median(rates.policies) / median(rates.none)).toFixed(3)),
      samples: rates,
      failedConnections: failures,
      goal: 0.9,
      ok: median(rates.policies) >= 0.9 * median(rates.none),
    };

    // 3. Label change → enforced: the client takes the labels of a pod that may not reach the
    // server, then its own again; each time a real connection confirms the verdict.
    if (denied) {
      const latencies: number[] = [];
      const modes: string[] = [];
      const confirmed: boolean[] = [];
      const verdicts: boolean[] = [];
      const split: [number, number][] = [];
      let previous = big;
      for (let i = 0; i < LABEL_CHANGES; i++) {
        const labels = i % 2 === 0 ? { ...denied.labels } : { ...client.labels };
        const next = relabel(previous, previous.pods.find((p) => p.id === source.id) as PodModel, labels);
        const t0 = performance.now();
        const r = await updateRuleset(topo.node, previous, next, { enforce: true });
        latencies.push(performance.now() - t0);
        modes.push(r.mode);
        split.push([Math.round((r.planMs ?? 0) * 10) / 10, Math.round((r.nftMs ?? 0) * 10) / 10]);
        const moved = next.pods.find((p) => p.id === source.id) as PodModel;
        const expected = naiveReach(next, moved, target);
        const probe = await topo.probe(
          first(client.ips),
          [{ ip: first(server.ips), port: servicePort, protocol: 'TCP' }],
          800,
        );
        confirmed.push(first(probe).answered === expected);
        verdicts.push(expected);
        previous = next;
      }
      const sorted = [...latencies].sort((a, b) => a - b);
      const medianMs = at(sorted, Math.floor(sorted.length / 2));
      out.labelChange = {
        // The first change also starts the node's nft session (one `nft -i` per lab node).
        latenciesMs: latencies.map((x) => Math.round(x * 10) / 10),
        medianMs: Math.round(medianMs * 10) / 10,
        bestMs: Math.round(first(sorted) * 10) / 10,
        worstMs: Math.round(at(sorted, sorted.length - 1) * 10) / 10,
        modes,
        planAndNftMs: split,
        engineVerdicts: verdicts.map((v) => (v ? 'allowed' : 'denied')),
        verdictsConfirmedByProbe: confirmed.every(Boolean),
        goalMs: 50,
        ok: medianMs < 50,
      };
    }
  } finally {
    await none.destroy();
    await topo?.destroy();
  }
  return out;
}

/** The server's TCP port the benchmark connects to (its first TCP container port). */
let servicePort = 8080;

/** CPU time of reaped child processes (nft), from /proc/self/stat, in ms (10 ms ticks). */
function childCpuMs(): number {
  const fields = at(readFileSync('/proc/self/stat', 'utf8').split(') '), 1).split(' ');
  // Fields after the command: state is [0], so cutime (16th overall) is [13], cstime [14].
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

function naiveReach(cluster: ClusterModel, from: PodModel, to: PodModel, port = servicePort): boolean {
  const query = { protocol: 'TCP', port } as const;
  return naiveAllowed(cluster, { kind: 'pod', pod: from }, { kind: 'pod', pod: to }, query) === true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchLab().then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (e) => {
      process.stderr.write(`${e instanceof Error ? e.stack : e}\n`);
      process.exitCode = 1;
    },
  );
}
