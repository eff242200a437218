import { loadCluster, type SourceFile } from '@netpol/core';
import { diffVersions, sharedPodRanges, unanalyzedChanges } from '@netpol/core/diff';
import { hasChanges, renderDiff } from '@netpol/core/format';
import type { SymbolicDiff } from '@netpol/core/symbolic';
import { type Io, UsageError } from '../io.js';
import { type AnalysisOptions, checkAddressRanges, loadOptions, loadSources, reportLoaded } from '../load-input.js';
import { readSources } from '../read-sources.js';

export interface DiffCommandOptions extends AnalysisOptions {
  base: string;
  head: string;
  output: string;
  exitCode?: boolean;
  /** Accepted for symmetry with the other commands: diff always reads directories recursively. */
  recursive?: boolean;
  symbolic?: boolean;
}

/**
 * `netpol diff BASE HEAD`: the connections HEAD opens and closes compared with BASE, and the
 * policies added, removed or changed. An endpoint present in one version only gains (or loses)
 * every connection it has there. Without pods in either version (a repository of policies
 * alone), or with --symbolic, the endpoints are classes of every pod that could exist.
 * Exit 0, or 1 with --exit-code when anything changed, including what netpol does not analyze.
 */
export async function diffCommand(options: DiffCommandOptions, io: Io): Promise<number> {
  checkAddressRanges(options);
  // Both versions are read alike and whole: git: paths are read recursively, so a directory is
  // too; without that, `diff git:main:k8s k8s` compared a whole tree with its top folder, and a
  // policy added in a subfolder of a directory was a note while the diff said "no changes".
  const read = (file: string) => readSources({ file: [file], recursive: true }, io);
  const [baseRead, headRead] = [await absentAsEmpty(read, options.base), await absentAsEmpty(read, options.head)];
  // A path in neither version is a typo, not an empty diff.
  if ('absent' in baseRead && 'absent' in headRead) throw baseRead.absent;
  for (const [side, got, spec] of [
    ['BASE', baseRead, options.base],
    ['HEAD', headRead, options.head],
  ] as const) {
    if ('absent' in got) {
      io.stderr.write(
        `netpol diff: note: ${spec}: the path is not in that revision: ${side} is read as empty, so everything in ${side === 'BASE' ? 'HEAD is new' : 'BASE is gone'}\n`,
      );
    }
  }
  const [baseSources, headSources] = [sourcesOf(baseRead), sourcesOf(headRead)];
  // Both sides make up pod addresses from the same ranges (sharedPodRanges says why); loaded
  // again only when the ranges each inferred differ.
  const first = {
    base: loadCluster(baseSources, loadOptions(options)),
    head: loadCluster(headSources, loadOptions(options)),
  };
  const shared = options.podCidr?.length
    ? undefined
    : sharedPodRanges(first.base.value.cluster, first.head.value.cluster);
  const [base, head] = shared
    ? [
        loadSources(baseSources, { ...options, podCidr: shared }, io),
        loadSources(headSources, { ...options, podCidr: shared }, io),
      ]
    : [reportLoaded(first.base, baseSources, options, io), reportLoaded(first.head, headSources, options, io)];
  const diff = diffVersions(base.cluster, head.cluster, { symbolic: options.symbolic });
  if ('notes' in diff) {
    for (const note of (diff as SymbolicDiff).notes) io.stderr.write(`netpol diff: note: ${note}\n`);
  }
  // A Helm template or a Cilium policy that changed can open anything: never "no changes".
  const unanalyzed = unanalyzedChanges(base.unanalyzed, head.unanalyzed);
  if (unanalyzed.length > 0) {
    diff.unanalyzed = unanalyzed;
    const n = unanalyzed.length;
    const named = unanalyzed.slice(0, 3).map((u) => `${u.file}: ${u.what}`);
    if (n > 3) named.push(`and ${n - 3} more`);
    io.stderr.write(
      `netpol diff: warning: ${n} change${n === 1 ? '' : 's'} netpol does not analyze (${named.join('; ')}): what ${n === 1 ? 'it opens or closes' : 'they open or close'} is not in this diff\n`,
    );
  }
  const format = options.output === 'json' || options.output === 'md' ? options.output : 'table';
  io.stdout.write(renderDiff(diff, format, options.base, options.head));
  return options.exitCode && hasChanges(diff) ? 1 : 0;
}

type Read = { sources: SourceFile[] } | { absent: UsageError };

/**
 * A `git:REV:PATH` whose PATH the revision lacks: the pull request that adds the first
 * policies (BASE lacks the folder) or removes them all (HEAD does). Read as empty, so the
 * gate shows what the change opens or closes instead of failing; any other error stands.
 */
async function absentAsEmpty(read: (file: string) => Promise<SourceFile[]>, spec: string): Promise<Read> {
  try {
    return { sources: await read(spec) };
  } catch (error) {
    const absent = /: fatal: path '.*' (?:does not exist in|exists on disk, but not in) '/;
    if (spec.startsWith('git:') && error instanceof UsageError && absent.test(error.message)) return { absent: error };
    throw error;
  }
}

const sourcesOf = (read: Read): SourceFile[] => ('sources' in read ? read.sources : []);
