import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LabError } from './exec.js';

/**
 * The lab lock: one `flock(2)` on `<state root>/<labid>.lock`, held for the whole critical
 * section of every command that changes the lab (up, apply, delete, label, run, down).
 *
 * Why flock and why through `flock(1)`: the kernel drops the lock when its holder dies (even
 * by SIGKILL), so there is no stale lock to take over and no rm-then-create race between two
 * processes that both think the holder is dead. Node has no flock binding, and a native
 * addon would need a build; util-linux's `flock` is on every machine that has iproute2.
 * The holder is a small detached child (`flock FILE cat`) fed by a pipe: when this process
 * exits for any reason the pipe closes, `cat` ends and the lock is released. Detached, so a
 * Ctrl-C on the terminal does not release it while this process is still cleaning up.
 *
 * The file lives beside the lab's directory, never inside it (`down` removes the directory;
 * a waiter would then lock an unlinked file while a third process creates a new one), and
 * is never removed. It holds the holder's pid, for `lab status` ("busy, process N").
 */

export function lockPath(stateDirPath: string): string {
  return `${stateDirPath}.lock`;
}

export async function withLock<T>(stateDirPath: string, fn: () => Promise<T>, waitMs = 120_000): Promise<T> {
  const path = lockPath(stateDirPath);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  const holder = await acquire(path, waitMs);
  try {
    writeFileSync(path, `${process.pid}\n`, { mode: 0o600 });
    return await fn();
  } finally {
    try {
      writeFileSync(path, '', { mode: 0o600 });
    } catch {}
    await release(holder);
  }
}

function acquire(path: string, waitMs: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    const child = spawn(
      'flock',
      ['--exclusive', '--timeout', String(seconds), path, 'sh', '-c', 'echo locked; exec cat'],
      {
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    let settled = false;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!settled && out.includes('locked\n')) {
        settled = true;
        resolve(child);
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    child.stdin?.on('error', () => {});
    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      reject(new LabError(`cannot take the lab lock ${path}: ${error.message}`, 'the lab needs flock (util-linux)'));
    });
    child.on('exit', (code) => {
      if (settled) return;
      settled = true;
      const pid = lockHolderOf(path);
      reject(
        code === 1
          ? new LabError(
              `the lab is busy: ${pid ? `process ${pid} is` : 'another netpol is'} changing it (waited ${seconds} s)`,
              'wait for it to finish, then try again',
            )
          : new LabError(`cannot take the lab lock ${path}: ${err.trim() || `flock exit ${code}`}`),
      );
    });
  });
}

function release(holder: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (holder.exitCode !== null || holder.signalCode !== null) return resolve();
    holder.once('exit', () => resolve());
    holder.stdin?.end();
  });
}

/** The live process holding the lab's lock (changing the lab now), if any. */
export function lockHolder(stateDirPath: string): number | undefined {
  return lockHolderOf(lockPath(stateDirPath));
}

function lockHolderOf(path: string): number | undefined {
  let pid: number;
  let held: boolean;
  try {
    pid = Number(readFileSync(path, 'utf8').trim());
    held = isFlocked(path);
  } catch {
    return undefined;
  }
  return held && Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether some process holds a flock on `path` (/proc/locks lists it by device and inode). */
export function isFlocked(path: string): boolean {
  const { dev, ino } = statSync(path);
  const major = (dev >> 8) & 0xfff;
  const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
  const id = `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}:${ino}`;
  return readFileSync('/proc/locks', 'utf8')
    .split('\n')
    .some((line) => line.includes(' FLOCK ') && line.split(/\s+/).includes(id));
}
