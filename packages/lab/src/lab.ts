import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClusterModel, PodModel } from '@netpol/core';
import { first } from '@netpol/core';
import { AgentNotRunning, askAgent } from './agent-client.js';
import type { PortRole, ServeRequest } from './agent-protocol.js';
import { DEFAULT_TABLE, domainNameSets } from './dataplane/index.js';
import { dnsRecords } from './dns-records.js';
import { LabError } from './exec.js';
import { clusterAddressErrors, outsideHostErrors } from './lab-addresses.js';
import { isDnsPod, type LabCluster, labCluster } from './lab-cluster.js';
import { lockHolder, withLock } from './lab-lock.js';
import {
  DEFAULT_OUTSIDE_HOSTS,
  isLabNetns,
  nodeNetns,
  type OutsideHost,
  outsideNetns,
  podNetns,
  stateDir,
} from './lab-names.js';
import {
  attach,
  createNodeNetns,
  deleteNetns,
  detach,
  killNetnsProcesses,
  listLabEtcDirs,
  listLabNetns,
  resolvConf,
} from './lab-netns.js';
import { isReplica, type ReplicaEvent, reconcileReplicas } from './lab-replicas.js';
import {
  alive,
  ensureStateDir,
  journalNetns,
  type LabPod,
  type LabState,
  readJournal,
  readState,
  type StoredObject,
  writeState,
} from './lab-state.js';
import { unwiredPods } from './lab-wiring.js';
import { applyCluster, updateRuleset } from './ruleset.js';

export type LabLog = (line: string) => void;

export interface LabContext {
  labId: string;
  /** Overrides /run/netpol (tests). */
  stateRoot?: string;
  log?: LabLog;
  /** Long steps report here (`pods wired`, n, N): a terminal shows it, a pipe does not. */
  progress?: (what: string, done: number, total: number) => void;
  /** Aborted (Ctrl-C during `up`): the build stops at the next pod and removes what it made. */
  signal?: AbortSignal;
}

function dirOf(ctx: LabContext): string {
  return stateDir(ctx.labId, ctx.stateRoot);
}

export function requireState(ctx: LabContext): LabState {
  const state = readState(dirOf(ctx));
  if (!state) throw new LabError(`lab '${ctx.labId}' is not up`, `start it with: netpol lab up -f PATH`);
  return state;
}

export interface UpOptions {
  enforce: boolean;
  objects: StoredObject[];
  outside?: readonly OutsideHost[];
}

/**
 * `netpol lab up`: build the lab. The lock is held from the "already up" check to the end,
 * so two `up`s of one lab id cannot both pass it; on failure this process removes the lab
 * it made (nothing else was there: the checks under the lock said so).
 */
export async function labUp(ctx: LabContext, options: UpOptions): Promise<LabState> {
  const dir = dirOf(ctx);
  return withLock(dir, async () => {
    if (readState(dir)) {
      throw new LabError(
        `lab '${ctx.labId}' is already up`,
        `netpol lab down${ctx.labId === 'lab' ? '' : ` --lab ${ctx.labId}`} first, or use lab apply`,
      );
    }
    const leftovers = await listLabNetns(ctx.labId);
    if (leftovers.length > 0 || existsSync(dir)) {
      throw new LabError(
        leftovers.length > 0
          ? `namespaces of an earlier lab '${ctx.labId}' are still there (${leftovers.slice(0, 3).join(', ')}${leftovers.length > 3 ? ', ...' : ''})`
          : `an earlier lab '${ctx.labId}' left ${dir}`,
        `netpol lab down${ctx.labId === 'lab' ? '' : ` --lab ${ctx.labId}`} removes ${leftovers.length > 0 ? 'them' : 'it'}`,
      );
    }
    const log = ctx.log ?? (() => {});
    // One Pod object per replica (lab-replicas.ts), so each can be labelled or deleted.
    const objects = reconcileReplicas(options.objects).objects;
    const planned = labCluster(objects).cluster;
    assertAddresses(planned);
    assertUniquePods(planned);
    const hostErrors = outsideHostErrors(options.outside ?? []);
    if (hostErrors.length > 0) throw new LabError(hostErrors.join('\n'), 'give each --outside host its own NAME=IP');
    try {
      return await build(ctx, { ...options, objects }, log);
    } catch (error) {
      log('lab up failed; removing what it made');
      await removeLab(ctx).catch(() => {});
      throw error;
    }
  });
}

