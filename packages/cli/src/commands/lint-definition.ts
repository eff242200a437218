import {
  analysisOptions,
  choice,
  defineCommand,
  fileOptions,
  option,
  outputOption,
  pathsArgument,
  repeatable,
  withPaths,
} from '../command-spec.js';
import { inputFrom } from '../input-from.js';
import { clusterOptions } from '../live/live-options.js';

export const lintDefinition = defineCommand({
  name: 'lint',
  summary:
    'find NetworkPolicy traps: OR-instead-of-AND peers, DNS blocked by default-deny egress, one-sided allows, ...',
  arguments: [pathsArgument],
  options: [
    ...fileOptions,
    ...analysisOptions,
    ...clusterOptions,
    outputOption(['text', 'json', 'sarif'], 'text'),
    choice(
      '--fail-on <severity>',
      'exit 1 when a finding has this severity or higher (info never fails)',
      ['error', 'warning'],
      'warning',
    ),
    repeatable(
      '--disable <rule>',
      'skip a rule by id (repeatable); one object opts out with the annotation netpol.dev/lint-disable: "rule-a,rule-b"',
    ),
    option('--list-rules', 'print every rule id, severity and summary, then exit'),
  ],
  examples: [
    'netpol lint -f policies/ -f workloads.yaml',
    'kubectl get pods,netpol,ns -A -o yaml | netpol lint -f -',
    'netpol lint -f k8s/ -R -o sarif > netpol.sarif',
    'netpol lint -f k8s/ --disable shadowed-rule --fail-on error',
    'kubectl netpol lint',
  ],
  run: async (given) => {
    const ctx = withPaths(given, given.args[0]);
    const { options, io } = ctx;
    const { lintCommand } = await import('./lint.js');
    return lintCommand(
      {
        ...inputFrom(ctx),
        output: options.output,
        failOn: options.failOn,
        disable: options.disable,
        listRules: options.listRules,
        color: options.color,
      },
      io,
    );
  },
});
