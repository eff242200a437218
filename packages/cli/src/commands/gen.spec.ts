import { type CommandSpec, outputOption } from '../command-spec.js';

export const genSpec: CommandSpec = {
  name: 'gen',
  summary: 'generate a deterministic synthetic cluster (namespaces, Deployments, Services, policies)',
  options: [
    {
      flags: '--pods <n>',
      description: 'about this many pods: sets --namespaces from --workloads-per-ns and --replicas (default 1000)',
    },
    { flags: '--namespaces <n>', description: 'team namespaces (overrides --pods)' },
    { flags: '--workloads-per-ns <n>', description: 'Deployments per namespace (default 10)' },
    { flags: '--replicas <n>', description: 'replicas per Deployment (default 5)' },
    { flags: '--policies <n>', description: 'NetworkPolicies, spread over the namespaces (default 10 per namespace)' },
    { flags: '--seed <n>', description: 'random seed; the same seed gives byte-identical output (default 1)' },
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
};
