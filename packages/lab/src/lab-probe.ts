import {
  at,
  type ClusterModel,
  createReferenceEngine,
  first,
  type Peer,
  type PodModel,
  type Protocol,
} from '@netpol/core';
import { mapLimit } from './exec.js';
import { labCluster } from './lab-cluster.js';
import { connectFrom, connectRechecked, outcomeAllowed, sctpProbeProblem } from './lab-connect.js';
import { GATEWAY_IP, nodeNetns } from './lab-names.js';
import type { LabState } from './lab-state.js';

/**
 * `lab probe`: real connections between every pair of endpoints (matrix granularity: bare
 * pods, each workload once via its first replica, the lab node's address as a destination,
 * outside hosts), beside the engine's verdicts. Allowed = the destination answered at all
 * (connected, RST, ICMP port or protocol unreachable); denied = timed out. SCTP goes out as
 * raw INIT packets (`connectFrom`).
 */

export interface ProbePort {
  port: number | string;
  protocol: Protocol;
}

export interface ProbeEndpoint {
  id: string;
  netns: string;
  ip: string;
  pod?: PodModel;
  /**
   * A workload's second replica: its diagonal cell is one replica to *another* (SPEC, the
   * StatefulSet peer question), probed from the first replica to this one.
   */
  replica?: { ip: string; pod: PodModel };
  /**
   * The lab node (198.18.0.1, what Node objects stand for): a destination judged as the
   * address it is (egress rules, `nodes` peers). Not a source: traffic from a pod's own node
   * is always allowed (docs/node-traffic.md), which the engine, judging addresses, cannot say.
   */
  node?: true;
}

export interface ProbeResult {
  port: number | string;
  protocol: Protocol;
  allowed: (boolean | null)[][];
  expected: (boolean | null)[][];
  /** The engine's verdicts as if policies were enforced (differs from `expected` only with --no-enforce). */
  engine: (boolean | null)[][];
  /** Why a whole port was not probed (SCTP without python3, a port name no pod has). */
  note?: string;
}

export interface Disagreement {
  from: string;
  to: string;
  port: number | string;
  protocol: Protocol;
  observed: boolean;
  expected: boolean;
  detail: string;
}

export interface ProbeReport {
  endpoints: string[];
  /** With `node`: the lab node's address, one of `endpoints` (a destination only: its row is null). */
  node?: string;
  results: ProbeResult[];
  enforce: boolean;
  disagreements: Disagreement[];
  /** Connections opened. */
  probes: number;
  /** Connections that went through although the policies deny them (only with --no-enforce). */
  inert: number;
}

/**
 * The endpoints `lab probe` reports, in the order `matrix` lists them (SPEC: "same endpoints
 * as matrix"); with `node`, the lab node's address after the pods, a destination only.
 */
export function probeEndpoints(cluster: ClusterModel, state: LabState, node = false): ProbeEndpoint[] {
  const out: ProbeEndpoint[] = [];
  const seen = new Set<string>();
  const pods = [...cluster.pods].sort((a, b) => {
    const ka = a.workload ? a.workload.name : a.name;
    const kb = b.workload ? b.workload.name : b.name;
    if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
    return ka < kb ? -1 : ka > kb ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  // A replica labelled on its own (`lab label pod backend-0`) is no longer like its
  // workload's others: it is probed as itself.
  const templates = new Map(cluster.workloads.map((w) => [w.id, labelKey(w.labels)]));
  for (const pod of pods) {
    const id = pod.workload && templates.get(pod.workload.id) === labelKey(pod.labels) ? pod.workload.id : pod.id;
    const labPod = state.pods[pod.id];
    if (!labPod) continue;
    if (seen.has(id)) {
      const previous = at(out, out.length - 1);
      if (previous.id === id && !previous.replica) previous.replica = { ip: first(pod.ips), pod };
      continue;
    }
    seen.add(id);
    out.push({ id, netns: labPod.netns, ip: first(pod.ips), pod });
  }
  if (node) out.push({ id: GATEWAY_IP, netns: nodeNetns(state.labId), ip: GATEWAY_IP, node: true });
  for (const host of state.outside) out.push({ id: host.ip, netns: host.netns, ip: host.ip });
  return out;
}

function labelKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Ports to probe when none are asked: every container port of the cluster, else 80/TCP. */
export function defaultProbePorts(cluster: ClusterModel): ProbePort[] {
  const seen = new Map<string, ProbePort>();
  for (const pod of cluster.pods) {
    for (const p of pod.ports)
      seen.set(`${p.protocol}/${String(p.port).padStart(5, '0')}`, { port: p.port, protocol: p.protocol });
  }
  const ports = [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, p]) => p);
  return ports.length > 0 ? ports : [{ port: 80, protocol: 'TCP' }];
}

