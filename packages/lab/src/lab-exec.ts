import { spawn } from 'node:child_process';
import type { ClusterModel, PodModel } from '@netpol/core';
import { LabError } from './exec.js';
import type { LabState } from './lab-state.js';

/**
 * A pod by `ns/name`, `ns/name[Kind]` (its first replica), a bare workload `ns/name`, or
 * `name` in the default namespace.
 */
export function findLabPod(cluster: ClusterModel, ref: string): PodModel | undefined {
  const withNs = ref.includes('/') ? ref : `default/${ref}`;
  const exact = cluster.pods.find((p) => p.id === withNs);
  if (exact) return exact;
  const kind = /^([^/]+)\/([^[\]]+)\[([A-Za-z]+)\]$/.exec(withNs);
  if (kind) {
    const [, ns, name, k] = kind;
    const w = cluster.workloads.find(
      (x) => x.namespace === ns && x.name === name && x.kind.toLowerCase() === k.toLowerCase(),
    );
    return w?.pods[0];
  }
  const [ns, name] = withNs.split('/');
  const ws = cluster.workloads.filter((x) => x.namespace === ns && x.name === name);
  return ws.length === 1 ? ws[0].pods[0] : undefined;
}

export interface ExecStreams {
  /** Inherit the terminal (interactive use); otherwise stream through these writers. */
  inherit: boolean;
  stdout?: (chunk: string) => void;
  stderr?: (chunk: string) => void;
}

/** Run a command inside a lab namespace (its resolv.conf bound over /etc); exit code back. */
export function execInNetns(netns: string, command: readonly string[], streams: ExecStreams): Promise<number> {
  if (!netns.startsWith('np-')) throw new LabError(`not a lab namespace: ${netns}`);
  if (command.length === 0) throw new LabError('no command given: put it after --');
  return new Promise((resolve) => {
    const child = spawn('ip', ['netns', 'exec', netns, ...command], {
      stdio: streams.inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    });
    if (!streams.inherit) {
      child.stdout?.setEncoding('utf8').on('data', (d: string) => streams.stdout?.(d));
      child.stderr?.setEncoding('utf8').on('data', (d: string) => streams.stderr?.(d));
    }
    // Ctrl-C reaches the command (same process group); we stay to clean up after it.
    const ignore = () => {};
    process.on('SIGINT', ignore);
    child.on('error', (e) => {
      process.off('SIGINT', ignore);
      streams.stderr?.(`${e.message}\n`);
      resolve(127);
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? (signal === 'SIGINT' ? 130 : 128));
    });
  });
}

export function labPodNetns(state: LabState, pod: PodModel): string {
  const p = state.pods[pod.id];
  if (!p) throw new LabError(`pod ${pod.id} has no namespace in the lab`, 'netpol lab status shows what runs');
  return p.netns;
}
