import { type CommandSpec, fileOptions, namespaceOption, outputOption } from '../command-spec.js';
import { clusterOptions, givenNamespace, liveOptionsFrom } from '../live/live-options.js';

export const explainSpec: CommandSpec = {
  name: 'explain',
  summary: 'what selects a pod and who may reach it, or what a policy admits, in words',
  options: [
    ...fileOptions,
    ...clusterOptions,
    { flags: '--pod <ns/name>', description: 'explain one pod (also ns/name[Kind] for a workload)' },
    { flags: '--policy <ns/name>', description: 'explain one NetworkPolicy (default: every policy)' },
    namespaceOption,
    outputOption(['text', 'json'], 'text'),
  ],
  examples: [
    'netpol explain -f k8s/ --pod shop/backend[Deployment]',
    'netpol explain -f k8s/ --policy shop/allow-frontend',
    'kubectl netpol explain -n shop --pod backend',
  ],
  run: async (ctx) => {
    const { options, io } = ctx;
    const { explainCommand } = await import('./explain.js');
    return explainCommand(
      {
        file: options.filename as string[],
        recursive: options.recursive as boolean,
        live: liveOptionsFrom(ctx, givenNamespace(ctx)),
        pod: options.pod as string | undefined,
        policy: options.policy as string | undefined,
        namespace: options.namespace as string,
        output: options.output as string,
        color: options.color as string | undefined,
      },
      io,
    );
  },
};