async function build(ctx: LabContext, options: UpOptions, log: LabLog): Promise<LabState> {
  const dir = dirOf(ctx);
  ensureStateDir(dir);
  const outside = (options.outside ?? DEFAULT_OUTSIDE_HOSTS).map((h, i) => ({
    ...h,
    index: i + 1,
    netns: outsideNetns(ctx.labId, i + 1),
  }));
  const state: LabState = {
    version: 1,
    labId: ctx.labId,
    enforce: options.enforce,
    createdAt: new Date().toISOString(),
    nextPodIndex: 1,
    pods: {},
    outside,
    objects: options.objects,
    pending: true,
  };
  journalNetns(dir, [nodeNetns(ctx.labId)]);
  writeState(dir, state);
  await createNodeNetns(ctx.labId);
  ctx.signal?.throwIfAborted();
  journalNetns(
    dir,
    outside.map((o) => o.netns),
  );
  await attach(
    ctx.labId,
    // Outside hosts are not in the cluster: they resolve nothing (and query no one).
    outside.map((o) => ({
      netns: o.netns,
      kind: 'outside',
      index: o.index,
      ip: o.ip,
      resolvConf: 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n',
    })),
  );
  state.agentPid = await startAgent(dir);
  writeState(dir, state);
  ctx.signal?.throwIfAborted();
  await serveOutside(dir, outside);
  await sync(ctx, state, log);
  return state;
}

/** The outside hosts' HTTP servers (80, 443), in their namespaces, by the agent. */
async function serveOutside(dir: string, outside: LabState['outside']): Promise<void> {
  const endpoints: ServeRequest[] = outside.map((o) => ({
    key: `@outside/${o.name}`,
    netns: o.netns,
    name: o.name,
    ports: [
      { port: 80, protocol: 'TCP', role: 'http' },
      { port: 443, protocol: 'TCP', role: 'http' },
    ],
  }));
  const reply = await askAgent(dir, { op: 'serve', endpoints });
  if (!reply.ok) throw new LabError(`outside hosts failed to start: ${JSON.stringify(reply.failed)}`);
}

/**
 * The pods the agent serves. An agent that died (killed, out of memory) is replaced here, so
 * any change repairs the lab: its pods are then all unserved, and made again by the sync.
 */
async function servingPods(dir: string, state: LabState, log: LabLog): Promise<Set<string>> {
  try {
    return new Set((await askAgent(dir, { op: 'ping' }, 10_000)).serving ?? []);
  } catch (error) {
    if (!(error instanceof AgentNotRunning)) throw error;
  }
  log('the lab agent was not running: starting a new one (every pod is wired again)');
  stopAgent(dir, state);
  state.agentPid = await startAgent(dir);
  writeState(dir, state);
  await serveOutside(dir, state.outside);
  return new Set();
}

function assertAddresses(cluster: ClusterModel): void {
  const errors = clusterAddressErrors(cluster);
  if (errors.length > 0) {
    throw new LabError(errors.join('\n'), 'give each pod its own status.podIP in 198.18.0.0/15, or none');
  }
}

/**
 * Two pods with one `ns/name` (a Pod named like a workload's replica, `backend-0`): the API
 * server would refuse the second; the lab cannot give both a namespace either.
 */
