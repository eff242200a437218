import { closeSync, openSync, readSync } from 'node:fs';
import { createJsonStreamReader, type SourceFile, SUPPORTED_KINDS } from '@netpol/core';
import type { InputBudget } from './input-limit.js';
import { type Io, UsageError } from './io.js';

/**
 * Inputs larger than this are read as a stream, keeping only the fields netpol reads: V8's
 * longest string is about 512 MiB, and JSON.parse of a 256 MiB text already takes several
 * GiB. `NETPOL_STREAM_ABOVE` (bytes) moves the line (tests use a small one).
 */
export const STREAM_ABOVE = 256 * 1024 * 1024;

const CHUNK = 4 * 1024 * 1024;

export function streamThreshold(io: Io): number {
  const given = Number(io.env.NETPOL_STREAM_ABOVE);
  return Number.isSafeInteger(given) && given > 0 ? given : STREAM_ABOVE;
}

const isSupportedKind = (kind: string) => SUPPORTED_KINDS.includes(kind);

/** Whether the first byte that is not whitespace (or a BOM) opens JSON. */
function startsAsJson(bytes: Uint8Array): boolean | undefined {
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (i === 0 && c === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      i += 2;
      continue;
    }
    return c === 0x7b || c === 0x5b;
  }
  return undefined;
}

function tooLargeYaml(shown: string, bytes: number): UsageError {
  return new UsageError(
    `${shown}: ${Math.round(bytes / 1048576)} MiB of YAML is more than netpol reads at once (${Math.round(STREAM_ABOVE / 1048576)} MiB)`,
    'JSON of any size is read as a stream: kubectl get ... -o json',
  );
}

/** A large file, read chunk by chunk into a streamed source (`full` is known to exist). */
export function readFileStreamed(full: string, shown: string, size: number): SourceFile {
  const fd = openSync(full, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    const reader = createJsonStreamReader(shown, isSupportedKind);
    let first = true;
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      const chunk = buffer.subarray(0, n);
      if (first && startsAsJson(chunk) === false) throw tooLargeYaml(shown, size);
      first = false;
      reader.push(chunk);
    }
    return reader.end();
  } finally {
    closeSync(fd);
  }
}

/**
 * Standard input: a text when it is small; past the threshold, JSON goes on as a stream
 * (the chunks read so far first), anything else is refused.
 */
export async function readStdinSource(io: Io, budget: InputBudget): Promise<SourceFile> {
  if (!io.readStdinChunks) {
    const text = await io.readStdin(budget.remaining() + 1);
    budget.spend('standard input', Buffer.byteLength(text));
    return { name: '-', text };
  }
  const threshold = streamThreshold(io);
  const held: Uint8Array[] = [];
  let size = 0;
  let reader: ReturnType<typeof createJsonStreamReader> | undefined;
  // An endless stdin stops at the input limit (`--max-input-size`), streamed or not.
  const limit = budget.remaining();
  for await (const chunk of io.readStdinChunks()) {
    size += chunk.length;
    if (size > limit) budget.spend('standard input', size);
    if (reader) {
      reader.push(chunk);
      continue;
    }
    held.push(chunk);
    if (size <= threshold) continue;
    if (startsAsJson(Buffer.concat(held.slice(0, 4))) === false) throw tooLargeYaml('-', size);
    reader = createJsonStreamReader('-', isSupportedKind);
    for (const piece of held) reader.push(piece);
    held.length = 0;
  }
  budget.spend('standard input', size);
  return reader ? reader.end() : { name: '-', text: Buffer.concat(held).toString('utf8') };
}
