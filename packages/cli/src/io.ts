import { basename } from 'node:path';

/** Everything a command touches outside itself, so tests can run commands in-process. */
export interface OutStream {
  /** False when the stream's buffer is full (a Node stream): wait for `drain`. */
  write(text: string): unknown;
  /** Node streams: to wait for `drain` (a reader that went away is EPIPE: the bin exits). */
  once?(event: 'drain', listener: () => void): unknown;
  isTTY?: boolean;
  /** Terminal width, when a terminal. */
  columns?: number;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  /** Reads all of standard input (for `-f -`), or its first `maxBytes` when given. */
  readStdin(maxBytes?: number): Promise<string>;
  /** Standard input as it arrives (an input too large for one string is read as a stream). */
  readStdinChunks?(): AsyncIterable<Uint8Array>;
  /** The input limit (`--max-input-size`), per file and in total; a default when absent. */
  maxInputBytes?: number;
  cwd: string;
  env: Record<string, string | undefined>;
  /** The name it runs under: `kubectl-netpol` when kubectl runs it as a plugin. */
  program?: string;
}

/** An expected failure: printed without a stack, exit 2 (bad input or usage). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Thrown after the issues were already printed: exit with this code, print nothing more. */
export class ExitError extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'ExitError';
  }
}

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: async (maxBytes = Number.POSITIVE_INFINITY) => {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of process.stdin) {
        chunks.push(chunk as Buffer);
        total += (chunk as Buffer).length;
        // An endless stdin: stop at the limit; the caller refuses what it got.
        if (total >= maxBytes) break;
      }
      return Buffer.concat(chunks).toString('utf8');
    },
    readStdinChunks: () => process.stdin,
    cwd: process.cwd(),
    env: process.env,
    // npm's bin links keep their own name in argv[1] (`kubectl-netpol`), not the target's.
    program: basename(process.argv[1] ?? 'netpol').replace(/\.[cm]?js$/, ''),
  };
}

/**
 * Writes chunks in pieces of about 64 KiB, waiting for `drain` when the stream's buffer is
 * full: a generated output of gigabytes (`matrix -o json` of 30,000 workloads) then needs
 * only bounded memory, however slow the reader of the pipe.
 */
export async function writeChunks(out: OutStream, chunks: Iterable<string>): Promise<void> {
  let buffer: string[] = [];
  let size = 0;
  const flush = async () => {
    if (buffer.length === 0) return;
    const full = out.write(buffer.join('')) === false;
    buffer = [];
    size = 0;
    if (full && out.once) await new Promise<void>((resolve) => out.once?.('drain', resolve));
  };
  for (const chunk of chunks) {
    buffer.push(chunk);
    size += chunk.length;
    if (size >= 1 << 16) await flush();
  }
  await flush();
}
