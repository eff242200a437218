import { type CommandSpec, fileOptions, namespaceOption } from '../command-spec.js';
import { clusterOptions, givenNamespace, liveOptionsFrom } from '../live/live-options.js';

export const reportSpec: CommandSpec = {
  name: 'report',
  summary: 'write the web UI and the input into one HTML file that works offline (for a pull request or an incident)',
  options: [
    ...fileOptions,
    ...clusterOptions,
    { flags: '-o, --output <file>', description: 'the HTML file to write (- for stdout)' },
    namespaceOption,
  ],
  examples: ['netpol report -f k8s/ -o report.html', 'netpol report --cluster -o incident.html'],
  run: async (ctx) => {
    const { options, io } = ctx;
    const { reportCommand } = await import('./report.js');
    return reportCommand(
      {
        file: options.filename as string[],
        recursive: options.recursive as boolean,
        live: liveOptionsFrom(ctx, givenNamespace(ctx)),
        output: options.output as string | undefined,
        namespace: options.namespace as string,
      },
      io,
    );
  },
};
