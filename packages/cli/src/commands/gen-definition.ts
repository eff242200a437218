import { defineCommand, option, outputOption } from '../command-spec.js';

export const genDefinition = defineCommand({
  name: 'gen',
  summary: 'generate a deterministic synthetic cluster (namespaces, Deployments, Services, policies)',
  options: [
    option(
      '--pods <n>',
      'about this many pods: sets --namespaces from --workloads-per-ns and --replicas (default 1000)',
    ),
    option('--namespaces <n>', 'team namespaces (overrides --pods)'),
    option('--workloads-per-ns <n>', 'Deployments per namespace (default 10)'),
    option('--replicas <n>', 'replicas per Deployment (default 5)'),
    option('--policies <n>', 'NetworkPolicies, spread over the namespaces (default 10 per namespace)'),
    option('--seed <n>', 'random seed; the same seed gives byte-identical output (default 1)'),
    outputOption(['yaml', 'json'], 'yaml'),
  ],
  examples: [
    'netpol gen --pods 10000 --policies 2000 --seed 1 -o json > cluster.json',
    'netpol gen --namespaces 3 --workloads-per-ns 5 --replicas 2 | netpol matrix -f - --port 53/UDP',
  ],
  run: async ({ options, io }) => {
    const { genCommand } = await import('./gen.js');
    return genCommand(options, io);
  },
});
