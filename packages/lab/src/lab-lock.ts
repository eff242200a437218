import { spawn } from 'node:child_process';
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { LabError } from './exec.js';

/**
 * The lab lock: one `flock(2)` on `<state root>/<labid>.lock`, held for the whole critical
 * section of every command that changes the lab (up, apply, delete, label, run, down).
 *
 * Why flock: the kernel drops the lock when its holder dies (even by SIGKILL), so there is
 * no stale lock to take over and no rm-then-create race between two processes that both
 * think the holder is dead. Node has no flock binding, and a native addon would need a
 * build; util-linux's `flock` is on every machine that has iproute2. This process opens the
 * file and hands the descriptor to `flock -x N` as fd 3: the lock belongs to the open file
 * description both share, so it stays held by this process's descriptor after `flock` exits,
 * until it is closed or this process dies. libuv opens files close-on-exec, so the agent and
 * other children never inherit it.
 *
 * The file lives beside the lab's directory, never inside it, and holds the holder's pid
 * (for `lab status`: "busy, process N"). It is removed, under the lock, when the holder
 * leaves no lab behind (`down`, a failed `up`): a waiter that was blocked on the removed file
 * then finds that the path no longer names the file it locked, and starts again on the
 * path's new file, so two processes can never hold "the" lock of one lab at once.
 */

export function lockPath(stateDirPath: string): string {
  return `${stateDirPath}.lock`;
}

export async function withLock<T>(stateDirPath: string, fn: () => Promise<T>, waitMs = 120_000): Promise<T> {
  const path = lockPath(stateDirPath);
  const fd = await acquire(path, Date.now() + waitMs, waitMs);
  try {
    ftruncateSync(fd, 0);
    writeSync(fd, `${process.pid}\n`, 0);
    return await fn();
  } finally {
    try {
      // No lab left: its lock file goes too (still locked, so a waiter sees it gone).
      if (!existsSync(stateDirPath)) unlinkSync(path);
      else ftruncateSync(fd, 0);
    } catch {}
    closeSync(fd);
  }
}

/** Locks the file `path` names now: retried when a holder removed it while this one waited. */
async function acquire(path: string, deadline: number, waitMs: number): Promise<number> {
  for (;;) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Read-write, created if missing, never truncated by opening (a holder's pid is in it).
    const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o600);
    try {
      await flock(fd, path, Math.max(1, Math.ceil((deadline - Date.now()) / 1000)), waitMs);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    if (sameFile(fd, path)) return fd;
    closeSync(fd);
  }
}

function sameFile(fd: number, path: string): boolean {
  try {
    const held = fstatSync(fd);
    const named = statSync(path);
    return held.ino === named.ino && held.dev === named.dev;
  } catch {
    return false;
  }
}

function flock(fd: number, path: string, seconds: number, waitMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('flock', ['--exclusive', '--timeout', String(seconds), '3'], {
      stdio: ['ignore', 'ignore', 'pipe', fd],
    });
    let err = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    child.on('error', (error) =>
      reject(new LabError(`cannot take the lab lock ${path}: ${error.message}`, 'the lab needs flock (util-linux)')),
    );
    child.on('exit', (code) => {
      if (code === 0) return resolve();
      const pid = lockHolderOf(path);
      reject(
        code === 1
          ? new LabError(
              `the lab is busy: ${pid ? `process ${pid} is` : 'another netpol is'} changing it (waited ${Math.ceil(waitMs / 1000)} s)`,
              'wait for it to finish, then try again',
            )
          : new LabError(`cannot take the lab lock ${path}: ${err.trim() || `flock exit ${code}`}`),
      );
    });
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
