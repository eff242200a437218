import { closeSync, openSync, readSync } from 'node:fs';
import { createJsonStreamReader, createYamlStreamReader, type SourceFile, SUPPORTED_KINDS } from '@netpol/core';
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
 * An input of unknown size (standard input, a device, a pipe) taken chunk by chunk: held as
 * bytes up to the stream threshold, then handed on to a stream reader (JSON or YAML by its
 * first bytes). It is refused as soon as it crosses the input limit, and at its first NUL
 * byte (no YAML or JSON text has one: `-f /dev/zero` stops at once instead of filling memory
 * up to the limit).
 */
class UnsizedInput {
  private readonly held: Uint8Array[] = [];
  private size = 0;
  private lines = 0;
  private lastLineStart = 0;
  private reader: JsonStreamReader | undefined;
  private readonly limit: number;

  constructor(
    private readonly name: string,
    private readonly shown: string,
    private readonly threshold: number,
    private readonly budget: InputBudget,
  ) {
    this.limit = budget.remaining();
  }

  /** Whether the rest of the input changes nothing (its reader failed): stop reading. */
  get done(): boolean {
    return this.reader?.failed?.() ?? false;
  }

  push(chunk: Uint8Array): void {
    const nul = chunk.indexOf(0);
    if (nul >= 0) throw this.binary(chunk, nul);
    this.countLines(chunk);
    this.size += chunk.length;
    if (this.size > this.limit) this.budget.spend(this.shown, this.size);
    if (this.reader) {
      this.reader.push(chunk);
      return;
    }
    this.held.push(chunk);
    if (this.size <= this.threshold) return;
    this.reader = readerFor(Buffer.concat(this.held.slice(0, 4)), this.name);
    for (const piece of this.held) this.reader.push(piece);
    this.held.length = 0;
  }

  end(): SourceFile {
    this.budget.spend(this.shown, this.size);
    return this.reader ? this.reader.end() : { name: this.name, text: Buffer.concat(this.held).toString('utf8') };
  }

  private countLines(chunk: Uint8Array): void {
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) {
      this.lines++;
      this.lastLineStart = this.size + i + 1;
    }
  }

  private binary(chunk: Uint8Array, nul: number): UsageError {
    this.countLines(chunk.subarray(0, nul));
    const column = this.size + nul - this.lastLineStart + 1;
    return new UsageError(
      `${this.shown}:${this.lines + 1}:${column}: a NUL byte: binary data, not YAML or JSON text`,
      'netpol reads manifests as UTF-8 text (kubectl get -o yaml or -o json)',
    );
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
  const input = new UnsizedInput('-', 'standard input', streamThreshold(io), budget);
  for await (const chunk of io.readStdinChunks()) {
    input.push(chunk);
    if (input.done) break;
  }
  return input.end();
}

/**
 * A path that is not a regular file (`/dev/zero`, `/dev/stdin`, a named pipe, `<(...)`): read
 * as standard input is, since its size is known only at its end.
 */
export function readUnsizedFile(full: string, shown: string, io: Io, budget: InputBudget): SourceFile {
  const fd = openSync(full, 'r');
  try {
    const input = new UnsizedInput(shown, shown, streamThreshold(io), budget);
    for (;;) {
      const buffer = Buffer.allocUnsafe(CHUNK);
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      input.push(buffer.subarray(0, n));
      if (input.done) break;
    }
    return input.end();
  } finally {
    closeSync(fd);
  }
}
