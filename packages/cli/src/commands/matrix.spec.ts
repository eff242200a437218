import { type CommandSpec, fileOptions, outputOption } from '../command-spec.js';
import { clusterOptions, liveOptionsFrom } from '../live/live-options.js';

export const MATRIX_OUTPUTS = ['table', 'json', 'csv', 'md', 'dot', 'mermaid', 'html'] as const;
export const MATRIX_GROUPINGS = ['workload', 'namespace'] as const;

export const matrixSpec: CommandSpec = {
  name: 'matrix',
  summary: 'connectivity matrix: which endpoints may open connections to which, per port',
  options: [
    ...fileOptions,
    ...clusterOptions,
    {
      flags: '--port <port[/proto]>',
      description:
        'port to judge, e.g. 80, 53/UDP, http (repeatable; default: every container port of the endpoints and every single port the policies name, else 80/TCP)',
      repeatable: true,
    },
    { flags: '--external <ip>', description: 'add an outside address as an endpoint (repeatable)', repeatable: true },
    {
      flags: '-n, --namespace <ns>',
      description:
        'only endpoints in this namespace (repeatable); one -n is also the namespace of objects that name none',
      repeatable: true,
    },
    { flags: '--per-pod', description: 'list every replica instead of one endpoint per workload' },
    {
      flags: '--group-by <what>',
      description:
        'workload: one row per workload or bare pod; namespace: namespace × namespace, each cell all, some (allowed/pairs) or none of the endpoint pairs',
      choices: MATRIX_GROUPINGS,
      default: 'workload',
    },
    outputOption(MATRIX_OUTPUTS, 'table'),
  ],
  examples: [
    'netpol matrix -f manifests/ --port 80',
    'netpol matrix -f manifests/ --port 53/UDP --port http -n shop -o md',
    'netpol matrix -f manifests/ --external 203.0.113.10 -o json',
    'netpol matrix -f manifests/ -o html > matrix.html',
    'netpol matrix -f cluster.json --group-by namespace --port 80',
    'kubectl netpol matrix -n shop --port 80',
  ],
  run: async (ctx) => {
    const { options, io } = ctx;
    const { matrixCommand } = await import('./matrix.js');
    return matrixCommand(
      {
        file: options.filename as string[],
        recursive: options.recursive as boolean | undefined,
        live: liveOptionsFrom(ctx, options.namespace as string[]),
        port: options.port as string[],
        external: options.external as string[],
        namespace: options.namespace as string[],
        perPod: options.perPod as boolean | undefined,
        groupBy: options.groupBy as (typeof MATRIX_GROUPINGS)[number] | undefined,
        output: options.output as (typeof MATRIX_OUTPUTS)[number],
        color: options.color as string | undefined,
      },
      io,
    );
  },
};
