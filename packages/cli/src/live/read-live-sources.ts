import { at, keepForKind, pruneToKeep, type SourceFile } from '@netpol/core';
import { colorsFor } from '../colors.js';
import { DEFAULT_MAX_INPUT_BYTES } from '../input-limit.js';
import { type Io, UsageError } from '../io.js';
import { type ApiTarget, loadApiTarget } from './kubeconfig.js';
import { ApiStatusError, type ListOutcome, listResource, ReadBudget } from './list-resource.js';
import type { LiveOptions } from './live-options.js';
import { objectKey } from './object-key.js';
import { parseDuration } from './parse-duration.js';
import { redactError } from './redact.js';
import { FOREIGN_POLICY_RESOURCES, LIVE_RESOURCES, type LiveResource } from './resources.js';

/** Lists in flight at once (a kind per namespace with several -n). */
const CONCURRENCY = 6;

/**
 * The live cluster as sources: one typed list per kind (`cluster:<context>/pods`, JSON text),
 * so validation, the model and positions work as for files. Objects whose key is in
 * `replaced` (they come from -f files) are left out; a note says which. Kinds the server
 * does not serve are a note; every other failure is a one-line UsageError.
 */
export async function readLiveSources(
  options: LiveOptions,
  io: Io,
  replaced: ReadonlyMap<string, string>,
): Promise<SourceFile[]> {
  const secrets: string[] = [];
  try {
    return await readLive(options, io, replaced, secrets);
  } catch (error) {
    throw redactError(error, secrets);
  }
}

async function readLive(
  options: LiveOptions,
  io: Io,
  replaced: ReadonlyMap<string, string>,
  secrets: string[],
): Promise<SourceFile[]> {
  const timeoutMs = timerDuration('--request-timeout', options.requestTimeout ?? '15s');
  const budget = new ReadBudget({
    timeMs: timerDuration('--read-timeout', options.readTimeout ?? '5m'),
    bytes: io.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES,
  });
  const target = await loadApiTarget({ ...options, timeoutMs }, io);
  secrets.push(...targetSecrets(target));
  // One list per kind, or per kind and namespace with -n (cluster-scoped kinds: one list).
  const jobsOf = (resources: readonly LiveResource[]): { resource: LiveResource; namespace?: string }[] =>
    resources.flatMap((resource) =>
      (resource.namespaced ? (options.namespaces ?? [undefined]) : [undefined]).map((namespace) => ({
        resource,
        namespace,
      })),
    );
  const jobs = jobsOf(LIVE_RESOURCES);
  const list = async (job: (typeof jobs)[number]): Promise<ListOutcome> => {
    try {
      return await listResource({ target, resource: job.resource, namespace: job.namespace, timeoutMs, budget });
    } catch (error) {
      // A user with namespace-scoped rights often cannot list Namespaces: with -n, go on.
      if (error instanceof ApiStatusError && error.status === 403 && !job.resource.namespaced && options.namespaces) {
        return { missing: `${error.message}; namespaceSelectors see only the kubernetes.io/metadata.name label` };
      }
      if (error instanceof ApiStatusError && error.status === 403 && job.resource.forbiddenNote) {
        return { missing: `${error.message}; ${job.resource.forbiddenNote}` };
      }
      throw error;
    }
  };
  const foreignJobs = jobsOf(FOREIGN_POLICY_RESOURCES);
  // A foreign kind that is not installed (404), or that this user may not list (403, which
  // RBAC answers whether or not it is installed), tells nothing: only a count is news.
  const countForeign = async (job: (typeof foreignJobs)[number]): Promise<number> => {
    try {
      const outcome = await listResource({
        target,
        resource: job.resource,
        namespace: job.namespace,
        timeoutMs,
        budget,
      });
      return 'items' in outcome ? outcome.items.length : 0;
    } catch (error) {
      if (error instanceof ApiStatusError && (error.status === 403 || error.status === 404)) return 0;
      throw error;
    }
  };
  const outcomes = await runLimited(jobs.map((job) => () => list(job)));
  // After the lists netpol reads, so those keep the concurrency and the budget first.
  const foreignCounts = await runLimited(foreignJobs.map((job) => () => countForeign(job)));
  const note = noteWriter(io);
  warnForeign(io, target.context, foreignJobs, foreignCounts);
  const sources: SourceFile[] = [];
  for (const resource of LIVE_RESOURCES) {
    const name = `cluster:${target.context}/${resource.plural}`;
    const items: Record<string, unknown>[] = [];
    for (const [i, job] of jobs.entries()) {
      if (job.resource !== resource) continue;
      const outcome = at(outcomes, i);
      if ('missing' in outcome) note(name, outcome.missing);
      else items.push(...outcome.items);
    }
    const kept = items.filter((item) => {
      const { kind, namespace, name: objectName } = identity(resource, item);
      const file = replaced.get(objectKey(kind, namespace, objectName));
      if (file) note(name, `${kind} ${namespace ? `${namespace}/` : ''}${objectName}: replaced by the one in ${file}`);
      return !file;
    });
    if (kept.length === 0) continue;
    // Only what netpol reads, as a streamed file is read: 150,000 pods with their status and
    // managedFields would not fit in one text.
    const keep = keepForKind(resource.kind, true);
    const typed = {
      apiVersion: resource.apiVersion,
      kind: `${resource.kind}List`,
      items: kept.map((item) => pruneToKeep(item, keep)),
    };
    sources.push({ name, text: `${JSON.stringify(typed, null, 2)}\n` });
  }
  return sources;
}

