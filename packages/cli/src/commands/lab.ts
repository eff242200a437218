import { constants as osConstants } from 'node:os';
import type { ClusterModel, Issue } from '@netpol/core';
import { at, atLeast } from '@netpol/core';
import {
  adminTierLabLimits,
  applyObjects,
  checkLabId,
  DEFAULT_LAB_ID,
  DEFAULT_OUTSIDE_HOSTS,
  deleteObjects,
  describeReplicaEvent,
  fixAddresses,
  isReplica,
  type LabChangeResult,
  type LabContext,
  LabError,
  labChange,
  labCluster,
  labDown,
  labPreflight,
  labUp,
  type OutsideHost,
  outsideAddressesWithoutHost,
  outsideHostErrors,
  requireState,
  type StoredObject,
  storeObject,
} from '@netpol/lab';
import { colorsFor } from '../colors.js';
import { ExitError, type Io, UsageError } from '../io.js';
import { loadInput } from '../load-input.js';
import { formatIssue } from '../print-issues.js';
import { labFlag } from './lab-flag.js';
import { progressTo } from './lab-progress.js';
import {
  describeRef,
  isLabelArg,
  type LabelOutcome,
  labelObjects,
  type ObjectRef,
  objectRefs,
  parseLabelArgs,
  SYSTEM_NAMESPACES,
} from './lab-resources.js';

export { probe } from './lab-probe-command.js';
export { execPod, runPod } from './lab-run-exec.js';
export { status } from './lab-status.js';

/** The flags of the commands that read manifests (`lab up`, `apply`, `delete -f`). */
interface ReadOptions {
  filename: string[];
  recursive?: boolean;
  readdress?: boolean;
}

/**
 * `netpol lab <sub>` runs `action` on lab `--lab` (else $NETPOL_LAB, else `lab`): every lab
 * failure is an expected one (exit 2, message and hint).
 */
export async function withLab(
  lab: string | undefined,
  io: Io,
  action: (ctx: LabContext) => Promise<number>,
): Promise<number> {
  const labId = lab ?? io.env.NETPOL_LAB ?? DEFAULT_LAB_ID;
  const bad = checkLabId(labId);
  if (bad) throw new UsageError(bad);
  const problem = await labPreflight();
  if (problem) throw new UsageError(problem.problem, problem.hint);
  const ctx: LabContext = { labId, log: (line) => io.stderr.write(`${line}\n`), progress: progressTo(io) };
  try {
    return await action(ctx);
  } catch (error) {
    if (error instanceof LabError) throw new UsageError(error.message, error.hint);
    throw error;
  }
}

async function readObjects(options: ReadOptions, io: Io, sub: 'up' | 'apply' | 'delete'): Promise<StoredObject[]> {
  if (options.filename.length === 0) {
    throw new UsageError(
      'no input: give at least one -f PATH',
      `e.g. netpol lab ${sub} -f examples/000-part1-pod-label-ingress/${sub === 'up' ? 'backend' : 'default-deny-ingress'}.yaml`,
    );
  }
  const { objects, sources } = await loadInput({ file: options.filename, recursive: options.recursive }, io);
  const fixed = fixAddresses(objects.map(storeObject), options.readdress === true);
  for (const note of fixed.notes) io.stderr.write(`note: ${note}\n`);
  if (fixed.problems.length > 0) {
    // As every input error: file:line:col, object, field path.
    const c = colorsFor(io.stderr, io);
    for (const p of fixed.problems) {
      const o = at(objects, p.index);
      const issue: Issue = {
        code: 'lab-address',
        severity: 'error',
        path: p.path,
        message: p.message,
        file: o.source.name,
        range: o.locate(p.path),
        object: p.object,
      };
      io.stderr.write(`${formatIssue(issue, sources, c)}\n`);
    }
    io.stderr.write(
      fixed.problems.some((p) => p.reason !== 'shared')
        ? 'hint: the lab only uses 198.18.0.0/15 for pods; --readdress gives such pods lab addresses (ipBlock rules may then match differently)\n'
        : 'hint: give each pod its own status.podIP in 198.18.0.0/15, or none (the lab then assigns one)\n',
    );
    throw new ExitError(2);
  }
  return fixed.objects;
}

