import { basename } from 'node:path';

/** Everything a command touches outside itself, so tests can run commands in-process. */
export interface OutStream {
  write(text: string): void;
  isTTY?: boolean;
  /** Terminal width, when a terminal. */
  columns?: number;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
  /** Reads all of standard input (for `-f -`). */
  readStdin(): Promise<string>;
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
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    cwd: process.cwd(),
    env: process.env,
    // npm's bin links keep their own name in argv[1] (`kubectl-netpol`), not the target's.
    program: basename(process.argv[1] ?? 'netpol').replace(/\.[cm]?js$/, ''),
  };
}
