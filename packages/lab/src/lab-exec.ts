import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { type ClusterModel, type PodModel, resolveEndpoint } from '@netpol/core';
import { LabError } from './exec.js';
import type { LabState } from './lab-state.js';

/**
 * A pod as `check` names endpoints (core's resolveEndpoint): `ns/name`, `ns/name[Kind]` or
 * kubectl's `deploy/name`, `ns/deploy/name` (a workload's first replica), a bare workload
 * `ns/name`, or `name` in the default namespace.
 */
export function findLabPod(cluster: ClusterModel, ref: string): PodModel | undefined {
  // A bare name is the default namespace's only, as kubectl's (no search elsewhere).
  const result = resolveEndpoint(cluster, ref.includes('/') ? ref : `default/${ref}`);
  if (!result.ok || result.value.kind !== 'pod') return undefined;
  // A workload without replicas resolves to its template, which runs nowhere.
  return result.value.workload ? result.value.workload.pods[0] : result.value.pod;
}

export interface ExecStreams {
  /** Inherit the terminal (interactive use); otherwise stream through these writers. */
  inherit: boolean;
  stdout?: (chunk: string) => void;
  stderr?: (chunk: string) => void;
}

/** How long a command has to end after SIGTERM/SIGHUP before it is killed. */
export const KILL_GRACE_MS = 1000;

/**
 * Run a command inside a lab namespace (its resolv.conf bound over /etc); exit code back.
 * SIGTERM and SIGHUP (`timeout`, a closed terminal) are passed on to the command, so it
 * ends and the caller can clean up; Ctrl-C reaches it through the terminal's process group.
 */
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
    const ignore = () => {};
    // An interactive shell ignores SIGTERM: after a short grace it is killed, so the caller
    // still has time to clean up before whoever sent the signal loses patience (`script`
    // and many supervisors send SIGKILL 2 s later).
    let grace: NodeJS.Timeout | undefined;
    const pass = (signal: NodeJS.Signals) => {
      child.kill(signal);
      grace ??= setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    };
    process.on('SIGINT', ignore);
    process.on('SIGTERM', pass);
    process.on('SIGHUP', pass);
    const done = (code: number) => {
      clearTimeout(grace);
      process.off('SIGINT', ignore);
      process.off('SIGTERM', pass);
      process.off('SIGHUP', pass);
      resolve(code);
    };
    child.on('error', (e) => {
      streams.stderr?.(`${e.message}\n`);
      done(127);
    });
    child.on('close', (code, signal) => done(code ?? 128 + (signal ? (osConstants.signals[signal] ?? 0) : 0)));
  });
}

/**
 * The program a lab command would run, when this machine does not have it (lab pods run
 * the host's programs, with its PATH): undefined when it is there.
 */
export function missingProgram(command: readonly string[], path = process.env.PATH ?? ''): string | undefined {
  const program = command[0];
  if (program === undefined) return undefined;
  const runnable = (file: string) => {
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (program.includes('/')) return runnable(program) ? undefined : program;
  return path.split(':').some((dir) => dir !== '' && runnable(`${dir}/${program}`)) ? undefined : program;
}

/** Where common test tools come from (Debian packages), for the "not installed" hint. */
export const PROGRAM_PACKAGES: Readonly<Record<string, string>> = {
  nslookup: 'bind9-dnsutils',
  dig: 'bind9-dnsutils',
  host: 'bind9-host',
  curl: 'curl',
  wget: 'wget',
  nc: 'netcat-openbsd',
  ping: 'iputils-ping',
  telnet: 'telnet',
};

export function labPodNetns(state: LabState, pod: PodModel): string {
  const p = state.pods[pod.id];
  if (!p) throw new LabError(`pod ${pod.id} has no namespace in the lab`, 'netpol lab status shows what runs');
  return p.netns;
}
