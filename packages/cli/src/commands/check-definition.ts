import {
  analysisOptions,
  defineCommand,
  fileOptions,
  namespaceOption,
  option,
  outputOption,
  repeatable,
} from '../command-spec.js';
import { inputFrom } from '../input-from.js';
import { clusterOptions, givenNamespace } from '../live/live-options.js';

export const checkDefinition = defineCommand({
  name: 'check',
  summary: 'can A reach B on a port? prints why (exit 0 allowed, 1 denied, 2 bad input)',
  options: [
    ...fileOptions,
    ...analysisOptions,
    ...clusterOptions,
    option(
      '--from <endpoint>',
      'source: ns/pod, deploy/name or ns/deploy/name (kubectl TYPE/NAME), ns/name[Kind], IP, or Service DNS name',
    ),
    option(
      '--to <endpoint>',
      'destination: ns/pod, deploy/name or ns/deploy/name, ns/name[Kind], IP, or a Service name.ns.svc.cluster.local (judged on every backing pod after targetPort translation, none for a headless Service: allowed only if all allow; no backends = denied)',
    ),
    repeatable(
      '--port <port>',
      'PORT[/PROTO]: number or container port name; TCP unless /UDP or /SCTP (repeatable: each port is checked, exit 0 only if all are allowed)',
    ),
    namespaceOption(),
    outputOption(['text', 'json'], 'text'),
  ],
  examples: [
    'netpol check -f k8s/ --from web/frontend --to backend.shop.svc.cluster.local --port 80',
    'netpol check -f k8s/ --from shop/deploy/backend --to 203.0.113.10 --port 443 -o json',
    'kubectl netpol check -n shop --from frontend --to backend --port 80',
    'netpol check --cluster -f new-policy.yaml --from web/frontend --to shop/backend --port 80',
  ],
  run: async (ctx) => {
    const { options, io } = ctx;
    const { checkCommand } = await import('./check.js');
    return checkCommand(
      {
        ...inputFrom(ctx, givenNamespace(ctx)),
        from: options.from,
        to: options.to,
        port: options.port,
        namespace: options.namespace,
        output: options.output,
        color: options.color,
      },
      io,
    );
  },
});
