import { constants as osConstants } from 'node:os';
import { checkName, closestNames, loadCluster } from '@netpol/core';
import {
  execInNetns,
  findLabPod,
  type LabContext,
  LabError,
  labAgentAlive,
  labChange,
  labCluster,
  labPodNetns,
  missingProgram,
  objectKey,
  PROGRAM_PACKAGES,
  requireState,
  type StoredObject,
} from '@netpol/lab';
import { type Io, UsageError } from '../io.js';
import { rawStream } from '../terminal-text.js';
import { labFlag } from './lab-flag.js';
import { namespaceExists, SYSTEM_NAMESPACES } from './lab-resources.js';

/** `netpol lab run` (a fresh pod for one command, like `kubectl run --rm`) and `netpol lab exec`. */

export function parseLabels(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!text) return labels;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (eq <= 0) throw new UsageError(`--labels ${text}: expected k=v,k2=v2`);
    const problem = checkName('label key', key) ?? checkName('label value', value);
    if (problem) throw new UsageError(`--labels ${text}: ${problem.message}`);
    labels[key] = value;
  }
  return labels;
}

/** `lab run`'s flags (kubectl's others are accepted and change nothing). */
export interface RunOptions {
  namespace: string;
  labels?: string;
}

export async function runPod(
  ctx: LabContext,
  name: string,
  command: readonly string[],
  options: RunOptions,
  io: Io,
): Promise<number> {
  if (command.length === 0)
    throw new UsageError('no command: put it after --', 'e.g. netpol lab run t -- curl -m 5 -s backend');
  const { namespace } = options;
  const pod = runPodObject(name, namespace, options.labels);
  const key = objectKey('Pod', namespace, name);
  const existing = refuseTakenPlace(ctx, key, namespace, name);
  assertProgram(command);
  // No warning about a dead agent here: adding the pod is a change, which starts a new one.
  if (existing) {
    io.stderr.write(`note: replacing pod ${namespace}/${name}, left by a lab run that was killed\n`);
    // Removed first, with whatever still runs in it.
    await labChange(ctx, (objects) => objects.filter((o) => o.key !== key));
  }
  return runInPod(ctx, { key, value: pod }, `${namespace}/${name}`, command, io);
}

