import { defineCommand, fileOptions, namespaceOption, option } from '../command-spec.js';
import { inputFrom } from '../input-from.js';
import { clusterOptions, givenNamespace } from '../live/live-options.js';

export const reportDefinition = defineCommand({
  name: 'report',
  summary: 'write the web UI and the input into one HTML file that works offline (for a pull request or an incident)',
  options: [
    ...fileOptions,
    ...clusterOptions,
    option('-o, --output <file>', 'the HTML file to write (- for stdout)'),
    namespaceOption(),
  ],
  examples: ['netpol report -f k8s/ -o report.html', 'netpol report --cluster -o incident.html'],
  run: async (ctx) => {
    const { options, io } = ctx;
    const { reportCommand } = await import('./report.js');
    return reportCommand(
      {
        ...inputFrom(ctx, givenNamespace(ctx)),
        output: options.output,
        namespace: options.namespace,
      },
      io,
    );
  },
});
