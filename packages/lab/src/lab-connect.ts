import { at, atLeast, type ClusterModel, first, type PodModel, type Protocol, parseIp } from '@netpol/core';
import { exec, LabError } from './exec.js';
import { helperProgram } from './helper-programs.js';
import { isLabAddress } from './lab-addresses.js';
import { findLabPod } from './lab-exec.js';
import type { LabState } from './lab-state.js';

/**
 * One real connection between endpoints named as `netpol check` names them (SPEC
 * "Endpoints"): the source is a pod, a workload (its first replica) or an outside host IP;
 * the destination also an IP or a Service DNS name (`name.ns.svc.cluster.local`,
 * `name.ns.svc`, `name.ns`), reached through its ClusterIP as a pod would.
 */

export interface ConnectTarget {
  ip: string;
  port: number;
  protocol: Protocol;
}

export type ConnectOutcome = 'open' | 'refused' | 'timeout' | `error:${string}`;

export function sourceNetns(cluster: ClusterModel, state: LabState, ref: string): string {
  if (parseIp(ref)) {
    const host = state.outside.find((o) => o.ip === ref);
    if (host) return host.netns;
    const pod = cluster.pods.find((p) => p.ips.includes(ref));
    const labPod = pod && state.pods[pod.id];
    if (labPod) return labPod.netns;
    throw new LabError(`${ref} is neither a lab pod nor an outside host of the lab`);
  }
  const pod = findLabPod(cluster, ref);
  const labPod = pod && state.pods[pod.id];
  if (!labPod) throw new LabError(`no pod ${ref} in the lab`);
  return labPod.netns;
}

/** `80`, `53/UDP`, `http`, `http/TCP` → port and protocol (name resolved later). */
export function parsePortSpec(text: string | number): { port: number | string; protocol: Protocol } {
  const [p, proto = 'TCP'] = atLeast(String(text).split('/'), 1);
  const protocol = proto.toUpperCase() as Protocol;
  return { port: /^\d+$/.test(p) ? Number(p) : p, protocol };
}

export function destination(cluster: ClusterModel, ref: string, portText: string | number): ConnectTarget {
  const { port, protocol } = parsePortSpec(portText);
  const onPod = (pod: PodModel): ConnectTarget => {
    const number =
      typeof port === 'number' ? port : pod.ports.find((c) => c.name === port && c.protocol === protocol)?.port;
    if (number === undefined) throw new LabError(`${pod.id} has no ${protocol} port named ${port}`);
    return { ip: first(pod.ips), port: number, protocol };
  };
  if (parseIp(ref)) {
    const pod = cluster.pods.find((p) => p.ips.includes(ref));
    if (pod) return onPod(pod);
    if (typeof port !== 'number') throw new LabError(`a named port needs a pod destination, not ${ref}`);
    return { ip: ref, port, protocol };
  }
  const svc = /^([a-z0-9-]+)\.([a-z0-9-]+)(\.svc(\.cluster\.local)?)?$/.exec(ref);
  if (svc) {
    const service = cluster.services.find((s) => s.name === svc[1] && s.namespace === svc[2]);
    if (service) {
      const sp = service.ports.find(
        (p) => p.protocol === protocol && (typeof port === 'number' ? p.port === port : p.name === port),
      );
      if (!service.clusterIP) throw new LabError(`${ref} is headless: name a pod instead`);
      if (!sp) throw new LabError(`${ref} has no ${protocol} port ${port}`);
      return { ip: service.clusterIP, port: sp.port, protocol };
    }
  }
  const pod = findLabPod(cluster, ref);
  if (!pod) throw new LabError(`no pod, workload or Service ${ref} in the lab`);
  return onPod(pod);
}

/**
 * Open the connections from inside `netns` at once; one outcome per target. TCP and UDP by
 * sockets (`probe-helper.cjs`), SCTP by raw INIT packets (`probeSctpFrom`: this kernel has
 * no SCTP sockets), both at once. (The state directory is no longer needed: the probe
 * helpers ship with the package.)
 */
export async function connectFrom(
  _stateDirPath: string,
  netns: string,
  targets: readonly ConnectTarget[],
  timeoutMs: number,
): Promise<ConnectOutcome[]> {
  if (targets.length === 0) return [];
  const stray = targets.find((t) => !isLabAddress(t.ip));
  if (stray) throw new LabError(`${stray.ip} is outside the lab's ranges (198.18.0.0/15, 203.0.113.0/24): not probed`);
  const sctp = targets.flatMap((t, k) => (t.protocol === 'SCTP' ? [k] : []));
  if (sctp.length === 0) return connectBySockets(netns, targets, timeoutMs);
  const others = targets.flatMap((t, k) => (t.protocol === 'SCTP' ? [] : [k]));
  const [bySockets, byPackets] = await Promise.all([
    connectBySockets(
      netns,
      others.map((k) => at(targets, k)),
      timeoutMs,
    ),
    probeSctpFrom(
      netns,
      sctp.map((k) => at(targets, k)),
      timeoutMs,
    ),
  ]);
  const outcomes: ConnectOutcome[] = [];
  others.forEach((k, n) => {
    outcomes[k] = at(bySockets, n);
  });
  sctp.forEach((k, n) => {
    outcomes[k] = at(byPackets, n);
  });
  return outcomes;
}

