/**
 * What the page's long main-thread tasks are made of, from a chromium trace (`browser.startTracing`
 * with TRACE_CATEGORIES): each task over the threshold on a renderer's main thread, with its
 * direct children by kind (script, layout, style, paint, GC) and the JS functions that took the
 * most of it (self time, from the sampling profiler's chunks). Names are those of the built
 * app.js (minified names unless the app is built with `vite build --minify false`).
 */

export const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'disabled-by-default-v8.cpu_profiler',
];

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  id?: string;
  args?: {
    name?: string;
    data?: {
      cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] };
      timeDeltas?: number[];
      startTime?: number;
    };
  };
}

interface ProfileNode {
  id: number;
  callFrame?: { functionName?: string; url?: string; lineNumber?: number; columnNumber?: number };
  parent?: number;
}

export interface LongTaskCause {
  ms: number;
  /** Direct children of the task by name, in ms, largest first. */
  parts: Record<string, number>;
  /** The JS functions with the most self time in the task: `name (file:line:col) ms`. */
  functions: string[];
}

const round = (us: number) => Math.round(us / 1000);

/**
 * `origin`: only the renderers that ran a script from there (chromium's own pages, such as
 * the new tab page a fresh browser opens, run in renderers of their own).
 */
export function longTaskCauses(json: string, origin: string, overMs = 200, functions = 8): LongTaskCause[] {
  const trace = JSON.parse(json) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(trace) ? trace : (trace.traceEvents ?? []);
  const ours = new Set(
    events
      .filter((e) => e.name === 'ProfileChunk')
      .filter((e) => e.args?.data?.cpuProfile?.nodes?.some((n) => n.callFrame?.url?.startsWith(origin)))
      .map((e) => e.pid),
  );
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && ours.has(e.pid))
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const onMain = events.filter((e) => mains.has(`${e.pid}:${e.tid}`) && e.ph === 'X' && e.dur !== undefined);
  const tasks = onMain.filter((e) => e.name === 'RunTask' && (e.dur ?? 0) > overMs * 1000);
  const samples = profileSamples(events, mains);
  return tasks.map((task) => {
    const end = task.ts + (task.dur ?? 0);
    const inside = onMain
      .filter((e) => e !== task && e.pid === task.pid && e.tid === task.tid && e.ts >= task.ts && e.ts < end)
      .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    // Direct children: those not inside an earlier child of the task.
    const parts: Record<string, number> = {};
    let childEnd = -1;
    for (const e of inside) {
      if (e.ts < childEnd) continue;
      childEnd = e.ts + (e.dur ?? 0);
      parts[e.name] = (parts[e.name] ?? 0) + (e.dur ?? 0);
    }
    const self = new Map<string, number>();
    for (const s of samples) {
      if (s.pid !== task.pid || s.ts < task.ts || s.ts >= end) continue;
      self.set(s.frame, (self.get(s.frame) ?? 0) + s.us);
    }
    return {
      ms: round(task.dur ?? 0),
      parts: Object.fromEntries(
        Object.entries(parts)
          .sort((a, b) => b[1] - a[1])
          .filter(([, us]) => us >= 1000)
          .map(([name, us]) => [name, round(us)]),
      ),
      functions: [...self]
        .sort((a, b) => b[1] - a[1])
        .slice(0, functions)
        .map(([frame, us]) => `${frame} ${round(us)} ms`),
    };
  });
}

/** The sampling profiler's samples on the main threads: when, where (the leaf frame), how long. */
function profileSamples(
  events: readonly TraceEvent[],
  mains: ReadonlySet<string>,
): { pid: number; ts: number; us: number; frame: string }[] {
  const out: { pid: number; ts: number; us: number; frame: string }[] = [];
  // One profile per (pid, id): its start, then chunks of nodes and samples with time deltas.
  const profiles = new Map<string, { ts: number; nodes: Map<number, string> }>();
  for (const e of events) {
    if (e.name === 'Profile' && mains.has(`${e.pid}:${e.tid}`)) {
      profiles.set(`${e.pid}:${e.id}`, { ts: e.args?.data?.startTime ?? e.ts, nodes: new Map() });
    }
    if (e.name !== 'ProfileChunk') continue;
    const profile = profiles.get(`${e.pid}:${e.id}`);
    if (!profile) continue;
    const data = e.args?.data;
    for (const node of data?.cpuProfile?.nodes ?? []) {
      const f = node.callFrame ?? {};
      const file = f.url ? f.url.slice(f.url.lastIndexOf('/') + 1) : '';
      const at = file ? ` (${file}:${(f.lineNumber ?? 0) + 1}:${(f.columnNumber ?? 0) + 1})` : '';
      profile.nodes.set(node.id, `${f.functionName || '(anonymous)'}${at}`);
    }
    const ids = data?.cpuProfile?.samples ?? [];
    const deltas = data?.timeDeltas ?? [];
    for (let i = 0; i < ids.length; i++) {
      const delta = deltas[i] ?? 0;
      profile.ts += delta;
      const next = deltas[i + 1] ?? 0;
      out.push({ pid: e.pid, ts: profile.ts, us: next, frame: profile.nodes.get(ids[i] ?? -1) ?? '?' });
    }
  }
  return out;
}
