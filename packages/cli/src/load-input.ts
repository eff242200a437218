import { type BuildOptions, type Issue, type LoadedCluster, loadCluster, type SourceFile } from '@netpol/core';
import { colorsFor } from './colors.js';
import { ExitError, type Io } from './io.js';
import { formatIssue } from './print-issues.js';
import { readSources, type SourceOptions } from './read-sources.js';

export interface InputOptions extends SourceOptions {
  namespace?: string;
}

/**
 * Read and load `-f` inputs (and the live cluster with `--cluster`) for a command that needs
 * a valid cluster: notes (skipped kinds) go to stderr; any error is printed with its position
 * and the command exits 2.
 */
export async function loadInput(
  options: InputOptions,
  io: Io,
  build: BuildOptions = {},
  /** Also told the issues of an invalid input, before the exit (lint -o sarif writes them). */
  onInvalid?: (issues: readonly Issue[], sources: readonly SourceFile[]) => void,
): Promise<LoadedCluster & { sources: SourceFile[] }> {
  const sources = await readSources(options, io, build.defaultNamespace);
  const result = loadCluster(sources, build);
  const c = colorsFor(io.stderr, io);
  for (const issue of result.issues) io.stderr.write(`${formatIssue(issue, sources, c)}\n`);
  if (!result.ok) {
    const count = result.issues.filter((i) => i.severity === 'error').length;
    io.stderr.write(
      `${count} error${count === 1 ? '' : 's'} in the input; fix ${count === 1 ? 'it' : 'them'} first (netpol validate shows the same)\n`,
    );
    onInvalid?.(result.issues, sources);
    throw new ExitError(2);
  }
  return { ...result.value, sources };
}
