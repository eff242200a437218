import {
  analysisOptions,
  choice,
  defineCommand,
  fileOptions,
  namespacesOption,
  option,
  outputOption,
  repeatable,
} from '../command-spec.js';
import { inputFrom } from '../input-from.js';
import { UsageError } from '../io.js';
import { clusterOptions } from '../live/live-options.js';

export const MATRIX_OUTPUTS = ['table', 'json', 'csv', 'md', 'dot', 'mermaid', 'html'] as const;
export const MATRIX_GROUPINGS = ['workload', 'namespace'] as const;

export const matrixDefinition = defineCommand({
  name: 'matrix',
  summary: 'connectivity matrix: which endpoints may open connections to which, per port',
  options: [
    ...fileOptions,
    ...analysisOptions,
    ...clusterOptions,
    repeatable(
      '--port <port[/proto]>',
      'port to judge, e.g. 80, 53/UDP, http (repeatable; default: every container port of the endpoints and every single port the policies name, else 80/TCP)',
    ),
    repeatable('--external <ip>', 'add an outside address as an endpoint (repeatable)'),
    namespacesOption(
      'only endpoints in this namespace (repeatable); one -n is also the namespace of objects that name none',
    ),
    option('-A, --all-namespaces', 'endpoints of every namespace (the default without -n; as kubectl)'),
    option(
      '-l, --selector <labels>',
      'only endpoints whose pod labels match, in kubectl syntax: app=web,tier!=db, env in (a,b), !canary (outside addresses stay)',
    ),
    option('--per-pod', 'list every replica instead of one endpoint per workload'),
    choice(
      '--group-by <what>',
      'workload: one row per workload or bare pod; namespace: namespace × namespace, each cell all, some (allowed/pairs) or none of the endpoint pairs',
      MATRIX_GROUPINGS,
      'workload',
    ),
    option(
      '--symbolic',
      'rows are classes of every pod that could exist, e.g. prod/{app=web} (the default when the input has policies but no pods)',
    ),
    outputOption(MATRIX_OUTPUTS, 'table'),
  ],
  examples: [
    'netpol matrix -f manifests/ --port 80',
    'netpol matrix -f manifests/ --port 53/UDP --port http -n shop -o md',
    'netpol matrix -f manifests/ --external 203.0.113.10 -o json',
    'netpol matrix -f manifests/ -o html > matrix.html',
    'netpol matrix -f cluster.json --group-by namespace --port 80',
    'kubectl netpol matrix -n shop --port 80',
    'netpol matrix -f policies/ --symbolic --port 5432',
  ],
  run: async (ctx) => {
    const { options, io } = ctx;
    if (options.allNamespaces && options.namespace.length > 0) {
      throw new UsageError('give -n NAMESPACE or -A, not both', '-A is every namespace, the default without -n');
    }
    const { matrixCommand } = await import('./matrix.js');
    return matrixCommand(
      {
        ...inputFrom(ctx, options.namespace),
        port: options.port,
        external: options.external,
        namespace: options.namespace,
        perPod: options.perPod,
        selector: options.selector,
        groupBy: options.groupBy,
        symbolic: options.symbolic,
        output: options.output,
        color: options.color,
      },
      io,
    );
  },
});
