import { defineCommand, outputOption } from '../command-spec.js';
import { versionInfo, versionLine } from '../version.js';

export const versionDefinition = defineCommand({
  name: 'version',
  summary: "print netpol's version, the Node.js version and the platform (as --version)",
  options: [outputOption(['text', 'json'], 'text')],
  examples: ['netpol version', 'netpol version -o json'],
  run: async ({ options, io }) => {
    io.stdout.write(options.output === 'json' ? `${JSON.stringify(versionInfo(), null, 2)}\n` : `${versionLine()}\n`);
    return 0;
  },
});