function peerOf(e: ProbeEndpoint): Peer {
  return e.pod ? { kind: 'pod', pod: e.pod } : { kind: 'external', ip: e.ip };
}

export async function labProbe(
  state: LabState,
  stateDirPath: string,
  options: {
    ports?: ProbePort[];
    timeoutMs?: number;
    concurrency?: number;
    /** Opens the connections (tests replace it); `connectFrom` by default. */
    connect?: typeof connectFrom;
    /** Told after each source endpoint is probed (a terminal shows `probed n/N`). */
    progress?: (done: number, total: number) => void;
    /**
     * Probe SCTP ports with raw INIT packets. Off by default: this kernel has no SCTP, and
     * SPEC says the lab then skips those probes (`null`, with a note), so `--sctp` asks.
     */
    sctp?: boolean;
    /** Add the lab node's address as a destination (`--node`; not a `matrix` endpoint). */
    node?: boolean;
  } = {},
): Promise<ProbeReport> {
  const { cluster } = labCluster(state.objects);
  const endpoints = probeEndpoints(cluster, state, options.node === true);
  const ports = options.ports && options.ports.length > 0 ? options.ports : defaultProbePorts(cluster);
  const sctpProblem = !ports.some((p) => p.protocol === 'SCTP')
    ? undefined
    : options.sctp
      ? await sctpProbeProblem()
      : 'SCTP is not supported by this kernel: not probed (--sctp probes it with raw INIT packets)';
  const { results, targets } = judge(cluster, state.enforce, endpoints, ports, sctpProblem);
  noteUnknownPortNames(ports, results);
  const { details, probes } = await openConnections(stateDirPath, endpoints, targets, results, {
    connect: options.connect ?? connectFrom,
    timeoutMs: options.timeoutMs ?? 1000,
    concurrency: options.concurrency ?? 8,
    progress: options.progress,
  });
  return {
    endpoints: endpoints.map((e) => e.id),
    ...(options.node ? { node: GATEWAY_IP } : {}),
    results,
    enforce: state.enforce,
    disagreements: disagreementsOf(endpoints, results, details),
    probes,
    inert: inertCount(results, endpoints.length),
  };
}

/** A connection to open from a source endpoint: to `j`'s address, for port row `r`. */
interface Target {
  ip: string;
  port: number;
  protocol: Protocol;
  r: number;
  j: number;
}

/**
 * The engine's verdict for every pair and port (what the lab should do: everything when it
 * does not enforce), and the connections each source opens to check it.
 */
function judge(
  cluster: ClusterModel,
  enforce: boolean,
  endpoints: readonly ProbeEndpoint[],
  ports: readonly ProbePort[],
  sctpProblem: string | undefined,
): { results: ProbeResult[]; targets: Target[][] } {
  const grid = () => endpoints.map(() => endpoints.map(() => null as boolean | null));
  const results: ProbeResult[] = ports.map((p) => ({
    port: p.port,
    protocol: p.protocol,
    allowed: grid(),
    expected: grid(),
    engine: grid(),
    ...(p.protocol === 'SCTP' && sctpProblem ? { note: sctpProblem } : {}),
  }));
  const targets: Target[][] = endpoints.map(() => []);
  const reference = createReferenceEngine(cluster);
  ports.forEach((p, r) => {
    for (const [i, src] of endpoints.entries()) {
      for (const [j, other] of endpoints.entries()) {
        // A workload to itself: its first replica to its second, as matrix and check judge it.
        const dst = i === j && src.replica ? { ...src, ...src.replica } : other;
        if ((!src.pod && !dst.pod) || src.node) continue;
        const engine = reference.check(peerOf(src), peerOf(dst), { protocol: p.protocol, port: p.port }).allowed;
        at(at(results, r).engine, i)[j] = engine;
        at(at(results, r).expected, i)[j] = enforce ? engine : true;
        if (p.protocol === 'SCTP' && sctpProblem) continue;
        const port =
          typeof p.port === 'number'
            ? p.port
            : dst.pod?.ports.find((c) => c.name === p.port && c.protocol === p.protocol)?.port;
        if (port === undefined) {
          // A named port the destination does not have: nothing to connect to.
          at(at(results, r).expected, i)[j] = null;
          at(at(results, r).engine, i)[j] = null;
          continue;
        }
        at(targets, i).push({ ip: dst.ip, port, protocol: p.protocol, r, j });
      }
    }
  });
  return { results, targets };
}