/** The Pod `lab run NAME -n NS [-l LABELS]` adds, valid as the API server would have it. */
function runPodObject(name: string, namespace: string, labels: string | undefined): Record<string, unknown> {
  // -n was checked as the option was read.
  const problem = checkName('pod name', name);
  if (problem) throw new UsageError(problem.message);
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    // As kubectl run: exactly --labels, else `run: NAME`.
    metadata: {
      name,
      namespace,
      labels: labels ? parseLabels(labels) : { run: name },
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
  return pod;
}

/**
 * Refuses a name the lab has (a replica, or a pod no killed `lab run` left) and a namespace
 * it does not. Returns the leftover pod of a killed `lab run`, which the new one replaces.
 */
function refuseTakenPlace(ctx: LabContext, key: string, namespace: string, name: string): StoredObject | undefined {
  const state = requireState(ctx);
  const existing = state.objects.find((o) => o.key === key);
  const { cluster: before } = labCluster(state.objects);
  const replica = before.pods.find((p) => p.id === `${namespace}/${name}` && p.workload);
  if (replica?.workload) {
    throw new UsageError(
      `pod ${namespace}/${name} already exists in the lab (a replica of ${replica.workload.id})`,
      'pick another name',
    );
  }
  if (existing && !isLeftoverRunPod(existing)) {
    throw new UsageError(`pod ${namespace}/${name} already exists in the lab`, 'pick another name');
  }
  // As the API server: a pod goes into a namespace that exists (a typo would otherwise
  // make a namespace without labels, and the policies would judge that one).
  const namespaces = [...new Set([...SYSTEM_NAMESPACES, ...before.namespaces.keys()])].sort();
  if (!namespaceExists(before, namespace)) {
    throw new UsageError(
      `namespace ${namespace} not found in the lab`,
      `${namespaces.length > 0 ? `did you mean ${closestNames(namespace, namespaces).join(', ')}? ` : ''}To create it: echo '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"${namespace}"}}' | netpol lab apply${labFlag(ctx)} -f -`,
    );
  }
  return existing;
}

/**
 * Adds the pod, runs the command in it and removes it again: its exit code, or 128+signal
 * when a signal came before the command started.
 */
async function runInPod(
  ctx: LabContext,
  stored: StoredObject,
  podId: string,
  command: readonly string[],
  io: Io,
): Promise<number> {
  const { key } = stored;
  let code = 0;
  // Until the pod is gone again this process stays: Ctrl-C reaches the command (same process
  // group), SIGTERM/SIGHUP are passed on to it; one before the command starts skips it.
  let signalled: NodeJS.Signals | undefined;
  const note = (signal: NodeJS.Signals) => {
    signalled ??= signal;
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, note);
  // Checked again under the lab lock: two `lab run` of one name at once must not share (and
  // then remove) one pod; only the pod this process added is removed at the end.
  let added = false;
  try {
    const { cluster } = await labChange(ctx, (objects) => {
      const other = objects.find((o) => o.key === key);
      if (other && !isLeftoverRunPod(other)) {
        throw new UsageError(`pod ${podId} already exists in the lab`, 'pick another name');
      }
      added = true;
      return [...objects.filter((o) => o.key !== key), stored];
    });
    const model = cluster.pods.find((p) => p.id === podId);
    if (!model) throw new LabError(`pod ${podId} did not join the lab`);
    code = signalled
      ? 128 + (osConstants.signals[signalled] ?? 0)
      : await execInNetns(labPodNetns(requireState(ctx), model), command, streamsFor(io));
  } finally {
    try {
      if (added) await labChange(ctx, (objects) => objects.filter((o) => o.key !== key || !isOurs(o)));
    } finally {
      for (const s of signals) process.off(s, note);
    }
  }
  return code;
}

const RUN_PID_ANNOTATION = 'netpol.dev/lab-run-pid';

/** A pod made by a `lab run` whose process no longer exists (SIGKILLed before removing it). */
/** A pod this very `lab run` made (its annotation names this process). */
function isOurs(object: StoredObject): boolean {
  const metadata = object.value.metadata as { annotations?: Record<string, unknown> } | undefined;
  return metadata?.annotations?.[RUN_PID_ANNOTATION] === String(process.pid);
}

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

/** The command's own output goes through untouched (it is the user's program, not netpol's text). */
function streamsFor(io: Io) {
  const stdout = rawStream(io.stdout);
  const stderr = rawStream(io.stderr);
  const inherit = stdout === process.stdout && stderr === process.stderr;
  return { inherit, stdout: (d: string) => stdout.write(d), stderr: (d: string) => stderr.write(d) };
}

export async function execPod(
  ctx: LabContext,
  given: string,
  command: readonly string[],
  options: { namespace?: string },
  io: Io,
): Promise<number> {
  const { namespace } = options;
  if (namespace !== undefined && given.includes('/')) {
    throw new UsageError(`-n ${namespace} ${given}: give the pod as NAME with -n, or as NS/NAME without it`);
  }
  // As `kubectl exec -n frontend frontend-client -- ...`.
  const ref = namespace !== undefined ? `${namespace}/${given}` : given;
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
  await warnIfAgentDown(ctx, io);
  return execInNetns(labPodNetns(state, pod), command, streamsFor(io));
}

/**
 * Without its agent the lab has no DNS and no pod answers: `curl backend` fails with exit 6
 * (name not resolved) and nothing says why. Said once, before `lab exec` runs its command
 * (`lab run` changes the lab, which starts a new agent).
 */
async function warnIfAgentDown(ctx: LabContext, io: Io): Promise<void> {
  if (await labAgentAlive(ctx)) return;
  io.stderr.write(
    `warning: the agent of lab '${ctx.labId}' is not running: the cluster DNS and every pod's ports are down (names do not resolve: curl exits 6)\nhint: any change starts it again (netpol lab apply${labFlag(ctx)} -f FILE, even of a file already applied; lab run too); lab status shows the lab's state\n`,
  );
}
