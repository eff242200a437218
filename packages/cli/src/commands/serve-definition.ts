import { defineCommand, fileOptions, namespaceOption, option } from '../command-spec.js';
import { inputFrom } from '../input-from.js';
import { clusterOptions, givenNamespace } from '../live/live-options.js';

export const serveDefinition = defineCommand({
  name: 'serve',
  summary: 'the web UI on 127.0.0.1: who can talk to whom, why, and what a fix opens and closes',
  options: [
    ...fileOptions,
    ...clusterOptions,
    option('--port <n>', 'port on 127.0.0.1 (default: a free one); the URL is the first line of stdout'),
    option('--open', 'open the page in the default browser'),
    option('--base <path>', 'a second version (file, directory or git:REV:PATH) for the Diff view'),
    namespaceOption(),
  ],
  examples: [
    'netpol serve -f examples/003-default-deny-dns',
    'netpol serve -f k8s/ --base git:main:k8s/ --open',
    'netpol serve --cluster',
  ],
  run: async (ctx) => {
    const { options, io } = ctx;
    const { serveCommand } = await import('./serve.js');
    return serveCommand(
      {
        ...inputFrom(ctx, givenNamespace(ctx)),
        port: options.port,
        open: options.open,
        base: options.base,
        namespace: options.namespace,
      },
      io,
    );
  },
});
