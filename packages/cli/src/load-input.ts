import { type BuildOptions, type LoadedCluster, loadCluster, type SourceFile } from '@netpol/core';
import { colorsFor } from './colors.js';
import { ExitError, type Io } from './io.js';
import { formatIssue } from './print-issues.js';
import { readInputs } from './read-inputs.js';

export interface InputOptions {
  file?: string[];
  recursive?: boolean;
  namespace?: string;
}

/**
 * Read and load `-f` inputs for a command that needs a valid cluster: notes (skipped kinds)
 * go to stderr; any error is printed with its position and the command exits 2.
 */
export async function loadInput(
  options: InputOptions,
  io: Io,
  build: BuildOptions = {},
): Promise<LoadedCluster & { sources: SourceFile[] }> {
  const sources = await readInputs(options.file ?? [], io, { recursive: options.recursive });
  const result = loadCluster(sources, build);
  const c = colorsFor(io.stderr, io);
  for (const issue of result.issues) io.stderr.write(`${formatIssue(issue, sources, c)}\n`);
  if (!result.ok) {
    const count = result.issues.filter((i) => i.severity === 'error').length;
    io.stderr.write(
      `${count} error${count === 1 ? '' : 's'} in the input; fix ${count === 1 ? 'it' : 'them'} first (netpol validate shows the same)\n`,
    );
    throw new ExitError(2);
  }
  return { ...result.value, sources };
}
