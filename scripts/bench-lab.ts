/**
 * Lab dataplane benchmark (root only; `scripts/bench.ts` calls `benchLab()` when root):
 * - new TCP connections per second through the lab node between two pod netns, with the
 *   ruleset of a cluster without policies and of the same cluster with 1,000 policies
 *   (goal: ≥ 90%), alternated and repeated, best of each;
 * - compile and apply time of the full ruleset of the 10,000-pod generated cluster (goal < 1 s);
 * - one pod label change → enforced (goal < 50 ms): `updateRuleset` wall time until nft has
 *   committed, then a real connection confirms the new verdict.
 * Bounded in count and time; removes its namespaces even on failure.
 *
 * Run alone: `node --conditions=source --import tsx scripts/bench-lab.ts`.
 */
import { execFile, spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type ClusterModel, loadCluster, matchesSelector, naiveAllowed, type PodModel } from '@netpol/core';
import { labUnavailable, TestTopology, uniqueLabId } from '../packages/lab/src/dataplane/test-topology.js';
import { applyCluster, applyRuleset, compileRuleset, updateRuleset } from '../packages/lab/src/index.js';

const exec = promisify(execFile);
const WINDOW_MS = 2000;
const ROUNDS = 3;

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

const SERVER = `
require('node:net').createServer((s) => { s.on('error', () => {}); s.end(); }).listen(Number(process.argv[1]), '0.0.0.0', () => process.stdout.write('ready\\n'));
`;

async function connectionRate(
  topo: TestTopology,
  clientIp: string,
  serverIp: string,
): Promise<{ perSecond: number; failed: number }> {
  const ns = topo.netnsOf.get(clientIp) as string;
  const { stdout } = await exec(
    'ip',
    ['netns', 'exec', ns, process.execPath, '-e', RATE, serverIp, '8080', String(WINDOW_MS), '8'],
    { timeout: WINDOW_MS + 15_000 },
  );
  const r = JSON.parse(stdout) as { done: number; failed: number };
  return { perSecond: Math.round((r.done * 1000) / WINDOW_MS), failed: r.failed };
}

