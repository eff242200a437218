import { type ChildProcess, spawn } from 'node:child_process';
import type { PortRole, ServeRequest } from './agent-protocol.js';
import type { Handle } from './agent-roles.js';
import { helperProgram } from './helper-programs.js';

/**
 * Getting a pod's listening sockets into the agent: they must be created inside the pod's
 * namespace, so a short-lived helper does it there and passes them over Node IPC
 * (SCM_RIGHTS). With python3: one process for a whole batch (`serve-helper.py`, setns per
 * pod); otherwise one `node serve-helper.cjs` per pod.
 */

/** A helper handed the agent one socket of endpoint `key`; the agent starts serving it. */
export type OnSocket = (key: string, handle: Handle, role: PortRole) => void;

export interface Handed {
  key: string;
  handles: Handle[];
  /** Set when the endpoint does not have all its sockets. */
  error?: string;
}

/** What a helper sends over IPC (serve-helper.cjs and serve-helper.py share the kinds). */
interface HelperMessage {
  kind: 'socket' | 'error' | 'done' | 'all-done';
  /** The endpoint (python: one helper serves many). */
  key?: string;
  port?: number;
  protocol?: string;
  role?: PortRole;
  error?: string;
  /** With `done`: how many sockets the helper handed for the endpoint. */
  handed?: number;
}

/** One endpoint's sockets as they arrive; complete once the helper said how many it handed. */
class Tally {
  readonly handles: Handle[] = [];
  readonly errors: string[] = [];
  /** -1 until the helper's `done`. */
  expected = -1;

  constructor(readonly key: string) {}

  get complete(): boolean {
    return this.expected >= 0 && this.handles.length >= this.expected;
  }

  /** A socket is served at once (`onSocket`); an error is kept for the result. */
  record(msg: HelperMessage, handle: unknown, onSocket: OnSocket, error: string): void {
    if (msg.kind === 'socket' && handle) {
      this.handles.push(handle as Handle);
      onSocket(this.key, handle as Handle, msg.role ?? 'http');
    } else if (msg.kind === 'error') this.errors.push(error);
    else if (msg.kind === 'done') this.expected = msg.handed ?? 0;
  }

  /** Its errors, and why it ended incomplete when it did. */
  result(reason?: string): Handed {
    const errors = [...this.errors, ...(this.complete ? [] : [reason ?? 'incomplete'])];
    return { key: this.key, handles: this.handles, ...(errors.length ? { error: errors.join('; ') } : {}) };
  }
}

interface Supervision {
  /** Ends the run unless it ended: the timer, the child's exit and a spawn error call it too. */
  end: (reason?: string) => void;
}

/**
 * Runs a helper to its one end: every message goes to `onMessage` (which calls `end` when the
 * batch is complete); a timeout, the child's exit (after `exitGrace` ms, for messages still in
 * flight) or a failure to start end it with a reason naming the helper's stderr. The child is
 * killed two seconds after the end, when it has not left by itself.
 */
function supervise<T>(
  child: ChildProcess,
  limits: { timeout: number; exitGrace: number; where: string },
  onMessage: (msg: HelperMessage, handle: unknown, run: Supervision) => void,
  settle: (reason: string | undefined) => T,
  beforeEnd?: () => void,
): Promise<T> {
  return new Promise((resolve) => {
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    let ended = false;
    const run: Supervision = {
      end: (reason) => {
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        beforeEnd?.();
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
        resolve(settle(reason));
      },
    };
    const timer = setTimeout(() => run.end(`helper timed out${limits.where}: ${stderr.trim()}`), limits.timeout);
    child.on('message', (msg: HelperMessage, handle) => onMessage(msg, handle, run));
    child.on('exit', (code) => {
      if (!ended) setTimeout(() => run.end(`helper exited ${code}${limits.where}: ${stderr.trim()}`), limits.exitGrace);
    });
    child.on('error', (e) => run.end(e.message));
  });
}

/** One `node serve-helper.cjs` in the pod's namespace. */
export function socketsWithNode(req: ServeRequest, onSocket: OnSocket): Promise<Handed> {
  const child = spawn('ip', ['netns', 'exec', req.netns, process.execPath, helperProgram('serve-helper.cjs')], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { PATH: process.env.PATH, NP_SPEC: JSON.stringify({ ports: req.ports }) },
  });
  const tally = new Tally(req.key);
  const bye = () => {
    try {
      child.send('bye');
    } catch {}
  };
  return supervise(
    child,
    { timeout: 20_000, exitGrace: 200, where: ` in ${req.netns}` },
    (msg, handle, run) => {
      tally.record(msg, handle, onSocket, `${msg.port}/${msg.protocol}: ${msg.error}`);
      if (tally.complete) run.end();
    },
    (reason) => tally.result(reason),
    bye,
  );
}

/** One `python3 serve-helper.py` for the whole batch. */
export function socketsWithPython(reqs: readonly ServeRequest[], onSocket: OnSocket): Promise<Handed[]> {
  const child = spawn('python3', [helperProgram('serve-helper.py')], {
    stdio: ['pipe', 'ignore', 'pipe', 'ipc'],
    env: { PATH: process.env.PATH },
  });
  child.stdin?.end(JSON.stringify({ endpoints: reqs.map(({ key, netns, ports }) => ({ key, netns, ports })) }));
  const tallies = new Map(reqs.map((req) => [req.key, new Tally(req.key)]));
  let allDone = false;
  return supervise(
    child,
    { timeout: 20_000 + 50 * reqs.length, exitGrace: 500, where: '' },
    (msg, handle, run) => {
      const tally = msg.key ? tallies.get(msg.key) : undefined;
      if (msg.kind === 'all-done') allDone = true;
      else tally?.record(msg, handle, onSocket, msg.error ?? 'error');
      if (allDone && [...tallies.values()].every((t) => t.complete)) run.end();
    },
    (reason) => [...tallies.values()].map((tally) => tally.result(reason)),
  );
}

/** Whether python3 can pass file descriptors (3.9+ `socket.send_fds`). */
export function hasPythonFdPassing(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-c', 'import socket, ctypes; socket.send_fds'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}
