import { spawn } from 'node:child_process';
import { at } from '@netpol/core';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command the lab needed failed: the CLI prints its message, no stack. */
export class LabError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'LabError';
  }
}

/** Run a program (no shell), optionally feeding stdin; never rejects on a non-zero exit. */
export function exec(
  file: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout, stderr: stderr + error.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** Like `exec`, but a failure throws a LabError naming the command. */
export async function mustExec(
  file: string,
  args: readonly string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<string> {
  const result = await exec(file, args, options);
  if (result.code !== 0) {
    const detail = result.stderr.trim().split('\n').slice(0, 5).join('\n');
    throw new LabError(`${file} ${args.join(' ')} failed (exit ${result.code}): ${detail}`);
  }
  return result.stdout;
}

/** Run `tasks` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(at(items, i));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