export async function benchLab(): Promise<object> {
  const unavailable = await labUnavailable();
  if (unavailable) return { skipped: unavailable };
  const out: Record<string, unknown> = {};

  // 1. Compile + apply of the 10k-pod cluster.
  const loadStart = performance.now();
  const { cluster: big, source } = await bigCluster(1000);
  out.cluster = {
    source,
    pods: big.pods.length,
    policies: big.policies.length,
    services: big.services.length,
    loadMs: Math.round(performance.now() - loadStart),
  };

  // Two real pods of that cluster: a server on 8080 that is isolated for ingress, and a client
  // (isolated for egress when there is one) its policies let reach it; bounded search.
  const isolated = (p: PodModel, d: 'ingress' | 'egress') =>
    big.policies.some(
      (pol) => pol.types[d] && pol.namespace === p.namespace && matchesSelector(pol.podSelector, p.labels),
    );
  let server: PodModel | undefined;
  let client: PodModel | undefined;
  const servers8080 = big.pods.filter((p) => p.ports.some((c) => c.port === 8080) && isolated(p, 'ingress'));
  search: for (const s of servers8080.slice(0, 40)) {
    const near = big.pods.filter((p) => p !== s && p.namespace === s.namespace);
    const ordered = [...near.filter((p) => isolated(p, 'egress')), ...near.filter((p) => !isolated(p, 'egress'))];
    for (const c of ordered.slice(0, 200)) {
      if (naiveReach(big, c, s)) {
        server = s;
        client = c;
        break search;
      }
    }
  }
  if (!server || !client) throw new Error('no pod allowed to reach an isolated server in the benchmark cluster');
  const candidates = big.pods.filter((p) => p !== server && p !== client && p.namespace === client.namespace);
  const denied = candidates.find((p) => !naiveReach(big, p, server));
  const labId = uniqueLabId('bl');
  const topo = await TestTopology.create(labId, [
    { ip: client.ips[0], kind: 'pod', name: client.id },
    { ip: server.ips[0], kind: 'pod', name: server.id },
  ]);
  const servers: ReturnType<typeof spawn>[] = [];
  try {
    const clientNs = topo.netnsOf.get(client.ips[0]) as string;
    await exec('ip', [
      'netns',
      'exec',
      clientNs,
      'sysctl',
      '-q',
      '-w',
      'net.ipv4.ip_local_port_range=1024 65000',
      'net.ipv4.tcp_tw_reuse=1',
    ]);
    const serverNs = topo.netnsOf.get(server.ips[0]) as string;
    const child = spawn('ip', ['netns', 'exec', serverNs, process.execPath, '-e', SERVER, '8080'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    servers.push(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('rate server did not start')), 10_000);
      child.stdout?.on('data', () => {
        clearTimeout(timer);
        resolve();
      });
    });

    let compileMs = Number.POSITIVE_INFINITY;
    let applyMs = Number.POSITIVE_INFINITY;
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const text = compileRuleset(big, { enforce: true });
      const t1 = performance.now();
      await applyRuleset(topo.node, text);
      const t2 = performance.now();
      compileMs = Math.min(compileMs, t1 - t0);
      applyMs = Math.min(applyMs, t2 - t1);
      bytes = text.length;
    }
    out.compileApply10k = {
      compileMs: Math.round(compileMs),
      applyMs: Math.round(applyMs),
      totalMs: Math.round(compileMs + applyMs),
      rulesetBytes: bytes,
      goalMs: 1000,
      ok: compileMs + applyMs < 1000,
    };

    // 2. Connection rate: no policies vs 1,000 policies, same pods and Services.
    const none = withPolicies(big, []);
    const rates: Record<'none' | 'policies', number[]> = { none: [], policies: [] };
    let failures = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const [key, cluster] of [
        ['none', none],
        ['policies', big],
      ] as const) {
        await applyCluster(topo.node, cluster, { enforce: true });
        const r = await connectionRate(topo, client.ips[0], server.ips[0]);
        rates[key].push(r.perSecond);
        failures += r.failed;
      }
    }
    const best = (xs: number[]) => Math.max(...xs);
    out.connectionRate = {
      windowMs: WINDOW_MS,
      rounds: ROUNDS,
      noPoliciesPerSecond: best(rates.none),
      policiesPerSecond: best(rates.policies),
      policies: big.policies.length,
      ratio: Number((best(rates.policies) / best(rates.none)).toFixed(3)),
      samples: rates,
      failedConnections: failures,
      goal: 0.9,
      ok: best(rates.policies) >= 0.9 * best(rates.none),
    };

    // 3. Label change → enforced: the client takes the labels of a pod that may not connect.
    await applyCluster(topo.node, big, { enforce: true });
    if (denied) {
      const latencies: number[] = [];
      const modes: string[] = [];
      let previous = big;
      for (let i = 0; i < 4; i++) {
        const labels = i % 2 === 0 ? { ...denied.labels } : { ...client.labels };
        const next = relabel(previous, previous.pods.find((p) => p.id === client.id) as PodModel, labels);
        const t0 = performance.now();
        const r = await updateRuleset(topo.node, previous, next, { enforce: true });
        latencies.push(performance.now() - t0);
        modes.push(r.mode);
        previous = next;
      }
      // After an even number of swaps the client has its own labels back: still allowed.
      const check = await connectionRate(topo, client.ips[0], server.ips[0]);
      out.pair = {
        client: client.id,
        server: server.id,
        clientEgressIsolated: isolated(client, 'egress'),
        serverIngressIsolated: true,
      };
      out.labelChange = {
        latenciesMs: latencies.map((x) => Math.round(x * 10) / 10),
        bestMs: Math.round(Math.min(...latencies) * 10) / 10,
        modes,
        sameNamespace: denied.namespace === client.namespace,
        enforcedCheck: check.perSecond > 0 ? 'allowed again after relabel back' : 'NOT reachable',
        goalMs: 50,
        ok: Math.min(...latencies) < 50,
      };
      out.labelDeny = await labelDenyCheck(topo, big, client, denied, server);
    }
  } finally {
    for (const s of servers) if (s.exitCode === null) s.kill('SIGKILL');
    await topo.destroy();
  }
  return out;
}

/** Relabel the client like the denied pod, then check a real connection now times out. */
async function labelDenyCheck(
  topo: TestTopology,
  big: ClusterModel,
  client: PodModel,
  denied: PodModel,
  server: PodModel,
): Promise<object> {
  await applyCluster(topo.node, big, { enforce: true });
  const next = relabel(big, client, { ...denied.labels });
  const inNs = next.pods.find((p) => p.id === client.id) as PodModel;
  const expectAllowed = naiveReach(next, inNs, server);
  const t0 = performance.now();
  const r = await updateRuleset(topo.node, big, next, { enforce: true });
  const ms = performance.now() - t0;
  const probe = await topo.probe(client.ips[0], [{ ip: server.ips[0], port: 8080, protocol: 'TCP' }], 800);
  return { mode: r.mode, ms: Math.round(ms * 10) / 10, expectAllowed, observedAllowed: probe[0].answered };
}

function naiveReach(cluster: ClusterModel, from: PodModel, to: PodModel): boolean {
  const to8080 = { protocol: 'TCP', port: 8080 } as const;
  return naiveAllowed(cluster, { kind: 'pod', pod: from }, { kind: 'pod', pod: to }, to8080) === true;
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
