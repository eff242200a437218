import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { labCapabilityProblem, labPreflight } from '@netpol/lab';
import type { Io } from './io.js';
import { run } from './run.js';

export interface FakeIoOptions {
  stdin?: string;
  cwd?: string;
  env?: Record<string, string>;
  /** stdout claims to be a terminal (colour on unless NO_COLOR). */
  tty?: boolean;
}

/** An Io that captures what a command writes (tests call commands in-process). */
export function fakeIo(options: FakeIoOptions = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    stdout: { write: (s) => void out.push(s), isTTY: options.tty },
    stderr: { write: (s) => void err.push(s) },
    readStdin: async () => options.stdin ?? '',
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

/** `netpol ...argv` in-process: exit code and what it printed. */
export async function runCli(argv: readonly string[], options: FakeIoOptions = {}) {
  const f = fakeIo(options);
  const code = await run(argv, f.io);
  return { code, stdout: f.stdout(), stderr: f.stderr() };
}

/**
 * A temporary directory for one CLI test file (removed after its tests), a fake Io in it
 * (`out()`/`err()` give what was written; colour off) and `netpol(...argv)` run there.
 */
export function cliSandbox(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const sandboxIo = (): Io & { out: () => string; err: () => string } => {
    const f = fakeIo({ cwd: dir, env: { NO_COLOR: '1' } });
    return Object.assign(f.io, { out: f.stdout, err: f.stderr });
  };
  const netpol = async (...argv: string[]) => {
    const io = sandboxIo();
    const code = await run(argv, io);
    return { code, out: io.out(), err: io.err() };
  };
  return { dir, fakeIo: sandboxIo, netpol };
}

/** fakeIo in `cwd` with colour off; `out.stdout`/`out.stderr` read what was written so far. */
export function capturingIo(cwd: string) {
  const f = fakeIo({ cwd, env: { NO_COLOR: '1' } });
  const out = {
    get stdout() {
      return f.stdout();
    },
    get stderr() {
      return f.stderr();
    },
  };
  return { io: f.io, out };
}

/** Why live lab tests cannot run here (undefined: they can); `id` names the probe namespace. */
export async function labTestSkip(id: string): Promise<string | undefined> {
  const problem = (await labPreflight())?.problem ?? (await labCapabilityProblem(id));
  return problem ? `lab tests need root, Linux, iproute2, nftables and namespaces: ${problem}` : undefined;
}
