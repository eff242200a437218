import { type CommandSpec, fileOptions, namespaceOption } from '../command-spec.js';
import { clusterOptions, givenNamespace, liveOptionsFrom } from '../live/live-options.js';

export const serveSpec: CommandSpec = {
  name: 'serve',
  summary: 'the web UI on 127.0.0.1: who can talk to whom, why, and what a fix opens and closes',
  options: [
    ...fileOptions,
    ...clusterOptions,
    {
      flags: '--port <n>',
      description: 'port on 127.0.0.1 (default: a free one); the URL is the first line of stdout',
    },
    { flags: '--open', description: 'open the page in the default browser' },
    { flags: '--base <path>', description: 'a second version (file, directory or git:REV:PATH) for the Diff view' },
    namespaceOption,
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
        file: options.filename as string[],
        recursive: options.recursive as boolean,
        live: liveOptionsFrom(ctx, givenNamespace(ctx)),
        port: options.port as string | undefined,
        open: options.open as boolean | undefined,
        base: options.base as string | undefined,
        namespace: options.namespace as string,
      },
      io,
    );
  },
};