/** Node's timers hold at most 2^31-1 ms (24.8 days); a longer one fires at once, every time. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function timerDuration(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (!ms || ms <= 0) throw new UsageError(`${flag} ${text}: expected a duration such as 15s, 500ms or 1m`);
  if (ms > MAX_TIMER_MS) throw new UsageError(`${flag} ${text}: at most 24 days (596h)`);
  return ms;
}

/** The kubeconfig's secrets as they travel in requests (bearer token, basic auth). */
function targetSecrets(target: ApiTarget): string[] {
  const out: string[] = [];
  const headers = (target.request.headers ?? {}) as Record<string, unknown>;
  const authorization = headers.Authorization ?? headers.authorization;
  if (typeof authorization === 'string') out.push(authorization.replace(/^(Bearer|Basic)\s+/i, ''));
  if (typeof target.request.auth === 'string') out.push(...target.request.auth.split(':').slice(1));
  return out.filter((s) => s !== '');
}

function identity(resource: LiveResource, item: Record<string, unknown>) {
  const meta = (item.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  return {
    kind: resource.kind,
    name: typeof meta.name === 'string' ? meta.name : '',
    namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined,
  };
}

/**
 * One warning per foreign policy kind the cluster holds: netpol's verdicts follow the
 * NetworkPolicies and admin tiers alone, and those policies also allow or deny traffic.
 */
function warnForeign(
  io: Io,
  context: string,
  jobs: readonly { resource: LiveResource }[],
  counts: readonly number[],
): void {
  const c = colorsFor(io.stderr, io);
  for (const resource of FOREIGN_POLICY_RESOURCES) {
    const n = jobs.reduce((sum, job, i) => sum + (job.resource === resource ? at(counts, i) : 0), 0);
    if (n === 0) continue;
    io.stderr.write(
      `cluster:${context}/${resource.plural}: ${c.yellow('warning')}: ${n} ${resource.apiVersion} ${resource.kind} object${n === 1 ? '' : 's'}, which netpol does not evaluate: where ${n === 1 ? 'it applies' : 'they apply'}, the cluster allows or denies traffic otherwise than netpol says\n`,
    );
  }
}

function noteWriter(io: Io) {
  const c = colorsFor(io.stderr, io);
  return (source: string, message: string) => io.stderr.write(`${source}: ${c.dim('note')}: ${message}\n`);
}

/**
 * Run the tasks, at most CONCURRENCY at a time, results in task order. After a failure no
 * new task starts; once those in flight settle, the failure of the earliest task is thrown
 * (tasks start in order, so which one that is does not depend on timing).
 */
async function runLimited<T>(tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  const failures = new Map<number, unknown>();
  let next = 0;
  const worker = async () => {
    while (next < tasks.length && failures.size === 0) {
      const i = next++;
      try {
        results[i] = await at(tasks, i)();
      } catch (error) {
        failures.set(i, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, tasks.length) }, worker));
  if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
  return results;
}
