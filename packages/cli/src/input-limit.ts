import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { at } from '@netpol/core';
import { UsageError } from './io.js';

/**
 * How much input one run reads: per file and in total, so `-f /dev/zero` or an endless
 * stdin stops with a clear line instead of growing until the machine runs out of memory.
 * Generous by default (real cluster dumps are tens of MB); `--max-input-size` raises it.
 */
export const DEFAULT_MAX_INPUT_BYTES = 1024 ** 3;

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1000,
  ki: 1024,
  kib: 1024,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
};

/** `512MiB`, `2GiB`, `1G`, `300000000` → bytes; a UsageError otherwise. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[at(m, 2).toLowerCase()] : undefined;
  const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new UsageError(`--max-input-size ${text}: expected a size such as 512MiB or 2GiB`);
  }
  return bytes;
}

export function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** Counts what a run has read against its limit. */
export class InputBudget {
  private used = 0;
  constructor(readonly limit: number = DEFAULT_MAX_INPUT_BYTES) {}

  /** Bytes one more source may take (the per-file limit, or what is left of the total). */
  remaining(): number {
    return Math.max(0, this.limit - this.used);
  }

  spend(name: string, bytes: number): void {
    this.used += bytes;
    if (bytes > this.limit) throw tooLarge(`${name} is larger than`, this.limit);
    if (this.used > this.limit) throw tooLarge(`the inputs together (with ${name}) are larger than`, this.limit);
  }
}

function tooLarge(what: string, limit: number): UsageError {
  return new UsageError(
    `${what} the input limit of ${formatSize(limit)}`,
    `a bigger input needs --max-input-size (e.g. --max-input-size ${formatSize(limit * 2).replace(' ', '')})`,
  );
}

/**
 * A file's text, refusing it before reading when it is a regular file over the budget, and
 * reading at most one byte past the budget otherwise (devices, pipes: `/dev/zero`).
 */
export function readTextWithin(full: string, shown: string, budget: InputBudget): string {
  const fd = openSync(full, 'r');
  try {
    const stat = fstatSync(fd);
    if (stat.isFile()) {
      budget.spend(shown, stat.size);
      return readAll(fd, stat.size + 1, shown, budget, false);
    }
    return readAll(fd, budget.remaining() + 1, shown, budget, true);
  } finally {
    closeSync(fd);
  }
}

function readAll(fd: number, max: number, shown: string, budget: InputBudget, spend: boolean): string {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(1 << 20, Math.max(1, max - total)));
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total >= max) {
      if (spend) budget.spend(shown, total);
      break;
    }
  }
  if (spend && total < max) budget.spend(shown, total);
  return Buffer.concat(chunks, total).toString('utf8');
}
