import { spawn } from 'node:child_process';
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

/** One `node serve-helper.cjs` in the pod's namespace. */
export function socketsWithNode(req: ServeRequest, onSocket: OnSocket): Promise<Handed> {
  return new Promise((resolve) => {
    const handles: Handle[] = [];
    const errors: string[] = [];
    let expected = -1;
    let finished = false;
    const child = spawn('ip', ['netns', 'exec', req.netns, process.execPath, helperProgram('serve-helper.cjs')], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { PATH: process.env.PATH, NP_SPEC: JSON.stringify({ ports: req.ports }) },
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const finish = (error?: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      try {
        child.send('bye');
      } catch {}
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      resolve({ key: req.key, handles, ...(error ? { error } : {}) });
    };
    const check = () => {
      if (expected >= 0 && handles.length >= expected) finish(errors.length ? errors.join('; ') : undefined);
    };
    const timer = setTimeout(() => finish(`helper timed out in ${req.netns}: ${stderr.trim()}`), 20_000);
    child.on(
      'message',
      (
        msg: { kind: string; port?: number; protocol?: string; role?: PortRole; error?: string; handed?: number },
        h,
      ) => {
        if (msg.kind === 'socket' && h) {
          handles.push(h as Handle);
          onSocket(req.key, h as Handle, msg.role ?? 'http');
        } else if (msg.kind === 'error') errors.push(`${msg.port}/${msg.protocol}: ${msg.error}`);
        else if (msg.kind === 'done') expected = msg.handed ?? 0;
        check();
      },
    );
    child.on('exit', (code) => {
      if (!finished) setTimeout(() => finish(`helper exited ${code} in ${req.netns}: ${stderr.trim()}`), 200);
    });
    child.on('error', (e) => finish(e.message));
  });
}

/** One `python3 serve-helper.py` for the whole batch. */
export function socketsWithPython(reqs: readonly ServeRequest[], onSocket: OnSocket): Promise<Handed[]> {
  return new Promise((resolve) => {
    interface Pending {
      handles: Handle[];
      errors: string[];
      expected: number;
    }
    const pending = new Map<string, Pending>(reqs.map((req) => [req.key, { handles: [], errors: [], expected: -1 }]));
    const complete = (p: Pending) => p.expected >= 0 && p.handles.length >= p.expected;
    let allDone = false;
    let finished = false;
    let stderr = '';
    const child = spawn('python3', [helperProgram('serve-helper.py')], {
      stdio: ['pipe', 'ignore', 'pipe', 'ipc'],
      env: { PATH: process.env.PATH },
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.stdin?.end(JSON.stringify({ endpoints: reqs.map(({ key, netns, ports }) => ({ key, netns, ports })) }));
    const finish = (reason?: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      resolve(
        [...pending.entries()].map(([key, p]) => {
          const errors = [...p.errors, ...(complete(p) ? [] : [reason ?? 'incomplete'])];
          return { key, handles: p.handles, ...(errors.length ? { error: errors.join('; ') } : {}) };
        }),
      );
    };
    const check = () => {
      if (allDone && [...pending.values()].every(complete)) finish();
    };
    const timer = setTimeout(() => finish(`helper timed out: ${stderr.trim()}`), 20_000 + 50 * reqs.length);
    child.on('message', (msg: { kind: string; key?: string; role?: PortRole; error?: string; handed?: number }, h) => {
      const p = msg.key ? pending.get(msg.key) : undefined;
      if (msg.kind === 'socket' && p && msg.key && h) {
        p.handles.push(h as Handle);
        onSocket(msg.key, h as Handle, msg.role ?? 'http');
      } else if (msg.kind === 'error' && p) p.errors.push(msg.error ?? 'error');
      else if (msg.kind === 'done' && p) p.expected = msg.handed ?? 0;
      else if (msg.kind === 'all-done') allDone = true;
      check();
    });
    child.on('exit', (code) => {
      if (!finished) setTimeout(() => finish(`helper exited ${code}: ${stderr.trim()}`), 500);
    });
    child.on('error', (e) => finish(e.message));
  });
}

/** Whether python3 can pass file descriptors (3.9+ `socket.send_fds`). */
export function hasPythonFdPassing(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-c', 'import socket, ctypes; socket.send_fds'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}
