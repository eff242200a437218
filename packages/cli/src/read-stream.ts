import { closeSync, openSync, readSync } from 'node:fs';
import { createJsonStreamReader, createYamlStreamReader, type SourceFile, SUPPORTED_KINDS } from '@netpol/core';
import type { InputBudget } from './input-limit.js';
import type { Io } from './io.js';

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

type JsonStreamReader = ReturnType<typeof createJsonStreamReader>;

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

/** The reader for an input by its first bytes: JSON (`{`, `[`), else YAML documents. */
function readerFor(first: Uint8Array, name: string): JsonStreamReader {
  return startsAsJson(first) === false
    ? createYamlStreamReader(name, isSupportedKind)
    : createJsonStreamReader(name, isSupportedKind);
}

/** A large file, read chunk by chunk into a streamed source (`full` is known to exist). */
export function readFileStreamed(full: string, shown: string): SourceFile {
  const fd = openSync(full, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let reader: JsonStreamReader | undefined;
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      const chunk = buffer.subarray(0, n);
      reader ??= readerFor(chunk, shown);
      reader.push(chunk);
    }
    return (reader ?? createJsonStreamReader(shown, isSupportedKind)).end();
  } finally {
    closeSync(fd);
  }
}

/**
 * Standard input: a text when it is small; past the threshold, it goes on as a stream (the
 * chunks read so far first), JSON or YAML by its first bytes.
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
  let reader: JsonStreamReader | undefined;
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
    reader = readerFor(Buffer.concat(held.slice(0, 4)), '-');
    for (const piece of held) reader.push(piece);
    held.length = 0;
  }
  budget.spend('standard input', size);
  return reader ? reader.end() : { name: '-', text: Buffer.concat(held).toString('utf8') };
}