function assertUniquePods(cluster: ClusterModel): void {
  const seen = new Map<string, PodModel>();
  for (const pod of cluster.pods) {
    const other = seen.get(pod.id);
    if (!other) {
      seen.set(pod.id, pod);
      continue;
    }
    const what = (p: PodModel) => (p.workload ? `a replica of ${p.workload.id}` : 'a Pod');
    throw new LabError(
      `two pods are named ${pod.id}: ${what(other)} and ${what(pod)}`,
      'rename the Pod (the lab names replicas <workload>-0, -1, ...)',
    );
  }
}

async function startAgent(dir: string): Promise<number> {
  // Beside this module: in src/ or dist/, or in the netpol package's bundle (dist/bin/).
  const fromSource = import.meta.url.endsWith('.ts');
  const main = fileURLToPath(new URL(`./agent-main.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  const logFd = openSync(`${dir}/agent.log`, 'a', 0o600);
  const child = spawn(
    process.execPath,
    [...(fromSource ? ['--conditions=source', '--import', 'tsx'] : []), main, dir],
    {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: {
        PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
        ...(process.env.NETPOL_LAB_HELPER ? { NETPOL_LAB_HELPER: process.env.NETPOL_LAB_HELPER } : {}),
      },
    },
  );
  child.unref();
  const pid = child.pid ?? 0;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (existsSync(`${dir}/agent.sock`)) {
      try {
        await askAgent(dir, { op: 'ping' }, 2000);
        return pid;
      } catch {}
    }
    if (pid && !alive(pid)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const tail = readFileSync(`${dir}/agent.log`, 'utf8').split('\n').slice(-10).join('\n');
  throw new LabError(`the lab agent did not start:\n${tail}`);
}

function podSignature(pod: PodModel, dns: boolean): string {
  const ports = pod.ports
    .filter((p) => p.protocol !== 'SCTP')
    .map((p) => `${p.port}/${p.protocol}`)
    .sort();
  return `${pod.ips[0]}|${[...new Set(ports)].join(',')}|${dns ? 'dns' : ''}`;
}

function servePorts(pod: PodModel, dns: boolean): ServeRequest['ports'] {
  const seen = new Set<string>();
  const out: ServeRequest['ports'] = [];
  const add = (port: number, protocol: 'TCP' | 'UDP', role: PortRole) => {
    const key = `${port}/${protocol}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ port, protocol, role });
  };
  if (dns) {
    add(53, 'UDP', 'dns');
    add(53, 'TCP', 'dns');
  }
  for (const p of pod.ports) {
    if (p.protocol === 'SCTP') continue; // this kernel has no SCTP
    add(p.port, p.protocol, p.protocol === 'TCP' ? 'http' : 'echo');
  }
  return out;
}

/**
 * Bring the namespaces, the agent's sockets, the ruleset and DNS in line with the stored
 * objects: removed or changed pods are torn down, new ones get a namespace, then the
 * ruleset is updated and only then does the call return.
 */
async function sync(
  ctx: LabContext,
  state: LabState,
  log: LabLog,
  previous?: readonly StoredObject[],
): Promise<LabCluster & { repaired: number }> {
  const dir = dirOf(ctx);
  const t0 = Date.now();
  const timing = (what: string) => {
    if (process.env.NETPOL_LAB_TIMING) log(`[${Date.now() - t0} ms] ${what}`);
  };
  const lab = labCluster(state.objects);
  const { cluster } = lab;
  assertAddresses(cluster);
  assertUniquePods(cluster);
  // Until the end of this sync the lab is not what its objects say (`lab status` tells when
  // a sync died half-way).
  state.pending = true;
  writeState(dir, state);
  const { removed, added, broken } = await podChanges(ctx, state, cluster, log);
  if (broken.size > 0)
    log(`repairing ${broken.size} pod${broken.size === 1 ? '' : 's'} an interrupted change left unwired`);
  if (removed.length > 0) {
    await removePods(ctx, state, removed);
    timing(`removed ${removed.length} pods`);
  }
  await syncRuleset(ctx, state, cluster, previous, timing);
  const wired = await wirePods(ctx, state, added, lab.nameserver);
  timing('namespaces');
  if (wired.length > 0) {
    await servePods(ctx, wired, log);
    timing(`started ${added.length} pods`);
  }
  timing('serving');
  // domainNames peers: the DNS fills their nft sets (dns-policy.ts).
  const sets = state.enforce ? domainNameSets(cluster) : [];
  await askAgent(dir, {
    op: 'dns',
    records: dnsRecords(cluster, state.outside),
    ...(sets.length > 0 ? { fqdn: { netns: nodeNetns(ctx.labId), table: DEFAULT_TABLE, sets } } : {}),
  });
  delete state.pending;
  writeState(dir, state);
  return { ...lab, repaired: broken.size };
}

