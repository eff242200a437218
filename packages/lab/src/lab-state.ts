import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { LabError } from './exec.js';
import type { OutsideHost } from './lab-names.js';

/** One manifest object the lab holds, keyed `Kind/namespace/name` (kubectl apply identity). */
export interface StoredObject {
  key: string;
  value: Record<string, unknown>;
}

export interface LabPod {
  index: number;
  netns: string;
  ip: string;
  /** What the pod serves; a change re-creates the pod's namespace. */
  signature: string;
}

export interface LabOutside extends OutsideHost {
  index: number;
  netns: string;
}

/** Everything under /run/netpol/<labid>/state.json. */
export interface LabState {
  version: 1;
  labId: string;
  enforce: boolean;
  createdAt: string;
  agentPid?: number;
  nextPodIndex: number;
  pods: Record<string, LabPod>;
  outside: LabOutside[];
  objects: StoredObject[];
  /** The node's ruleset is the one of `objects` (false while a change is being applied). */
  rulesetSynced?: boolean;
  /** Set while the lab is brought in line with `objects`; left set by a sync that died. */
  pending?: boolean;
}

export function statePath(dir: string): string {
  return `${dir}/state.json`;
}

export function readState(dir: string): LabState | undefined {
  const path = statePath(dir);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LabState;
  } catch {
    throw new LabError(`${path} is unreadable`, 'netpol lab down removes the lab anyway');
  }
}

/** Atomic: a concurrent reader sees the old or the new state, never half. */
export function writeState(dir: string, state: LabState): void {
  mkdirSync(dir, { recursive: true });
  const tmp = `${statePath(dir)}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 1)}\n`);
  renameSync(tmp, statePath(dir));
}

/** Every namespace is written here BEFORE it is created, so `down` finds it after a crash. */
export function journalNetns(dir: string, names: readonly string[]): void {
  if (names.length === 0) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(`${dir}/netns.journal`, names.map((n) => `${n}\n`).join(''));
}

export function readJournal(dir: string): string[] {
  try {
    return readFileSync(`${dir}/netns.journal`, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * A lock file held while the lab changes (`up`, `apply`, `run`, `down`); a lock left by a dead
 * process is taken over.
 */
export async function withLock<T>(dir: string, fn: () => Promise<T>, waitMs = 120_000): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const lock = `${dir}/lock`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      let holder = 0;
      try {
        holder = Number(readFileSync(lock, 'utf8'));
      } catch {}
      if (!holder || !alive(holder)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new LabError(`the lab is busy (process ${holder} holds ${lock})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** The live process holding the lab's lock (changing it now), if any. */
export function lockHolder(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(`${dir}/lock`, 'utf8'));
    return pid > 0 && alive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}
