import { type CommandSpec, fileOptions, outputOption } from '../command-spec.js';

export const checkSpec: CommandSpec = {
  name: 'check',
  summary: 'can A reach B on a port? prints why (exit 0 allowed, 1 denied, 2 bad input)',
  options: [
    ...fileOptions,
    { flags: '--from <endpoint>', description: 'source: ns/pod, ns/name[Kind], IP, or Service DNS name' },
    {
      flags: '--to <endpoint>',
      description:
        'destination: ns/pod, ns/name[Kind], IP, or a Service name.ns.svc.cluster.local (judged on every backing pod after targetPort translation: allowed only if all allow; no backends = denied)',
    },
    { flags: '--port <port>', description: 'PORT[/PROTO]: number or container port name; TCP unless /UDP or /SCTP' },
    {
      flags: '-n, --namespace <ns>',
      description: 'namespace of bare names and of objects that name none',
      default: 'default',
    },
    outputOption(['text', 'json'], 'text'),
  ],
  examples: [
    'netpol check -f k8s/ --from web/frontend --to backend.shop.svc.cluster.local --port 80',
    'netpol check -f k8s/ --from shop/backend[Deployment] --to 203.0.113.10 --port 443 -o json',
  ],
  run: async ({ options, io }) => {
    const { checkCommand } = await import('./check.js');
    return checkCommand(
      {
        file: options.filename as string[],
        recursive: options.recursive as boolean,
        from: options.from as string | undefined,
        to: options.to as string | undefined,
        port: options.port as string | undefined,
        namespace: options.namespace as string,
        output: options.output as string,
        color: options.color as string | undefined,
      },
      io,
    );
  },
};