function parseOutside(values: string[]): OutsideHost[] {
  if (values.length === 0) return [...DEFAULT_OUTSIDE_HOSTS];
  const hosts = values.map((v) => {
    const m = /^([A-Za-z0-9.-]+)=(203\.0\.113\.(\d{1,3}))$/.exec(v);
    if (!m || Number(m[3]) < 1 || Number(m[3]) > 254) {
      throw new UsageError(
        `--outside ${v}: expected NAME=IP with IP in 203.0.113.1-254`,
        'e.g. --outside example.com=203.0.113.10',
      );
    }
    return { name: at(m, 1).toLowerCase(), ip: `203.0.113.${Number(m[3])}` };
  });
  // Before anything is made: two hosts on one address would fail half-way with ip's own words.
  const errors = outsideHostErrors(hosts);
  if (errors.length > 0) throw new UsageError(`--outside: ${errors.join('; ')}`, 'give each host its own NAME=IP');
  return hosts;
}

/** `lab up`'s flags (`--no-enforce` makes `enforce` false). */
export interface UpOptions extends ReadOptions {
  enforce: boolean;
  outside: string[];
}

export async function up(ctx: LabContext, options: UpOptions, io: Io): Promise<number> {
  const outside = parseOutside(options.outside);
  const objects = await readObjects(options, io, 'up');
  const { enforce } = options;
  const started = Date.now();
  const state = await untilInterrupted(ctx, io, (signal) => labUp({ ...ctx, signal }, { enforce, objects, outside }));
  if (!state) return 130;
  const { cluster, addedDns, nameserver } = labCluster(state.objects);
  const c = colorsFor(io.stdout, io);
  io.stdout.write(
    `lab '${ctx.labId}' is up in ${((Date.now() - started) / 1000).toFixed(1)}s: ${plural(cluster.pods.length, 'pod')}, ${plural(cluster.services.length, 'service')}, ${plural(cluster.policies.length, 'policy')}\n`,
  );
  io.stdout.write(
    `  NetworkPolicy: ${enforce ? c.green('enforced') : c.yellow('NOT enforced (--no-enforce: like kindnet, policies are inert)')}\n`,
  );
  const admin = cluster.adminPolicies ?? [];
  if (admin.length > 0) {
    const kinds = [...new Set(admin.map((p) => p.kind))].join(', ');
    io.stdout.write(
      `  admin tiers: ${enforce ? c.green('enforced') : c.yellow('NOT enforced (--no-enforce)')} (${plural(admin.length, 'policy')}: ${kinds})\n`,
    );
  }
  noteAdminTierLimits(cluster, io);
  io.stdout.write(`  cluster DNS: ${nameserver}${addedDns ? ' (kube-system/coredns, added by the lab)' : ''}\n`);
  io.stdout.write(`  outside hosts: ${state.outside.map((o) => `${o.name}=${o.ip}`).join(', ')}\n`);
  io.stdout.write(`try: ${tryCommand(cluster, ctx)}\n`);
  noteOutsideWithoutHost(cluster, state.outside, io);
  return 0;
}

/** A first command to try, with a Service of the lab (as the seeds curl theirs). */
export function tryCommand(cluster: ClusterModel, ctx: LabContext): string {
  // A pod name the lab does not have yet (examples define their own `test-client`).
  const taken = new Set(cluster.pods.filter((p) => p.namespace === 'default').map((p) => p.name));
  let client = 'test-client';
  for (let i = 2; taken.has(client); i++) client = `test-client-${i}`;
  const service = cluster.services.find(
    (s) => s.namespace !== 'kube-system' && s.clusterIP && s.ports.some((p) => p.protocol === 'TCP'),
  );
  if (!service)
    return `netpol lab run ${client}${labFlag(ctx)} -- curl -m 5 -s POD_IP   (netpol lab status lists them)`;
  const port = service.ports.find((p) => p.protocol === 'TCP')?.port ?? 80;
  const host = service.namespace === 'default' ? service.name : `${service.name}.${service.namespace}`;
  return `netpol lab run ${client}${labFlag(ctx)} -- curl -m 5 -s ${host}${port === 80 ? '' : `:${port}`}`;
}

