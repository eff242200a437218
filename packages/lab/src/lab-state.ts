import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LabError } from './exec.js';
import { DEFAULT_LAB_ID, netnsPrefix, type OutsideHost } from './lab-names.js';

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

/**
 * The state of the lab whose directory is `dir` (`<root>/<labid>`); undefined when it has
 * none; a LabError when the file is not that lab's state.
 */
export function readState(dir: string): LabState | undefined {
  const labId = basename(dir);
  const path = statePath(dir);
  if (!existsSync(path)) return undefined;
  let state: unknown;
  try {
    state = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    state = undefined;
  }
  if (!isLabState(state, labId)) {
    // The hint names this lab: a bare `netpol lab down` would remove the default lab instead.
    const flag = labId === DEFAULT_LAB_ID ? '' : ` --lab ${labId}`;
    throw new LabError(`${path} is unreadable`, `netpol lab down${flag} removes the lab anyway`);
  }
  return state;
}

/**
 * The shape every reader relies on, checked once here: `{}` or a state written for another
 * lab id must not become `np-<id>-pNaN` or another lab's namespaces.
 */
function isLabState(value: unknown, labId: string): value is LabState {
  if (!isRecord(value) || value.version !== 1 || value.labId !== labId) return false;
  if (typeof value.enforce !== 'boolean' || !Number.isSafeInteger(value.nextPodIndex)) return false;
  if (!isRecord(value.pods) || !Array.isArray(value.outside) || !Array.isArray(value.objects)) return false;
  const ownNetns = (netns: unknown, kind: 'p' | 'x', index: unknown) =>
    Number.isSafeInteger(index) && netns === `${netnsPrefix(labId)}${kind}${index}`;
  return (
    Object.values(value.pods).every(
      (p) =>
        isRecord(p) && ownNetns(p.netns, 'p', p.index) && typeof p.ip === 'string' && typeof p.signature === 'string',
    ) &&
    value.outside.every(
      (o) => isRecord(o) && ownNetns(o.netns, 'x', o.index) && typeof o.ip === 'string' && typeof o.name === 'string',
    ) &&
    value.objects.every((o) => isRecord(o) && typeof o.key === 'string' && isRecord(o.value))
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The lab's directory: root only (0700). It holds the objects' labels and the helper
 * programs the agent runs as root; its files are 0600 (`writePrivate`).
 */
export function ensureStateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** A file of the lab's directory, readable by root only whatever the umask. */
export function writePrivate(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Atomic: a concurrent reader sees the old or the new state, never half. */
export function writeState(dir: string, state: LabState): void {
  ensureStateDir(dir);
  const tmp = `${statePath(dir)}.${process.pid}.tmp`;
  writePrivate(tmp, `${JSON.stringify(state, null, 1)}\n`);
  renameSync(tmp, statePath(dir));
}

/** Every namespace is written here BEFORE it is created, so `down` finds it after a crash. */
export function journalNetns(dir: string, names: readonly string[]): void {
  if (names.length === 0) return;
  ensureStateDir(dir);
  appendFileSync(`${dir}/netns.journal`, names.map((n) => `${n}\n`).join(''), { mode: 0o600 });
}

export function readJournal(dir: string): string[] {
  try {
    return readFileSync(`${dir}/netns.journal`, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
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
