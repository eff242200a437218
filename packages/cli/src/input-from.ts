import { analysisFrom } from './command-spec.js';
import { type ClusterFlagsContext, liveOptionsFrom } from './live/live-options.js';
import type { AnalysisOptions } from './load-input.js';
import type { SourceOptions } from './read-sources.js';

/** A command's parsed options that say what to read: `-f`, `-R`, the cluster flags, and the analysis flags it declares. */
interface InputFlagsContext extends ClusterFlagsContext {
  options: ClusterFlagsContext['options'] & { recursive?: boolean } & AnalysisOptions;
}

/**
 * What every reading command passes on from its flags (`fileOptions`, `clusterOptions`, and
 * `analysisOptions` where declared): the files, the live read or none, how to read imperfect
 * input. `namespaces` scope a live read (the command's `-n`, when given).
 */
export function inputFrom(
  ctx: InputFlagsContext,
  namespaces?: readonly string[],
): SourceOptions & AnalysisOptions & { file: string[] } {
  const { options } = ctx;
  return {
    file: options.filename,
    recursive: options.recursive,
    live: liveOptionsFrom(ctx, namespaces),
    ...analysisFrom(options),
  };
}