/** ipBlock rules naming 203.0.113.x that no outside host has: say how to add one. */
function noteOutsideWithoutHost(cluster: ClusterModel, outside: readonly OutsideHost[], io: Io): void {
  const missing = outsideAddressesWithoutHost(
    cluster,
    outside.map((o) => o.ip),
  );
  if (missing.length === 0) return;
  // A few are named with the flags that add them; many are counted (one line, not 250 flags).
  const SHOWN = 3;
  const named =
    missing.length <= SHOWN
      ? missing.join(', ')
      : `${missing.length} addresses (${missing.slice(0, SHOWN).join(', ')}, ...)`;
  const flags = [
    ...outside.map((o) => `${o.name}=${o.ip}`),
    ...missing.slice(0, SHOWN).map((ip) => `host${ip.split('.')[3]}=${ip}`),
  ]
    .map((f) => `--outside ${f}`)
    .join(' ');
  io.stderr.write(
    `note: policies name ${named}, which no outside host of this lab has (connections there fail at once, not as the policy says); to try ${missing.length <= SHOWN ? 'them' : 'some'}: netpol lab up ${flags}${missing.length <= SHOWN ? '' : ' (one --outside per address)'} ...\n`,
  );
}

/**
 * Ctrl-C (or SIGTERM) during `lab up` removes the half-built lab instead of leaving it for
 * `lab down`: the signal is noted, `up` runs on (or fails, and removes what it made), then
 * the lab goes. Undefined when interrupted.
 */