/**
 * The pods to tear down and to make: gone or changed ones, new ones, and those a killed
 * change left in the state without their wiring (`broken`: made again).
 */
async function podChanges(
  ctx: LabContext,
  state: LabState,
  cluster: ClusterModel,
  log: LabLog,
): Promise<{ removed: [string, LabPod][]; added: PodModel[]; broken: Set<string> }> {
  const desired = new Map(cluster.pods.map((p) => [p.id, p]));
  const serving = await servingPods(dirOf(ctx), state, log);
  const broken = new Set(await unwiredPods(ctx.labId, state, serving));
  const removed: [string, LabPod][] = [];
  const added: PodModel[] = [];
  for (const [id, labPod] of Object.entries(state.pods)) {
    const pod = desired.get(id);
    if (!pod || broken.has(id) || podSignature(pod, isDnsPod(pod)) !== labPod.signature) removed.push([id, labPod]);
  }
  for (const pod of cluster.pods) {
    const labPod = state.pods[pod.id];
    if (!labPod || broken.has(pod.id) || podSignature(pod, isDnsPod(pod)) !== labPod.signature) added.push(pod);
  }
  return { removed, added, broken };
}

/** Stops the pods' servers and removes their namespaces, then forgets them. */
async function removePods(ctx: LabContext, state: LabState, removed: readonly [string, LabPod][]): Promise<void> {
  const dir = dirOf(ctx);
  await askAgent(dir, { op: 'unserve', keys: removed.map(([id]) => id) });
  await detach(
    ctx.labId,
    removed.map(([, p]) => ({ netns: p.netns, kind: 'pod' as const, index: p.index })),
  );
  for (const [id] of removed) delete state.pods[id];
  writeState(dir, state);
}

/**
 * The ruleset is keyed by address: applied before new pods have links, it isolates each
 * from its first packet. An element update needs the ruleset the node holds: the previous
 * objects' one, unless an earlier sync died before applying it.
 */
async function syncRuleset(
  ctx: LabContext,
  state: LabState,
  cluster: ClusterModel,
  previous: readonly StoredObject[] | undefined,
  timing: (what: string) => void,
): Promise<void> {
  const dir = dirOf(ctx);
  const node = nodeNetns(ctx.labId);
  // The dataplane keeps what it applied in a state file (when it supports one), so the next
  // `lab apply`, another process, can update by elements.
  const options = { enforce: state.enforce, stateFile: `${dir}/dataplane.json` };
  const incremental = previous !== undefined && state.rulesetSynced === true;
  state.rulesetSynced = false;
  writeState(dir, state);
  if (incremental) {
    const result = await updateRuleset(node, labCluster(previous).cluster, cluster, options);
    timing(`ruleset ${result.mode} (${result.changes} changes)`);
  } else {
    await applyCluster(node, cluster, options);
    timing('ruleset full');
  }
  state.rulesetSynced = true;
}