/** A port name no destination has: say so, rather than a table of dots that "agrees". */
function noteUnknownPortNames(ports: readonly ProbePort[], results: ProbeResult[]): void {
  ports.forEach((p, r) => {
    if (
      typeof p.port === 'string' &&
      !at(results, r).note &&
      at(results, r).expected.every((row) => row.every((v) => v === null))
    ) {
      at(results, r).note = `no pod has a ${p.protocol} port named ${p.port}: not probed`;
    }
  });
}

/**
 * Opens every target from its source's network namespace, `concurrency` sources at a time,
 * and fills `results[r].allowed`. Returns what each connection answered (by `r/i/j`) and
 * how many were opened.
 */
async function openConnections(
  stateDirPath: string,
  endpoints: readonly ProbeEndpoint[],
  targets: readonly Target[][],
  results: ProbeResult[],
  options: {
    connect: typeof connectFrom;
    timeoutMs: number;
    concurrency: number;
    progress?: (done: number, total: number) => void;
  },
): Promise<{ details: Map<string, string>; probes: number }> {
  const { connect, timeoutMs } = options;
  const details = new Map<string, string>();
  let probes = 0;
  let sourcesDone = 0;
  await mapLimit(
    endpoints.map((e, i) => ({ e, i })),
    options.concurrency,
    async ({ e, i }) => {
      const list = at(targets, i);
      if (list.length === 0) return;
      // A timeout where an answer is expected may be a busy machine, not a drop: asked once
      // more, slower, before it is called a disagreement.
      const { outcomes, rechecked } = await connectRechecked(
        stateDirPath,
        e.netns,
        list.map(({ ip, port, protocol }) => ({ ip, port, protocol })),
        list.map((t) => at(at(results, t.r).expected, i)[t.j] === true),
        { timeoutMs, connect },
      );
      probes += list.length + rechecked;
      list.forEach((t, k) => {
        at(at(results, t.r).allowed, i)[t.j] = outcomeAllowed(at(outcomes, k));
        details.set(`${t.r}/${i}/${t.j}`, at(outcomes, k));
      });
      options.progress?.(++sourcesDone, endpoints.length);
    },
  );
  return { details, probes };
}

/** Every pair and port where the lab did otherwise than expected, with what the connection said. */
function disagreementsOf(
  endpoints: readonly ProbeEndpoint[],
  results: readonly ProbeResult[],
  details: ReadonlyMap<string, string>,
): Disagreement[] {
  const disagreements: Disagreement[] = [];
  results.forEach((res, r) => {
    for (const [i, from] of endpoints.entries()) {
      for (const [j, to] of endpoints.entries()) {
        const observed = at(at(res.allowed, i), j);
        const expected = at(at(res.expected, i), j);
        if (observed === null || expected === null || observed === expected) continue;
        disagreements.push({
          from: from.id,
          to: to.id,
          port: res.port,
          protocol: res.protocol,
          observed,
          expected,
          detail: details.get(`${r}/${i}/${j}`) ?? '',
        });
      }
    }
  });
  return disagreements;
}

/** Connections that went through though the engine denies them (a lab that does not enforce). */
function inertCount(results: readonly ProbeResult[], n: number): number {
  let inert = 0;
  for (const res of results) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) if (at(res.allowed, i)[j] === true && at(res.engine, i)[j] === false) inert++;
    }
  }
  return inert;
}
