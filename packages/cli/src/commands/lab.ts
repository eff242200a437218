import { constants as osConstants } from 'node:os';
import {
  type ClusterModel,
  closestNames,
  type Issue,
  loadCluster,
  NAMESPACE_NAME_LABEL,
  PROTOCOLS,
  type Protocol,
} from '@netpol/core';
import {
  applyObjects,
  checkLabId,
  DEFAULT_LAB_ID,
  DEFAULT_OUTSIDE_HOSTS,
  deleteObjects,
  execInNetns,
  findLabPod,
  fixAddresses,
  type LabContext,
  LabError,
  labChange,
  labCluster,
  labDown,
  labPodNetns,
  labPreflight,
  labProbe,
  labStateDir,
  labStatus,
  labUp,
  lockHolder,
  missingProgram,
  type OutsideHost,
  objectKey,
  outsideAddressesWithoutHost,
  PROGRAM_PACKAGES,
  type ProbePort,
  type ProbeReport,
  requireState,
  type StoredObject,
  storeObject,
} from '@netpol/lab';
import { colorsFor } from '../colors.js';
import type { CommandContext } from '../command-spec.js';
import { ExitError, type Io, UsageError } from '../io.js';
import { loadInput } from '../load-input.js';
import { formatIssue } from '../print-issues.js';
import {
  describeRef,
  isLabelArg,
  type LabelOutcome,
  labelObjects,
  namespaceExists,
  type ObjectRef,
  objectRefs,
  parseLabelArgs,
  SYSTEM_NAMESPACES,
} from './lab-resources.js';

type Sub = 'up' | 'down' | 'status' | 'apply' | 'delete' | 'label' | 'run' | 'exec' | 'probe';

/** `netpol lab <sub>`: every lab failure is an expected one (exit 2, message and hint). */
export async function labCommand(sub: Sub, { args, options, io }: CommandContext): Promise<number> {
  const labId = (options.lab as string | undefined) ?? io.env.NETPOL_LAB ?? DEFAULT_LAB_ID;
  const bad = checkLabId(labId);
  if (bad) throw new UsageError(bad);
  const problem = await labPreflight();
  if (problem) throw new UsageError(problem.problem, problem.hint);
  const ctx: LabContext = { labId, log: (line) => io.stderr.write(`${line}\n`) };
  try {
    switch (sub) {
      case 'up':
        return await up(ctx, options, io);
      case 'down':
        return await down(ctx, io);
      case 'status':
        return await status(ctx, options, io);
      case 'apply':
      case 'delete':
        return await change(ctx, sub, args, options, io);
      case 'label':
        return await label(ctx, args, options, io);
      case 'run':
        return await runPod(ctx, args, options, io);
      case 'exec':
        return await execPod(ctx, args, options, io);
      case 'probe':
        return await probe(ctx, options, io);
    }
  } catch (error) {
    if (error instanceof LabError) throw new UsageError(error.message, error.hint);
    throw error;
  }
}

async function readObjects(options: Record<string, unknown>, io: Io, sub: Sub): Promise<StoredObject[]> {
  if (((options.filename as string[] | undefined) ?? []).length === 0) {
    throw new UsageError(
      'no input: give at least one -f PATH',
      `e.g. netpol lab ${sub} -f examples/000-part1-pod-label-ingress/${sub === 'up' ? 'backend' : 'default-deny-ingress'}.yaml`,
    );
  }
  const { objects, sources } = await loadInput(
    { file: options.filename as string[], recursive: options.recursive as boolean },
    io,
  );
  const fixed = fixAddresses(objects.map(storeObject), options.readdress === true);
  for (const note of fixed.notes) io.stderr.write(`note: ${note}\n`);
  if (fixed.problems.length > 0) {
    // As every input error: file:line:col, object, field path.
    const c = colorsFor(io.stderr, io);
    for (const p of fixed.problems) {
      const o = objects[p.index];
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
      fixed.problems.some((p) => p.reason === 'outside')
        ? 'hint: the lab only uses 198.18.0.0/15 for pods; --readdress gives such pods lab addresses (ipBlock rules may then match differently)\n'
        : 'hint: give each pod its own status.podIP in 198.18.0.0/15, or none (the lab then assigns one)\n',
    );
    throw new ExitError(2);
  }
  return fixed.objects;
}