/** Gives each added pod its lab pod (namespace, index, address) and wires it; the pods wired. */
async function wirePods(
  ctx: LabContext,
  state: LabState,
  added: readonly PodModel[],
  nameserver: string,
): Promise<{ pod: PodModel; labPod: LabPod }[]> {
  const dir = dirOf(ctx);
  const wired = added.map((pod) => {
    const index = state.nextPodIndex++;
    const labPod = {
      index,
      netns: podNetns(ctx.labId, index),
      ip: first(pod.ips),
      signature: podSignature(pod, isDnsPod(pod)),
    };
    state.pods[pod.id] = labPod;
    return { pod, labPod };
  });
  if (wired.length === 0) return wired;
  journalNetns(
    dir,
    wired.map(({ labPod }) => labPod.netns),
  );
  writeState(dir, state);
  ctx.signal?.throwIfAborted();
  await attach(
    ctx.labId,
    wired.map(({ pod, labPod }) => ({
      netns: labPod.netns,
      kind: 'pod' as const,
      index: labPod.index,
      ip: labPod.ip,
      resolvConf: resolvConf(pod.namespace, nameserver),
    })),
    { signal: ctx.signal, progress: (done, total) => ctx.progress?.('pods wired', done, total) },
  );
  ctx.signal?.throwIfAborted();
  return wired;
}

/** The agent starts the wired pods' servers (their container ports, DNS for the DNS pod). */
async function servePods(
  ctx: LabContext,
  wired: readonly { pod: PodModel; labPod: LabPod }[],
  log: LabLog,
): Promise<void> {
  const reply = await askAgent(dirOf(ctx), {
    op: 'serve',
    endpoints: wired.map(({ pod, labPod }) => ({
      key: pod.id,
      netns: labPod.netns,
      name: pod.name,
      ports: servePorts(pod, isDnsPod(pod)),
    })),
  });
  for (const f of reply.failed ?? []) log(`warning: pod ${f.key} does not serve all its ports: ${f.error}`);
}

/** What a change did: the lab's cluster now, and whether anything changed or was repaired. */
export interface LabChangeResult extends LabCluster {
  /** The objects differ from before (an already-applied file changes nothing). */
  changed: boolean;
  /** Pods an interrupted change had left unwired, made again. */
  repaired: number;
  /** What the workloads' controllers did after the change (a replica released, one made). */
  replicaEvents: ReplicaEvent[];
}

/**
 * `lab apply` / `lab delete` / `lab label` / `lab run`: change the stored objects and
 * re-sync. `change` sees one Pod object per replica (a lab of an older netpol gets them
 * first); what the workloads' controllers do after it (lab-replicas.ts) is part of the change.
 */
export async function labChange(
  ctx: LabContext,
  change: (objects: StoredObject[]) => StoredObject[],
): Promise<LabChangeResult> {
  const dir = dirOf(ctx);
  return withLock(dir, async () => {
    const state = requireState(ctx);
    const previous = state.objects;
    // A lab written before replicas were Pods gets them first (else it has them already).
    const before = previous.some(isReplica) ? previous : reconcileReplicas(previous).objects;
    const after = reconcileReplicas(change(before), before);
    state.objects = after.objects;
    const changed = JSON.stringify(previous) !== JSON.stringify(state.objects);
    const result = await sync(ctx, state, ctx.log ?? (() => {}), previous);
    return { ...result, changed, replicaEvents: after.events };
  });
}

export interface DownReport {
  removedNetns: string[];
  agentStopped: boolean;
  existed: boolean;
}

/** `netpol lab down`: everything this lab made, found by state, journal and `ip netns list`. */
export async function labDown(ctx: LabContext): Promise<DownReport> {
  return withLock(dirOf(ctx), () => removeLab(ctx));
}