async function untilInterrupted<T>(
  ctx: LabContext,
  io: Io,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T | undefined> {
  let interrupted = false;
  // The build stops at its next step (within one pod), not at the end of a 1,000-pod `up`.
  const stop = new AbortController();
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    io.stderr.write(`interrupted: removing lab '${ctx.labId}'...\n`);
    stop.abort();
  };
  // SIGHUP: the terminal closed.
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  try {
    let result: T;
    try {
      result = await work(stop.signal);
    } catch (error) {
      // A failed or stopped `up` has removed what it made, and only that: it may have failed
      // because another lab of this id is up, which is not ours to take down.
      if (!interrupted || (error as { name?: string }).name !== 'AbortError') throw error;
      io.stderr.write(`lab '${ctx.labId}' removed\n`);
      return undefined;
    }
    if (!interrupted) return result;
    // Interrupted after the last step: the lab is complete, and ours.
    await labDown(ctx);
    io.stderr.write(`lab '${ctx.labId}' removed\n`);
    return undefined;
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
}

/**
 * A Pod applied under the name of a replica the lab made (`api-0`): on a cluster the apply
 * would try to change that pod, and most of a pod's spec cannot change; the lab refuses it
 * rather than let the Pod take the replica's place silently.
 */
function refuseReplicaNames(objects: readonly StoredObject[], incoming: readonly StoredObject[]): void {
  const replicas = new Set(objects.filter(isReplica).map((o) => o.key));
  const clash = incoming.find((o) => replicas.has(o.key));
  if (!clash) return;
  const [, namespace, name] = clash.key.split('/');
  const pod = labCluster(objects).cluster.pods.find((p) => p.id === `${namespace}/${name}`);
  throw new LabError(
    `pod ${namespace}/${name} already exists in the lab (a replica of ${pod?.workload?.id ?? 'a workload'})`,
    'name the Pod otherwise; lab label/delete pod act on the replica itself',
  );
}

export async function down(ctx: LabContext, io: Io): Promise<number> {
  const report = await labDown(ctx);
  if (!report.existed && report.removedNetns.length === 0) {
    io.stdout.write(`lab '${ctx.labId}' is not up; nothing to remove\n`);
    return 0;
  }
  io.stdout.write(
    `lab '${ctx.labId}' removed: ${report.removedNetns.length} network namespace${report.removedNetns.length === 1 ? '' : 's'}${report.agentStopped ? ', agent stopped' : ''}\n`,
  );
  return 0;
}

/** `lab apply`'s and `lab delete`'s flags (`apply` has no `-n` or `--ignore-not-found`). */
export interface ChangeOptions extends ReadOptions {
  namespace?: string;
  ignoreNotFound?: boolean;
}

/** `lab apply -f`, `lab delete -f`, `lab delete TYPE NAME...` (`objects`: the names, apply has none). */
export async function change(
  ctx: LabContext,
  sub: 'apply' | 'delete',
  objects: readonly string[],
  options: ChangeOptions,
  io: Io,
): Promise<number> {
  const named = objects.filter((a) => a !== '');
  const files = options.filename;
  if (sub === 'delete' && named.length === 0 && files.length === 0) {
    throw new UsageError(
      'nothing to delete: give -f FILE or TYPE NAME...',
      'e.g. netpol lab delete networkpolicy default-deny-ingress',
    );
  }
  if (sub === 'delete' && named.length > 0) {
    if (files.length > 0) throw new UsageError('give -f FILE or TYPE NAME..., not both');
    return deleteNamed(ctx, named, options, io);
  }
  const { outside } = requireState(ctx);
  const incoming = await readObjects(options, io, sub);
  const before = Date.now();
  // As kubectl delete -f: an object the lab does not hold is an error (exit 1), the rest go.
  let missing: string[] = [];
  const result = await finishFirst(io, () =>
    labChange(ctx, (objects) => {
      if (sub === 'apply') {
        refuseReplicaNames(objects, incoming);
        return applyObjects(objects, incoming);
      }
      const held = new Set(objects.map((o) => o.key));
      missing = incoming.filter((o) => !held.has(o.key)).map((o) => o.key);
      return deleteObjects(objects, incoming);
    }),
  );
  const { cluster } = result;
  const ignore = options.ignoreNotFound === true;
  for (const o of incoming) {
    const [kind, ns, name] = atLeast(o.key.split('/'), 3);
    const what = describeRef({ kind, namespace: ns, name });
    if (missing.includes(o.key)) {
      if (!ignore) io.stderr.write(`netpol: ${what} not found in the lab\n`);
    } else io.stdout.write(`${what} ${sub === 'apply' ? 'applied' : 'deleted'}\n`);
  }
  io.stderr.write(`${syncLine(result, before)}\n`);
  if (sub === 'apply') noteOutsideWithoutHost(cluster, outside, io);
  noteAdminTierLimits(cluster, io);
  return missing.length > 0 && !ignore ? 1 : 0;
}

/**
 * The lab enforces the admin tiers (docs/admin-tiers.md, "On the lab"); what it cannot do
 * with this input is said once, so a verdict it cannot reproduce is never a surprise.
 */
function noteAdminTierLimits(cluster: ClusterModel, io: Io): void {
  const limits = adminTierLabLimits(cluster);
  if (limits.length === 0) return;
  const c = colorsFor(io.stderr, io);
  for (const limit of limits) io.stderr.write(c.yellow(`note: ${limit}\n`));
}

/**
 * A change (`apply`, `delete`, `label`) takes a fraction of a second: Ctrl-C, SIGTERM or
 * SIGHUP during it are held until the lab matches the objects again, then the command exits
 * 128+signal, rather than leave the lab half-changed.
 */
export async function finishFirst<T>(io: Io, work: () => Promise<T>): Promise<T> {
  let got: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => {
    if (got === undefined) io.stderr.write(`${signal}: finishing the change first\n`);
    got ??= signal;
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, hold);
  try {
    const result = await work();
    if (got !== undefined) throw new ExitError(128 + (osConstants.signals[got] ?? 0));
    return result;
  } finally {
    for (const signal of signals) process.off(signal, hold);
  }
}

/** `lab delete networkpolicy a b`, `lab delete namespace frontend --ignore-not-found`. */
async function deleteNamed(ctx: LabContext, args: readonly string[], options: ChangeOptions, io: Io): Promise<number> {
  const refs = objectRefs(args, options.namespace ?? 'default');
  const ignore = options.ignoreNotFound === true;
  const before = Date.now();
  const problems: string[] = [];
  const deleted: ObjectRef[] = [];
  const result = await finishFirst(io, () =>
    labChange(ctx, (objects) => {
      const { cluster: now } = labCluster(objects);
      const doomed: StoredObject[] = [];
      for (const ref of refs) {
        if (ref.kind === 'Namespace' && SYSTEM_NAMESPACES.includes(ref.name)) {
          problems.push(`namespace ${ref.name} cannot be deleted (Kubernetes refuses to)`);
          continue;
        }
        const held = objects.some((o) => o.key === ref.key);
        // A namespace that exists because something is in it goes with its contents.
        const implicitNamespace = ref.kind === 'Namespace' && now.namespaces.has(ref.name);
        if (held || implicitNamespace) {
          doomed.push({ key: ref.key, value: {} });
          deleted.push(ref);
          continue;
        }
        if (!ignore) problems.push(`${describeRef(ref)} not found in the lab`);
      }
      return deleteObjects(objects, doomed);
    }),
  );
  for (const ref of deleted) io.stdout.write(`${describeRef(ref)} deleted\n`);
  for (const event of result.replicaEvents) io.stderr.write(`${describeReplicaEvent(event)}\n`);
  for (const p of problems) io.stderr.write(`netpol: ${p}\n`);
  io.stderr.write(`${syncLine(result, before)}\n`);
  return problems.length > 0 ? 1 : 0;
}

/** `lab label namespace backend access=backend`, `lab label pod x -n ns role- --overwrite`. */
/** `lab label`'s flags. */
export interface LabelOptions {
  namespace?: string;
  overwrite?: boolean;
}

export async function label(ctx: LabContext, all: readonly string[], options: LabelOptions, io: Io): Promise<number> {
  const first = all.findIndex(isLabelArg);
  if (first <= 0) {
    throw new UsageError(
      first === 0
        ? 'name the objects first: TYPE NAME... KEY=VALUE...'
        : 'no labels: give KEY=VALUE to set, KEY- to remove',
      'e.g. netpol lab label namespace backend access=backend',
    );
  }
  const stray = all.slice(first).find((a) => !isLabelArg(a));
  if (stray !== undefined)
    throw new UsageError(`${stray}: after the labels only labels may follow (KEY=VALUE or KEY-)`);
  const refs = objectRefs(all.slice(0, first), options.namespace ?? 'default');
  const labels = parseLabelArgs(all.slice(first));
  const before = Date.now();
  let outcomes: LabelOutcome[] = [];
  const result = await finishFirst(io, () =>
    labChange(ctx, (objects) => {
      outcomes = labelObjects(objects, labCluster(objects).cluster, refs, labels, options.overwrite === true);
      // As kubectl: one refused object changes nothing.
      if (outcomes.some((o) => !('object' in o))) return objects;
      return applyObjects(
        objects,
        outcomes.flatMap((o) => ('object' in o ? [o.object] : [])),
      );
    }),
  );
  let failed = false;
  for (const o of outcomes) {
    if ('object' in o) io.stdout.write(`${describeRef(o.ref)} ${o.status}\n`);
    else {
      failed = true;
      io.stderr.write(`netpol: ${o.message}\n`);
    }
  }
  if (failed) {
    io.stderr.write('nothing was changed\n');
    return 1;
  }
  for (const event of result.replicaEvents) io.stderr.write(`${describeReplicaEvent(event)}\n`);
  io.stderr.write(`${syncLine(result, before)}\n`);
  return 0;
}

/** After a change: what the lab holds now, or that nothing changed (an already-applied file). */
function syncLine(result: LabChangeResult, started: number): string {
  const { cluster } = result;
  const holds = `${plural(cluster.pods.length, 'pod')}, ${plural(cluster.policies.length, 'policy')}`;
  const repaired = result.repaired > 0 ? `; ${plural(result.repaired, 'unwired pod')} repaired` : '';
  if (!result.changed && result.repaired === 0) return `lab unchanged: every object was already so (${holds})`;
  return `lab synced in ${Date.now() - started} ms: ${holds}${repaired}`;
}

function plural(n: number, word: string): string {
  return n === 1 ? `${n} ${word}` : `${n} ${word.replace(/y$/, 'ie')}s`;
}