/** How long a second look at a connection waits, after a first one of `timeoutMs`. */
export function recheckTimeoutMs(timeoutMs: number): number {
  return Math.min(30_000, Math.max(2000, 3 * timeoutMs));
}

/**
 * `connectFrom`, then a second, slower look at the connections that got no answer where one
 * is expected (`expected[k]`): a busy machine, not a drop. The second look opens them all at
 * once, as the first did: the lab lifts the ICMP rate limit in its namespaces
 * (`unlimitIcmpErrors`). Only where it could not (no python3), `oneAtATime` asks them in turn:
 * the default limit (a burst of 6, then one a second per peer) would have ICMP-answered ports
 * look dropped. A connection that went through needs no second look.
 */
export async function connectRechecked(
  stateDirPath: string,
  netns: string,
  targets: readonly ConnectTarget[],
  expected: readonly boolean[],
  options: { timeoutMs: number; connect?: typeof connectFrom; oneAtATime?: boolean },
): Promise<{ outcomes: ConnectOutcome[]; rechecked: number }> {
  const connect = options.connect ?? connectFrom;
  const outcomes = await connect(stateDirPath, netns, targets, options.timeoutMs);
  const doubtful = targets.flatMap((_, k) => (expected[k] && !outcomeAllowed(at(outcomes, k)) ? [k] : []));
  if (doubtful.length === 0) return { outcomes, rechecked: 0 };
  const slow = recheckTimeoutMs(options.timeoutMs);
  const again: ConnectOutcome[] = [];
  if (options.oneAtATime) {
    for (const k of doubtful) again.push(...(await connect(stateDirPath, netns, [at(targets, k)], slow)));
  } else {
    again.push(
      ...(await connect(
        stateDirPath,
        netns,
        doubtful.map((k) => at(targets, k)),
        slow,
      )),
    );
  }
  doubtful.forEach((k, n) => {
    outcomes[k] = at(again, n);
  });
  return { outcomes, rechecked: doubtful.length };
}

/** TCP and UDP connections from inside `netns`, by the node probe helper. */
async function connectBySockets(
  netns: string,
  targets: readonly ConnectTarget[],
  timeoutMs: number,
): Promise<ConnectOutcome[]> {
  if (targets.length === 0) return [];
  const out = await exec('ip', ['netns', 'exec', netns, process.execPath, helperProgram('probe-helper.cjs')], {
    input: JSON.stringify({ timeoutMs, targets }),
    timeoutMs: timeoutMs * 3 + 20_000,
  });
  try {
    return JSON.parse(out.stdout.trim().split('\n').pop() ?? '') as ConnectOutcome[];
  } catch {
    throw new LabError(`probe from ${netns} failed: ${out.stderr.trim().slice(0, 500)}`);
  }
}

/**
 * SCTP probes from inside `netns` when the kernel has no SCTP sockets (the lab's case):
 * raw INIT packets, answered = an ICMP unreachable quoting them or an SCTP INIT ACK/ABORT
 * ('refused', i.e. the network let it through), dropped = 'timeout'. Needs python3.
 */
export async function probeSctpFrom(
  netns: string,
  targets: readonly { ip: string; port: number }[],
  timeoutMs: number,
): Promise<ConnectOutcome[]> {
  if (targets.length === 0) return [];
  const stray = targets.find((t) => !isLabAddress(t.ip));
  if (stray) throw new LabError(`${stray.ip} is outside the lab's ranges (198.18.0.0/15, 203.0.113.0/24): not probed`);
  const out = await exec('ip', ['netns', 'exec', netns, 'python3', helperProgram('sctp-probe-helper.py')], {
    input: JSON.stringify({ timeoutMs, targets: targets.map(({ ip, port }) => ({ ip, port })) }),
    timeoutMs: timeoutMs + 20_000,
  });
  try {
    return JSON.parse(out.stdout.trim().split('\n').pop() ?? '') as ConnectOutcome[];
  } catch {
    throw new LabError(`SCTP probe from ${netns} failed: ${out.stderr.trim().slice(0, 500)}`);
  }
}

let python: Promise<boolean> | undefined;

/** Why SCTP cannot be probed on this machine (raw packets need python3), or undefined. */
export async function sctpProbeProblem(): Promise<string | undefined> {
  python ??= exec('python3', ['-c', '']).then((r) => r.code === 0);
  return (await python) ? undefined : 'SCTP probes are raw packets sent by python3, which is not installed: not probed';
}

export function outcomeAllowed(outcome: ConnectOutcome): boolean {
  return outcome === 'open' || outcome === 'refused';
}