function parseOutside(values: string[]): OutsideHost[] {
  if (values.length === 0) return [...DEFAULT_OUTSIDE_HOSTS];
  return values.map((v) => {
    const m = /^([A-Za-z0-9.-]+)=(203\.0\.113\.(\d{1,3}))$/.exec(v);
    if (!m || Number(m[3]) < 1 || Number(m[3]) > 254) {
      throw new UsageError(
        `--outside ${v}: expected NAME=IP with IP in 203.0.113.1-254`,
        'e.g. --outside example.com=203.0.113.10',
      );
    }
    return { name: m[1].toLowerCase(), ip: m[2] };
  });
}

function lab(ctx: LabContext): string {
  return ctx.labId === DEFAULT_LAB_ID ? '' : ` --lab ${ctx.labId}`;
}

async function up(ctx: LabContext, options: Record<string, unknown>, io: Io): Promise<number> {
  const outside = parseOutside((options.outside as string[]) ?? []);
  const objects = await readObjects(options, io, 'up');
  const enforce = options.enforce !== false;
  const started = Date.now();
  const state = await untilInterrupted(ctx, io, () => labUp(ctx, { enforce, objects, outside }));
  if (!state) return 130;
  const { cluster, addedDns, nameserver } = labCluster(state.objects);
  const c = colorsFor(io.stdout, io);
  io.stdout.write(
    `lab '${ctx.labId}' is up in ${((Date.now() - started) / 1000).toFixed(1)}s: ${plural(cluster.pods.length, 'pod')}, ${plural(cluster.services.length, 'service')}, ${plural(cluster.policies.length, 'policy')}\n`,
  );
  io.stdout.write(
    `  NetworkPolicy: ${enforce ? c.green('enforced') : c.yellow('NOT enforced (--no-enforce: like kindnet, policies are inert)')}\n`,
  );
  io.stdout.write(`  cluster DNS: ${nameserver}${addedDns ? ' (kube-system/coredns, added by the lab)' : ''}\n`);
  io.stdout.write(`  outside hosts: ${state.outside.map((o) => `${o.name}=${o.ip}`).join(', ')}\n`);
  io.stdout.write(`try: ${tryCommand(cluster, ctx)}\n`);
  noteOutsideWithoutHost(cluster, state.outside, io);
  return 0;
}

/** A first command to try, with a Service of the lab (as the seeds curl theirs). */
export function tryCommand(cluster: ClusterModel, ctx: LabContext): string {
  const service = cluster.services.find(
    (s) => s.namespace !== 'kube-system' && s.clusterIP && s.ports.some((p) => p.protocol === 'TCP'),
  );
  if (!service) return `netpol lab run test-client${lab(ctx)} -- curl -m 5 -s POD_IP   (netpol lab status lists them)`;
  const port = service.ports.find((p) => p.protocol === 'TCP')?.port ?? 80;
  const host = service.namespace === 'default' ? service.name : `${service.name}.${service.namespace}`;
  return `netpol lab run test-client${lab(ctx)} -- curl -m 5 -s ${host}${port === 80 ? '' : `:${port}`}`;
}

/** ipBlock rules naming 203.0.113.x that no outside host has: say how to add one. */
function noteOutsideWithoutHost(cluster: ClusterModel, outside: readonly OutsideHost[], io: Io): void {
  const missing = outsideAddressesWithoutHost(
    cluster,
    outside.map((o) => o.ip),
  );
  if (missing.length === 0) return;
  const flags = [...outside.map((o) => `${o.name}=${o.ip}`), ...missing.map((ip) => `host${ip.split('.')[3]}=${ip}`)]
    .map((f) => `--outside ${f}`)
    .join(' ');
  io.stderr.write(
    `note: policies name ${missing.join(', ')}, which no outside host of this lab has (connections there fail at once, not as the policy says); to try them: netpol lab up ${flags} ...\n`,
  );
}

/**
 * Ctrl-C (or SIGTERM) during `lab up` removes the half-built lab instead of leaving it for
 * `lab down`: the signal is noted, `up` runs on (or fails, and removes what it made), then
 * the lab goes. Undefined when interrupted.
 */
