import { defineCommand, fileOptions, outputOption, pathsArgument, withPaths } from '../command-spec.js';
import { inputFrom } from '../input-from.js';
import { clusterOptions } from '../live/live-options.js';

export const validateDefinition = defineCommand({
  name: 'validate',
  summary: 'check manifests as the API server would (exit 0 valid, 2 invalid)',
  arguments: [pathsArgument],
  options: [...fileOptions, ...clusterOptions, outputOption(['text', 'json', 'name'], 'text')],
  examples: [
    'netpol validate -f policies/',
    'kubectl get netpol -A -o yaml | netpol validate -f -',
    'netpol validate --cluster --context prod',
  ],
  run: async (given) => {
    const ctx = withPaths(given, given.args[0]);
    const { options, io } = ctx;
    const { validateCommand } = await import('./validate.js');
    return validateCommand(
      {
        ...inputFrom(ctx),
        output: options.output,
        color: options.color,
      },
      io,
    );
  },
});
