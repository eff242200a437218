import { defineCommand, fileOptions, outputOption } from '../command-spec.js';
import { clusterOptions, liveOptionsFrom } from '../live/live-options.js';

export const validateDefinition = defineCommand({
  name: 'validate',
  summary: 'check manifests as the API server would (exit 0 valid, 2 invalid)',
  options: [...fileOptions, ...clusterOptions, outputOption(['text', 'json'], 'text')],
  examples: [
    'netpol validate -f policies/',
    'kubectl get netpol -A -o yaml | netpol validate -f -',
    'netpol validate --cluster --context prod',
  ],
  run: async (ctx) => {
    const { options, io } = ctx;
    const { validateCommand } = await import('./validate.js');
    return validateCommand(
      {
        file: options.filename,
        recursive: options.recursive,
        live: liveOptionsFrom(ctx),
        output: options.output,
        color: options.color,
      },
      io,
    );
  },
});
