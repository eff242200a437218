import {
  addressRangesProblem,
  type BuildOptions,
  type Issue,
  type LoadedCluster,
  type LoadOptions,
  loadCluster,
  type SourceFile,
} from '@netpol/core';
import { colorsFor } from './colors.js';
import { ExitError, type Io, UsageError } from './io.js';
import { formatIssues } from './print-issues.js';
import { readSources, type SourceOptions } from './read-sources.js';

/** How an analysis command reads imperfect input and assigns addresses (README "Imperfect input"). */
export interface AnalysisOptions {
  /** Every validation error is fatal, as `netpol validate` reports them. */
  strict?: boolean;
  /** Ranges for pod addresses the input does not give (`--pod-cidr`, repeatable). */
  podCidr?: string[];
  /** Range for ClusterIPs the input does not give (`--service-cidr`). */
  serviceCidr?: string;
  /** Print every note and warning instead of summarizing repeated ones. */
  verbose?: boolean;
}

export interface InputOptions extends SourceOptions, AnalysisOptions {
  namespace?: string;
}

/**
 * Read and load `-f` inputs (and the live cluster with `--cluster`) for a command that needs
 * a usable cluster: notes and warnings go to stderr (repeated ones summarized); validation
 * errors that do not change connectivity are warnings unless `strict`; any error left is
 * printed with its position and the command exits 2.
 */
export async function loadInput(
  options: InputOptions,
  io: Io,
  build: BuildOptions = {},
  /** Also told the issues of an invalid input, before the exit (lint -o sarif writes them). */
  onInvalid?: (issues: readonly Issue[], sources: readonly SourceFile[]) => void,
): Promise<LoadedCluster & { sources: SourceFile[] }> {
  checkAddressRanges(options);
  const sources = await readSources(options, io, build.defaultNamespace);
  return { ...loadSources(sources, options, io, build, onInvalid), sources };
}

/**
 * `--pod-cidr` and `--service-cidr` the allocator cannot use are a usage error, one line,
 * before anything is read: overlapping pod ranges would give two pods one address.
 */
export function checkAddressRanges(options: AnalysisOptions): void {
  const pod = options.podCidr && options.podCidr.length > 0 ? addressRangesProblem(options.podCidr) : undefined;
  if (pod) throw new UsageError(`--pod-cidr: ${pod}`);
  const service = options.serviceCidr ? addressRangesProblem([options.serviceCidr]) : undefined;
  if (service) throw new UsageError(`--service-cidr: ${service}`);
}

/** The load options of an analysis command: leniency and address ranges. */
export function loadOptions(options: AnalysisOptions, build: BuildOptions = {}): LoadOptions {
  checkAddressRanges(options);
  return {
    ...build,
    strict: options.strict,
    ...(options.podCidr && options.podCidr.length > 0 ? { podCidr: options.podCidr } : {}),
    ...(options.serviceCidr ? { serviceCidr: options.serviceCidr } : {}),
  };
}

/** `loadInput` for sources already read: prints its issues, exits 2 on an error. */
export function loadSources(
  sources: SourceFile[],
  options: AnalysisOptions,
  io: Io,
  build: BuildOptions = {},
  onInvalid?: (issues: readonly Issue[], sources: readonly SourceFile[]) => void,
): LoadedCluster {
  return reportLoaded(loadCluster(sources, loadOptions(options, build)), sources, options, io, onInvalid);
}

/** What `loadSources` does with a load's result: prints its issues, exits 2 on an error. */
export function reportLoaded(
  result: ReturnType<typeof loadCluster>,
  sources: readonly SourceFile[],
  options: AnalysisOptions,
  io: Io,
  onInvalid?: (issues: readonly Issue[], sources: readonly SourceFile[]) => void,
): LoadedCluster {
  const colors = colorsFor(io.stderr, io);
  for (const line of formatIssues(result.issues, sources, { verbose: options.verbose, colors })) {
    io.stderr.write(`${line}\n`);
  }
  if (result.value.lenient > 0) {
    const n = result.value.lenient;
    io.stderr.write(
      `netpol: ${n} validation error${n === 1 ? '' : 's'} that do${n === 1 ? 'es' : ''} not change connectivity ${n === 1 ? 'was' : 'were'} read as warning${n === 1 ? '' : 's'}; --strict makes ${n === 1 ? 'it' : 'them'} fatal (netpol validate reports ${n === 1 ? 'it' : 'them'} as the API server would)\n`,
    );
  }
  if (!result.ok) {
    const count = result.issues.filter((i) => i.severity === 'error').length;
    io.stderr.write(
      `${count} error${count === 1 ? '' : 's'} in the input; fix ${count === 1 ? 'it' : 'them'} first (netpol validate shows the same)\n`,
    );
    onInvalid?.(result.issues, sources);
    throw new ExitError(2);
  }
  return result.value;
}
