import type { CommandContext, OptionSpec } from '../command-spec.js';

/** What to read from a live API server (present only when the cluster is read). */
export interface LiveOptions {
  /** `--kubeconfig`; absent: `$KUBECONFIG`, else `~/.kube/config`, as kubectl. */
  kubeconfig?: string;
  /** `--context`; absent: the kubeconfig's current-context. */
  context?: string;
  /** `--request-timeout`, e.g. `15s`. */
  requestTimeout?: string;
  /** List namespaced objects of these namespaces only (`-n`); absent: all namespaces. */
  namespaces?: readonly string[];
}

export const KUBECTL_PLUGIN = 'kubectl-netpol';

/** The flags of every command that reads `-f` manifests and can read a live cluster too. */
export const clusterOptions: readonly OptionSpec[] = [
  {
    flags: '--cluster',
    description:
      'also read the live cluster of the kubeconfig context (read-only: LIST calls); -f objects replace live ones of the same kind/namespace/name. Implied by --kubeconfig or --context, and by `kubectl netpol` without -f',
  },
  {
    flags: '--kubeconfig <path>',
    description: 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config); implies --cluster',
  },
  { flags: '--context <name>', description: 'kubeconfig context (default: its current-context); implies --cluster' },
  {
    flags: '--request-timeout <duration>',
    description: 'bound on each API request: 500ms, 15s, 1m (a bare number is seconds)',
    default: '15s',
  },
];

/**
 * The live-cluster part of a command's options, or undefined when no cluster is read.
 * `namespaces` scopes the lists (the command's `-n`, when given on the command line).
 */
export function liveOptionsFrom(ctx: CommandContext, namespaces?: readonly string[]): LiveOptions | undefined {
  const { options, io } = ctx;
  const files = (options.filename as string[] | undefined) ?? [];
  const kubeconfig = options.kubeconfig as string | undefined;
  const context = options.context as string | undefined;
  const asPlugin = io.program === KUBECTL_PLUGIN && files.length === 0;
  if (!options.cluster && kubeconfig === undefined && context === undefined && !asPlugin) return undefined;
  return {
    kubeconfig,
    context,
    requestTimeout: options.requestTimeout as string | undefined,
    namespaces: namespaces && namespaces.length > 0 ? namespaces : undefined,
  };
}

/** `-n` of check and explain scopes the lists only when given (its default is `default`). */
export function givenNamespace(ctx: CommandContext): string[] | undefined {
  const ns = ctx.options.namespace;
  return typeof ns === 'string' && ctx.given?.has('namespace') ? [ns] : undefined;
}