/** `down` under the lock (also the cleanup of a failed `up`, which holds it already). */
async function removeLab(ctx: LabContext): Promise<DownReport> {
  const dir = dirOf(ctx);
  const existed = existsSync(dir);
  let state: LabState | undefined;
  try {
    state = readState(dir);
  } catch {}
  let agentStopped = false;
  if (existsSync(`${dir}/agent.sock`)) {
    try {
      await askAgent(dir, { op: 'shutdown' }, 3000);
      agentStopped = true;
    } catch {}
  }
  if (stopAgent(dir, state)) agentStopped = true;
  // Only this lab's own names: the journal or the state may hold anything (`np-<id>x-decoy`).
  const names = new Set<string>(
    [
      ...readJournal(dir),
      ...Object.values(state?.pods ?? {}).map((p) => p.netns),
      ...(state?.outside ?? []).map((o) => o.netns),
      ...(await listLabNetns(ctx.labId)),
    ].filter((n) => isLabNetns(ctx.labId, n)),
  );
  const existing = new Set(await listLabNetns(ctx.labId));
  // Commands of `lab exec`/`lab run` still running there (their caller killed) would keep
  // the namespace, its veth and addresses alive after `ip netns del`.
  killNetnsProcesses([...names].filter((n) => existing.has(n)));
  await deleteNetns([...names]);
  for (const d of listLabEtcDirs(ctx.labId)) rmSync(d, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  return { removedNetns: [...names].filter((n) => existing.has(n)).sort(), agentStopped, existed };
}

/** SIGKILLs this lab's agent if it still runs (by the state's pid and its own pid file). */
function stopAgent(dir: string, state: LabState | undefined): boolean {
  let pidFile: number | undefined;
  try {
    pidFile = Number(readFileSync(`${dir}/agent.pid`, 'utf8')) || undefined;
  } catch {}
  let stopped = false;
  for (const pid of new Set([state?.agentPid, pidFile])) {
    if (pid && alive(pid) && isOurAgent(pid, dir)) {
      try {
        process.kill(pid, 'SIGKILL');
        stopped = true;
      } catch {}
    }
  }
  return stopped;
}

function isOurAgent(pid: number, dir: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('agent-main') && cmdline.includes(dir);
  } catch {
    return false;
  }
}

export interface LabStatus {
  state: LabState;
  lab: LabCluster;
  agentAlive: boolean;
  missingNetns: string[];
  /** Pods of the objects that have no namespace in the lab. */
  podsWithoutNetns: string[];
  /** Pods with a namespace in the state that is not wired (no namespace, route or server). */
  unwiredPods: string[];
  /** A `lab up`/`apply`/`run` died before the lab matched its objects. */
  interrupted: boolean;
  /** A live process is changing the lab right now. */
  busyPid?: number;
}

export async function labStatus(ctx: LabContext): Promise<LabStatus> {
  const state = requireState(ctx);
  const lab = labCluster(state.objects);
  let agentAlive = false;
  let serving: Set<string> | undefined;
  try {
    const reply = await askAgent(dirOf(ctx), { op: 'ping' }, 3000);
    agentAlive = reply.ok;
    serving = new Set(reply.serving ?? []);
  } catch {}
  const present = new Set(await listLabNetns(ctx.labId));
  const expected = [
    nodeNetns(ctx.labId),
    ...Object.values(state.pods).map((p) => p.netns),
    ...state.outside.map((o) => o.netns),
  ];
  const busyPid = lockHolder(dirOf(ctx));
  return {
    state,
    lab,
    agentAlive,
    missingNetns: expected.filter((n) => !present.has(n)),
    podsWithoutNetns: lab.cluster.pods.filter((p) => !state.pods[p.id]).map((p) => p.id),
    // With the agent down every pod is unserved; that is said once, as "agent NOT running".
    unwiredPods: await unwiredPods(ctx.labId, state, serving ?? new Set(Object.keys(state.pods))),
    interrupted: state.pending === true && busyPid === undefined,
    ...(busyPid !== undefined ? { busyPid } : {}),
  };
}

/** Whether the lab's agent answers (it serves every pod's ports and the cluster DNS). */
export async function labAgentAlive(ctx: LabContext): Promise<boolean> {
  try {
    return (await askAgent(dirOf(ctx), { op: 'ping' }, 3000)).ok;
  } catch {
    return false;
  }
}

export function labStateDir(ctx: LabContext): string {
  return dirOf(ctx);
}

export type { ClusterModel };
