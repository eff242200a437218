import { analysisOptions, defineCommand, fileOptions, namespaceOption, option, outputOption } from '../command-spec.js';
import { inputFrom } from '../input-from.js';
import { clusterOptions, givenNamespace } from '../live/live-options.js';

export const explainDefinition = defineCommand({
  name: 'explain',
  summary: 'what selects a pod and who may reach it, or what a policy admits, in words',
  options: [
    ...fileOptions,
    ...analysisOptions,
    ...clusterOptions,
    option(
      '--pod <ns/name>',
      "explain one pod (also deploy/name, ns/deploy/name or ns/name[Kind] for a workload), or every pod that could exist in a class: 'prod/{app=web}'",
    ),
    option('--policy <ns/name>', 'explain one NetworkPolicy (default: every policy)'),
    namespaceOption(),
    outputOption(['text', 'json'], 'text'),
  ],
  examples: [
    'netpol explain -f k8s/ --pod shop/deploy/backend',
    'netpol explain -f k8s/ --policy shop/allow-frontend',
    "netpol explain -f policies/ --pod 'shop/{app=backend}'",
    'kubectl netpol explain -n shop --pod backend',
  ],
  run: async (ctx) => {
    const { options, io } = ctx;
    const { explainCommand } = await import('./explain.js');
    return explainCommand(
      {
        ...inputFrom(ctx, givenNamespace(ctx)),
        pod: options.pod,
        policy: options.policy,
        namespace: options.namespace,
        output: options.output,
        color: options.color,
      },
      io,
    );
  },
});
