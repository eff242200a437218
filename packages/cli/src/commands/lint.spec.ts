import { type CommandSpec, fileOptions, outputOption } from '../command-spec.js';
import { clusterOptions, liveOptionsFrom } from '../live/live-options.js';

export const lintSpec: CommandSpec = {
  name: 'lint',
  summary:
    'find NetworkPolicy traps: OR-instead-of-AND peers, DNS blocked by default-deny egress, one-sided allows, ...',
  options: [
    ...fileOptions,
    ...clusterOptions,
    outputOption(['text', 'json', 'sarif'], 'text'),
    {
      flags: '--fail-on <severity>',
      description: 'exit 1 when a finding has this severity or higher (info never fails)',
      choices: ['error', 'warning'],
      default: 'warning',
    },
    {
      flags: '--disable <rule>',
      description:
        'skip a rule by id (repeatable); one object opts out with the annotation netpol.dev/lint-disable: "rule-a,rule-b"',
      repeatable: true,
    },
    { flags: '--list-rules', description: 'print every rule id, severity and summary, then exit' },
  ],
  examples: [
    'netpol lint -f policies/ -f workloads.yaml',
    'kubectl get pods,netpol,ns -A -o yaml | netpol lint -f -',
    'netpol lint -f k8s/ -R -o sarif > netpol.sarif',
    'netpol lint -f k8s/ --disable shadowed-rule --fail-on error',
    'kubectl netpol lint',
  ],
  run: async (ctx) => {
    const { options, io } = ctx;
    const { lintCommand } = await import('./lint.js');
    return lintCommand(
      {
        file: options.filename as string[],
        recursive: options.recursive as boolean,
        live: liveOptionsFrom(ctx),
        output: options.output as string,
        failOn: options.failOn as 'error' | 'warning',
        disable: options.disable as string[],
        listRules: options.listRules as boolean,
        color: options.color as string,
      },
      io,
    );
  },
};
