import { type CommandSpec, outputOption } from '../command-spec.js';

export const diffSpec: CommandSpec = {
  name: 'diff',
  summary: 'connections a change opens and closes between two versions (for pull-request review)',
  arguments: [
    { name: 'base', description: 'BASE: file, directory or git:REV:PATH', required: true },
    { name: 'head', description: 'HEAD: file, directory or git:REV:PATH', required: true },
  ],
  options: [
    outputOption(['table', 'md', 'json'], 'table'),
    {
      flags: '--exit-code',
      description: 'exit 1 when anything changed: a connection, a policy or an endpoint (like git diff --exit-code)',
    },
    { flags: '-R, --recursive', description: 'read directories recursively (git: paths always are)' },
  ],
  examples: [
    'netpol diff git:main:k8s/ k8s/',
    'netpol diff old.yaml new.yaml -o md > comment.md',
    'netpol diff git:origin/main:deploy git:HEAD:deploy -o json --exit-code',
  ],
  run: async ({ args, options, io }) => {
    const { diffCommand } = await import('./diff.js');
    return diffCommand(
      {
        base: args[0] as string,
        head: args[1] as string,
        output: options.output as string,
        exitCode: options.exitCode as boolean,
        recursive: options.recursive as boolean | undefined,
      },
      io,
    );
  },
};