async function untilInterrupted<T>(ctx: LabContext, io: Io, work: () => Promise<T>): Promise<T | undefined> {
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    io.stderr.write(`interrupted: removing lab '${ctx.labId}'...\n`);
  };
  // SIGHUP: the terminal closed.
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  try {
    let result: T | undefined;
    try {
      result = await work();
    } catch (error) {
      if (!interrupted) throw error;
    }
    if (!interrupted) return result;
    await labDown(ctx);
    io.stderr.write(`lab '${ctx.labId}' removed\n`);
    return undefined;
  } finally {
    for (const signal of signals) process.off(signal, onSignal);
  }
}

async function down(ctx: LabContext, io: Io): Promise<number> {
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

async function status(ctx: LabContext, options: Record<string, unknown>, io: Io): Promise<number> {
  const st = await labStatus(ctx);
  const { state, lab: lc } = st;
  const pods = lc.cluster.pods.map((p) => ({
    id: p.id,
    workload: p.workload?.id ?? null,
    ip: p.ips[0],
    netns: state.pods[p.id]?.netns ?? null,
    labels: p.labels,
  }));
  if (options.output === 'json') {
    io.stdout.write(
      `${JSON.stringify(
        {
          lab: ctx.labId,
          enforce: state.enforce,
          agent: st.agentAlive,
          stateDir: labStateDir(ctx),
          pods,
          services: lc.cluster.services.map((s) => ({ id: s.id, clusterIP: s.clusterIP ?? null })),
          policies: lc.cluster.policies.map((p) => p.id),
          namespaces: [...lc.cluster.namespaces.values()]
            .map((n) => ({ name: n.name, labels: n.labels }))
            .sort((a, b) => (a.name < b.name ? -1 : 1)),
          outside: state.outside.map((o) => ({ name: o.name, ip: o.ip, netns: o.netns })),
          missingNetns: st.missingNetns,
          podsWithoutNetns: st.podsWithoutNetns,
          interrupted: st.interrupted,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const w = Math.max(10, ...pods.map((p) => p.id.length));
    io.stdout.write(
      `lab '${ctx.labId}' (${state.enforce ? 'enforcing' : 'NOT enforcing'} NetworkPolicy), agent ${st.agentAlive ? 'running' : 'NOT running'}, up since ${state.createdAt}\n`,
    );
    // As `kubectl get pods -o wide --show-labels` and `get namespaces --show-labels`: the
    // labels are what the policies select on.
    const showLabels = (labels: Readonly<Record<string, string>>, skip?: string) =>
      Object.entries(labels)
        .filter(([k]) => k !== skip)
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '-';
    const nw = Math.max(8, ...pods.map((p) => (p.netns ?? '-').length));
    io.stdout.write(`${'POD'.padEnd(w)}  ${'IP'.padEnd(15)}  ${'NETNS'.padEnd(nw)}  LABELS\n`);
    for (const p of pods) {
      io.stdout.write(
        `${p.id.padEnd(w)}  ${p.ip.padEnd(15)}  ${(p.netns ?? '-').padEnd(nw)}  ${showLabels(p.labels)}\n`,
      );
    }
    for (const n of [...lc.cluster.namespaces.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      io.stdout.write(`namespace ${n.name} ${showLabels(n.labels, NAMESPACE_NAME_LABEL)}\n`);
    }
    for (const s of lc.cluster.services) io.stdout.write(`service ${s.id} ${s.clusterIP ?? '(headless)'}\n`);
    for (const p of lc.cluster.policies) io.stdout.write(`policy ${p.id}\n`);
    for (const o of state.outside) io.stdout.write(`outside ${o.name} ${o.ip}\n`);
    if (st.missingNetns.length) io.stdout.write(`missing namespaces: ${st.missingNetns.join(', ')}\n`);
    if (st.busyPid !== undefined) io.stdout.write(`being changed right now by process ${st.busyPid}\n`);
  }
  if (st.interrupted) {
    io.stderr.write(
      `netpol: a lab up/apply/run of lab '${ctx.labId}' was interrupted before the lab matched its objects\nhint: netpol lab down${lab(ctx)}, then lab up again\n`,
    );
  }
  const settled = st.busyPid !== undefined || st.podsWithoutNetns.length === 0;
  return st.agentAlive && st.missingNetns.length === 0 && !st.interrupted && settled ? 0 : 1;
}

async function change(
  ctx: LabContext,
  sub: 'apply' | 'delete',
  args: unknown[],
  options: Record<string, unknown>,
  io: Io,
): Promise<number> {
  const named = ((args[0] as string[] | undefined) ?? []).filter((a) => a !== '');
  const files = (options.filename as string[] | undefined) ?? [];
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
  const { cluster } = await finishFirst(io, () =>
    labChange(ctx, (objects) => {
      if (sub === 'apply') return applyObjects(objects, incoming);
      const held = new Set(objects.map((o) => o.key));
      missing = incoming.filter((o) => !held.has(o.key)).map((o) => o.key);
      return deleteObjects(objects, incoming);
    }),
  );
  const ignore = options.ignoreNotFound === true;
  for (const o of incoming) {
    const [kind, ns, name] = o.key.split('/');
    const what = describeRef({ kind, namespace: ns, name });
    if (missing.includes(o.key)) {
      if (!ignore) io.stderr.write(`netpol: ${what} not found in the lab\n`);
    } else io.stdout.write(`${what} ${sub === 'apply' ? 'applied' : 'deleted'}\n`);
  }
  io.stderr.write(
    `lab synced in ${Date.now() - before} ms: ${plural(cluster.pods.length, 'pod')}, ${plural(cluster.policies.length, 'policy')}\n`,
  );
  if (sub === 'apply') noteOutsideWithoutHost(cluster, outside, io);
  return missing.length > 0 && !ignore ? 1 : 0;
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
async function deleteNamed(
  ctx: LabContext,
  args: readonly string[],
  options: Record<string, unknown>,
  io: Io,
): Promise<number> {
  const refs = objectRefs(args, (options.namespace as string | undefined) ?? 'default');
  const ignore = options.ignoreNotFound === true;
  const before = Date.now();
  const problems: string[] = [];
  const deleted: ObjectRef[] = [];
  const { cluster } = await finishFirst(io, () =>
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
        const pod = ref.kind === 'Pod' ? now.pods.find((p) => p.id === `${ref.namespace}/${ref.name}`) : undefined;
        if (pod?.workload) {
          problems.push(
            `${describeRef(ref)} is a replica of ${pod.workload.id}, which would make it again: netpol lab delete ${pod.workload.kind.toLowerCase()} ${pod.workload.name}${pod.namespace === 'default' ? '' : ` -n ${pod.namespace}`}`,
          );
        } else if (!ignore) problems.push(`${describeRef(ref)} not found in the lab`);
      }
      return deleteObjects(objects, doomed);
    }),
  );
  for (const ref of deleted) io.stdout.write(`${describeRef(ref)} deleted\n`);
  for (const p of problems) io.stderr.write(`netpol: ${p}\n`);
  io.stderr.write(
    `lab synced in ${Date.now() - before} ms: ${plural(cluster.pods.length, 'pod')}, ${plural(cluster.policies.length, 'policy')}\n`,
  );
  return problems.length > 0 ? 1 : 0;
}

/** `lab label namespace backend access=backend`, `lab label pod x -n ns role- --overwrite`. */
async function label(ctx: LabContext, args: unknown[], options: Record<string, unknown>, io: Io): Promise<number> {
  const all = (args[0] as string[] | undefined) ?? [];
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
  const refs = objectRefs(all.slice(0, first), (options.namespace as string | undefined) ?? 'default');
  const labels = parseLabelArgs(all.slice(first));
  const before = Date.now();
  let outcomes: LabelOutcome[] = [];
  const { cluster } = await finishFirst(io, () =>
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
  io.stderr.write(
    `lab synced in ${Date.now() - before} ms: ${plural(cluster.pods.length, 'pod')}, ${plural(cluster.policies.length, 'policy')}\n`,
  );
  return 0;
}

function plural(n: number, word: string): string {
  return n === 1 ? `${n} ${word}` : `${n} ${word.replace(/y$/, 'ie')}s`;
}

function parseLabels(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!text) return labels;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq <= 0 || !/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(key)) {
      throw new UsageError(`--labels ${text}: expected k=v,k2=v2 with valid label keys`);
    }
    if (!/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(value) || value.length > 63) {
      throw new UsageError(`--labels ${text}: '${value}' is not a valid label value`);
    }
    labels[key] = value;
  }
  return labels;
}

async function runPod(ctx: LabContext, args: unknown[], options: Record<string, unknown>, io: Io): Promise<number> {
  const name = args[0] as string;
  const command = (args[1] as string[]) ?? [];
  if (command.length === 0)
    throw new UsageError('no command: put it after --', 'e.g. netpol lab run t -- curl -m 5 -s backend');
  const namespace = (options.namespace as string) ?? 'default';
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace) || namespace.length > 63) {
    throw new UsageError(`-n ${namespace}: a namespace name is a DNS-1123 label (lowercase letters, digits, -)`);
  }
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) {
    throw new UsageError(`${name}: a pod name is a DNS-1123 subdomain (lowercase letters, digits, - and .)`);
  }
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    // As kubectl run: exactly --labels, else `run: NAME`.
    metadata: {
      name,
      namespace,
      labels: options.labels ? parseLabels(options.labels as string) : { run: name },
      // Which `lab run` owns the pod: one whose process is gone (killed) is a leftover.
      annotations: { [RUN_PID_ANNOTATION]: String(process.pid) },
    },
    spec: { containers: [{ name, image: 'netpol-lab' }] },
  };
  // Validate the pod as the API server would (name, labels).
  const checked = loadCluster([{ name: '<lab run>', text: JSON.stringify(pod) }]);
  const errors = checked.issues.filter((i) => i.severity === 'error');
  if (errors.length)
    throw new UsageError(`invalid pod: ${errors.map((e) => `${e.path.join('.')}: ${e.message}`).join('; ')}`);
  const key = objectKey('Pod', namespace, name);
  const state = requireState(ctx);
  const existing = state.objects.find((o) => o.key === key);
  if (existing && !isLeftoverRunPod(existing)) {
    throw new UsageError(`pod ${namespace}/${name} already exists in the lab`, 'pick another name');
  }
  const { cluster: before } = labCluster(state.objects);
  const replica = before.pods.find((p) => p.id === `${namespace}/${name}` && p.workload);
  if (replica?.workload) {
    throw new UsageError(
      `pod ${namespace}/${name} already exists in the lab (a replica of ${replica.workload.id})`,
      'pick another name',
    );
  }
  // As the API server: a pod goes into a namespace that exists (a typo would otherwise
  // make a namespace without labels, and the policies would judge that one).
  const namespaces = [...new Set([...SYSTEM_NAMESPACES, ...before.namespaces.keys()])].sort();
  if (!namespaceExists(before, namespace)) {
    throw new UsageError(
      `namespace ${namespace} not found in the lab`,
      `${namespaces.length > 0 ? `did you mean ${closestNames(namespace, namespaces).join(', ')}? ` : ''}To create it: echo '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"${namespace}"}}' | netpol lab apply${lab(ctx)} -f -`,
    );
  }
  assertProgram(command);
  if (existing) {
    io.stderr.write(`note: replacing pod ${namespace}/${name}, left by a lab run that was killed\n`);
    // Removed first, with whatever still runs in it.
    await labChange(ctx, (objects) => objects.filter((o) => o.key !== key));
  }
  const stored: StoredObject = { key, value: pod };
  let code = 0;
  // Until the pod is gone again this process stays: Ctrl-C reaches the command (same process
  // group), SIGTERM/SIGHUP are passed on to it; one before the command starts skips it.
  let signalled: NodeJS.Signals | undefined;
  const note = (signal: NodeJS.Signals) => {
    signalled ??= signal;
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, note);
  try {
    const { cluster } = await labChange(ctx, (objects) => [...objects.filter((o) => o.key !== key), stored]);
    const model = cluster.pods.find((p) => p.id === `${namespace}/${name}`);
    if (!model) throw new LabError(`pod ${namespace}/${name} did not join the lab`);
    code = signalled
      ? 128 + (osConstants.signals[signalled] ?? 0)
      : await execInNetns(labPodNetns(requireState(ctx), model), command, streamsFor(io));
  } finally {
    try {
      await labChange(ctx, (objects) => objects.filter((o) => o.key !== key));
    } finally {
      for (const s of signals) process.off(s, note);
    }
  }
  return code;
}

const RUN_PID_ANNOTATION = 'netpol.dev/lab-run-pid';

/** A pod made by a `lab run` whose process no longer exists (SIGKILLed before removing it). */
function isLeftoverRunPod(object: StoredObject): boolean {
  const metadata = object.value.metadata as { annotations?: Record<string, unknown> } | undefined;
  const pid = Number(metadata?.annotations?.[RUN_PID_ANNOTATION]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as { code?: string }).code === 'ESRCH';
  }
}

/** The program is not on this machine: say so before a pod is made for it. */
function assertProgram(command: readonly string[]): void {
  const missing = missingProgram(command);
  if (!missing) return;
  const pkg = PROGRAM_PACKAGES[missing];
  throw new UsageError(
    `${missing}: command not found on this machine`,
    `lab pods run the host's programs${pkg ? `; install it: apt-get install ${pkg}` : ''}${missing === 'nslookup' || missing === 'dig' || missing === 'host' ? ' (or look names up with: getent hosts NAME)' : ''}`,
  );
}

function streamsFor(io: Io) {
  const inherit = io.stdout === process.stdout && io.stderr === process.stderr;
  return { inherit, stdout: (d: string) => io.stdout.write(d), stderr: (d: string) => io.stderr.write(d) };
}

async function execPod(ctx: LabContext, args: unknown[], options: Record<string, unknown>, io: Io): Promise<number> {
  const namespace = options.namespace as string | undefined;
  const given = args[0] as string;
  if (namespace !== undefined && given.includes('/')) {
    throw new UsageError(`-n ${namespace} ${given}: give the pod as NAME with -n, or as NS/NAME without it`);
  }
  // As `kubectl exec -n frontend frontend-client -- ...`.
  const ref = namespace !== undefined ? `${namespace}/${given}` : given;
  const command = (args[1] as string[]) ?? [];
  const state = requireState(ctx);
  // An outside host (by name or address) can run commands too: ingress from outside.
  const host =
    namespace === undefined ? state.outside.find((o) => o.name === given.toLowerCase() || o.ip === given) : undefined;
  if (host) {
    assertProgram(command);
    return execInNetns(host.netns, command, streamsFor(io));
  }
  const { cluster } = labCluster(state.objects);
  const pod = findLabPod(cluster, ref);
  if (!pod) {
    // Every name exec takes: pods, workloads (ns/name[Kind]), outside hosts.
    const names = [
      ...cluster.pods.map((p) => p.id),
      ...cluster.workloads.map((w) => `${w.namespace}/${w.name}[${w.kind}]`),
      ...state.outside.map((o) => o.name),
    ];
    throw new UsageError(
      `no pod ${ref} in the lab`,
      names.length > 0 ? `did you mean ${closestNames(ref, names).join(', ')}?` : 'the lab has no pods',
    );
  }
  assertProgram(command);
  return execInNetns(labPodNetns(state, pod), command, streamsFor(io));
}

function parsePorts(values: string[]): ProbePort[] {
  return values.map((v) => {
    const [port, proto = 'TCP'] = v.split('/');
    const protocol = proto.toUpperCase() as Protocol;
    if (!PROTOCOLS.includes(protocol)) throw new UsageError(`--port ${v}: protocol must be TCP, UDP or SCTP`);
    if (/^\d+$/.test(port)) {
      const n = Number(port);
      if (n < 1 || n > 65535) throw new UsageError(`--port ${v}: port must be 1-65535`);
      return { port: n, protocol };
    }
    if (!/^[a-z0-9-]{1,15}$/.test(port)) throw new UsageError(`--port ${v}: expected a number or a port name`);
    return { port, protocol };
  });
}

async function probe(ctx: LabContext, options: Record<string, unknown>, io: Io): Promise<number> {
  const ports = parsePorts((options.port as string[]) ?? []);
  const timeoutMs = Number(options.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 50 || timeoutMs > 30_000) {
    throw new UsageError('--timeout must be 50-30000 ms');
  }
  const state = requireState(ctx);
  if (state.pending && lockHolder(labStateDir(ctx)) === undefined) {
    io.stderr.write(
      `warning: a lab up/apply/run was interrupted before the lab matched its objects: disagreements may be the lab's, not the engine's (netpol lab down${lab(ctx)}, then lab up again)\n`,
    );
  }
  const report = await labProbe(state, labStateDir(ctx), { ports, timeoutMs });
  if (options.output === 'json') {
    io.stdout.write(
      `${compactRows({
        endpoints: report.endpoints,
        results: report.results.map((r) => ({
          port: r.port,
          protocol: r.protocol,
          allowed: r.allowed,
          expected: r.expected,
          ...(report.enforce ? {} : { engine: r.engine }),
          ...(r.note ? { note: r.note } : {}),
        })),
        enforce: report.enforce,
        disagreements: report.disagreements,
      })}\n`,
    );
  } else printProbe(report, io);
  return report.disagreements.length > 0 ? 1 : 0;
}

function printProbe(report: ProbeReport, io: Io): void {
  const c = colorsFor(io.stdout, io);
  const w = Math.max(8, ...report.endpoints.map((e) => e.length));
  const n = report.endpoints.length;
  if (!report.enforce) {
    io.stdout.write(
      c.yellow('this lab does NOT enforce NetworkPolicy (--no-enforce): expected = everything allowed\n'),
    );
  }
  for (const r of report.results) {
    io.stdout.write(`\n${r.port}/${r.protocol}${r.note ? ` — ${r.note}` : ''}\n`);
    if (r.note) continue;
    io.stdout.write(`${''.padEnd(w + 5)}${report.endpoints.map((_, j) => String(j).padStart(3)).join('')}\n`);
    for (let i = 0; i < n; i++) {
      const cells = report.endpoints.map((_, j) => {
        const o = r.allowed[i][j];
        const e = r.expected[i][j];
        if (o === null) return '  .';
        const mark = o ? ' ok' : ' --';
        if (e !== null && e !== o) return c.red(o ? ' !o' : ' !-');
        return o ? c.green(mark) : c.dim(mark);
      });
      io.stdout.write(`${String(i).padStart(3)}  ${report.endpoints[i].padEnd(w)}${cells.join('')}\n`);
    }
  }
  io.stdout.write(
    `\nrows: from, columns: to; ok = connected (or refused: the network let it through), -- = timed out (dropped), . = not probed${report.disagreements.length > 0 ? '; !o / !- = observed ok / timed out where the engine says otherwise' : ''}\n`,
  );
  if (report.disagreements.length === 0) {
    io.stdout.write(
      c.green(
        `every probe agrees with the engine${report.enforce ? '' : ' (everything allowed: policies are inert)'}\n`,
      ),
    );
    if (!report.enforce && report.inert > 0) {
      io.stdout.write(
        c.yellow(
          `${report.inert} of these connections went through although the policies deny them: nothing enforces them\n`,
        ),
      );
    }
    return;
  }
  io.stdout.write(
    c.red(
      `${report.disagreements.length} disagreement${report.disagreements.length === 1 ? '' : 's'} with the engine (!):\n`,
    ),
  );
  for (const d of report.disagreements.slice(0, 50)) {
    io.stdout.write(
      `  ${d.from} -> ${d.to} ${d.port}/${d.protocol}: observed ${d.observed ? 'allowed' : 'denied'} (${d.detail}), engine says ${d.expected ? 'allowed' : 'denied'}\n`,
    );
  }
}

/** Pretty JSON with each matrix row on one line (`[true, false, null]`), as people read it. */
function compactRows(value: { endpoints: string[]; [key: string]: unknown }): string {
  // The endpoint list on one line, as `netpol matrix -o json` prints it.
  const marker = '\u0000endpoints\u0000';
  return JSON.stringify({ ...value, endpoints: marker }, null, 2)
    .replace(JSON.stringify(marker), () => JSON.stringify(value.endpoints))
    .replace(
      /\[\s*((?:true|false|null)(?:,\s*(?:true|false|null))*)\s*\]/g,
      (_, row: string) => `[${row.split(/,\s*/).join(', ')}]`,
    );
}
