import { analysisFrom, analysisOptions, defineCommand, option, outputOption } from '../command-spec.js';

export const diffDefinition = defineCommand({
  name: 'diff',
  summary: 'connections a change opens and closes between two versions (for pull-request review)',
  arguments: [
    { name: 'base', description: 'BASE: file, directory or git:REV:PATH', required: true },
    { name: 'head', description: 'HEAD: file, directory or git:REV:PATH', required: true },
  ],
  options: [
    outputOption(['table', 'md', 'json'], 'table'),
    option(
      '--exit-code',
      'exit 1 when anything changed: a connection, a policy, an endpoint, or something netpol does not analyze (like git diff --exit-code)',
    ),
    option(
      '-R, --recursive',
      'read directories recursively: diff always does, as it reads git: paths, so a policy added in a subfolder is never missed',
    ),
    ...analysisOptions,
    option('--symbolic', 'compare every pod that could exist, in classes (the default when neither version has pods)'),
  ],
  examples: [
    'netpol diff git:main:k8s/ k8s/',
    'netpol diff old.yaml new.yaml -o md > comment.md',
    'netpol diff git:origin/main:deploy git:HEAD:deploy -o json --exit-code',
    'netpol diff git:main:policies/ policies/ --exit-code    # policies alone: every possible pod',
  ],
  run: async ({ args: [base, head], options, io }) => {
    const { diffCommand } = await import('./diff.js');
    return diffCommand(
      {
        base,
        head,
        output: options.output,
        exitCode: options.exitCode,
        recursive: options.recursive,
        ...analysisFrom(options),
        symbolic: options.symbolic,
      },
      io,
    );
  },
});
