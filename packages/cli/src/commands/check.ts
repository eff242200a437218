import {
  checkEndpoints,
  checkToJson,
  createReferenceEngine,
  type Endpoint,
  type EndpointError,
  formatCheck,
  parsePortQuery,
  resolveEndpoint,
} from '@netpol/core';
import { type ColorMode, colorsFor } from '../colors.js';
import { type Io, UsageError } from '../io.js';
import type { LiveOptions } from '../live/live-options.js';
import { loadInput } from '../load-input.js';

export interface CheckOptions {
  file: string[];
  recursive?: boolean;
  live?: LiveOptions;
  from?: string;
  to?: string;
  port?: string;
  namespace?: string;
  output: string;
  color?: ColorMode;
}

/** `netpol check`: exit 0 allowed, 1 denied, 2 bad input. */
export async function checkCommand(options: CheckOptions, io: Io): Promise<number> {
  for (const flag of ['from', 'to', 'port'] as const) {
    if (!options[flag]) {
      throw new UsageError(
        `--${flag} is required`,
        'e.g. netpol check -f k8s/ --from web/frontend --to backend.shop.svc.cluster.local --port 80',
      );
    }
  }
  const port = parsePortQuery(options.port as string);
  if (!port.ok) throw new UsageError(`--port: ${port.message}`);
  const namespace = options.namespace ?? 'default';
  const { cluster } = await loadInput(options, io, { defaultNamespace: namespace });
  const resolve = (flag: string, text: string): Endpoint => {
    const result = resolveEndpoint(cluster, text, { defaultNamespace: namespace });
    if (!result.ok) throw endpointError(flag, result.error);
    return result.value;
  };
  const from = resolve('--from', options.from as string);
  const to = resolve('--to', options.to as string);
  const result = checkEndpoints(createReferenceEngine(cluster), from, to, port.value);
  if (!result.ok) throw new UsageError(`--port: ${result.message}`);
  const check = result.value;
  if (options.output === 'json') {
    io.stdout.write(`${JSON.stringify(checkToJson(check), null, 2)}\n`);
  } else {
    const c = colorsFor(io.stdout, io, options.color);
    io.stdout.write(formatCheck(check, { allowed: c.green, denied: c.red, dim: c.dim, bold: c.bold }));
  }
  return check.allowed ? 0 : 1;
}

export function endpointError(flag: string, error: EndpointError): UsageError {
  const hint =
    error.candidates.length === 0
      ? 'endpoints: ns/pod, ns/name[Kind], an IP address, or a Service as name.ns.svc.cluster.local'
      : error.code === 'endpoint-ambiguous'
        ? `name one of: ${error.candidates.join(', ')}`
        : `did you mean ${error.candidates.join(', ')}?`;
  return new UsageError(`${flag}: ${error.message}`, hint);
}
