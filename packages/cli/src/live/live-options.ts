import { type OptionsOf, option } from '../command-spec.js';
import type { Io } from '../io.js';

/** What to read from a live API server (present only when the cluster is read). */
export interface LiveOptions {
  /** `--kubeconfig`; absent: `$KUBECONFIG`, else `~/.kube/config`, as kubectl. */
  kubeconfig?: string;
  /** `--context`; absent: the kubeconfig's current-context. */
  context?: string;
  /** `--request-timeout`, e.g. `15s`. */
  requestTimeout?: string;
  /** `--read-timeout`: the whole read, every page of every kind, e.g. `5m`. */
  readTimeout?: string;
  /** List namespaced objects of these namespaces only (`-n`); absent: all namespaces. */
  namespaces?: readonly string[];
}

export const KUBECTL_PLUGIN = 'kubectl-netpol';

/** The flags of every command that reads `-f` manifests and can read a live cluster too. */
export const clusterOptions = [
  option(
    '--cluster',
    'also read the live cluster of the kubeconfig context (read-only: LIST calls); -f objects replace live ones of the same kind/namespace/name. Implied by --kubeconfig or --context, and by `kubectl netpol` without -f',
  ),
  option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config); implies --cluster'),
  option('--context <name>', 'kubeconfig context (default: its current-context); implies --cluster'),
  option('--request-timeout <duration>', 'bound on each API request: 500ms, 15s, 1m (a bare number is seconds)', {
    default: '15s',
  }),
  option('--read-timeout <duration>', 'bound on the whole read of the cluster, every page of every kind', {
    default: '5m',
  }),
] as const;

/** What `liveOptionsFrom` reads: the cluster flags and `-f`. */
export interface ClusterFlagsContext {
  options: OptionsOf<typeof clusterOptions> & { filename: string[] };
  io: Io;
}

/**
 * The live-cluster part of a command's options, or undefined when no cluster is read.
 * `namespaces` scopes the lists (the command's `-n`, when given on the command line).
 */
export function liveOptionsFrom(ctx: ClusterFlagsContext, namespaces?: readonly string[]): LiveOptions | undefined {
  const { options, io } = ctx;
  const { kubeconfig, context } = options;
  const asPlugin = io.program === KUBECTL_PLUGIN && options.filename.length === 0;
  if (!options.cluster && kubeconfig === undefined && context === undefined && !asPlugin) return undefined;
  return {
    kubeconfig,
    context,
    requestTimeout: options.requestTimeout,
    readTimeout: options.readTimeout,
    namespaces: namespaces && namespaces.length > 0 ? namespaces : undefined,
  };
}

/** `-n` of check and explain scopes the lists only when given (its default is `default`). */
export function givenNamespace(ctx: {
  options: { namespace: string };
  given: ReadonlySet<string>;
}): string[] | undefined {
  return ctx.given.has('namespace') ? [ctx.options.namespace] : undefined;
}
