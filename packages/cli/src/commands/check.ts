import {
  checkEndpoints,
  checkSymbolic,
  checkToJson,
  createReferenceEngine,
  type Endpoint,
  type EndpointError,
  formatCheck,
  formatSymbolicCheck,
  isSymbolicEndpoint,
  type PortQuery,
  parseIp,
  parsePortQuery,
  parseSymbolicEndpoint,
  resolveEndpoint,
  type SymbolicEndpoint,
  symbolicCheckToJson,
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
  if (isSymbolicEndpoint(options.from as string) || isSymbolicEndpoint(options.to as string)) {
    return checkSymbolicCommand(cluster, options, port.value, io);
  }
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

/**
 * `check --from 'prod/{app=web}' --to '*\/{role=db}'`: every pod the endpoints could be
 * (SPEC "Symbolic endpoints"); exit 0 when every one may connect, 1 when some may not.
 */
function checkSymbolicCommand(
  cluster: Parameters<typeof checkSymbolic>[0],
  options: CheckOptions,
  port: PortQuery,
  io: Io,
): number {
  const parse = (flag: string, text: string): SymbolicEndpoint => {
    // An address on the other side of a symbolic endpoint: that one outside address.
    const ip = parseIp(text.trim());
    const parsed = parseSymbolicEndpoint(ip ? `${text.trim()}/${ip.family === 4 ? 32 : 128}` : text);
    if (!parsed.ok) {
      throw new UsageError(
        `${flag}: ${parsed.message}`,
        "symbolic endpoints: 'prod/{app=web}', '{team=a}/{tier!=db}', '*/{}', '10.0.0.0/8 except 10.1.0.0/16'; both sides symbolic or an IP",
      );
    }
    return parsed.value;
  };
  const from = parse('--from', options.from as string);
  const to = parse('--to', options.to as string);
  const result = checkSymbolic(cluster, from, to, port);
  if (!result.ok) {
    const flag = `--${result.endpoint}`;
    throw new UsageError(
      `${flag}: ${result.endpoint === 'from' ? from.text : to.text} can match no pod at all (its selectors contradict each other)`,
    );
  }
  if (options.output === 'json') {
    io.stdout.write(`${JSON.stringify(symbolicCheckToJson(result.value, from.text, to.text, port), null, 2)}\n`);
  } else {
    const c = colorsFor(io.stdout, io, options.color);
    io.stdout.write(
      formatSymbolicCheck(result.value, from.text, to.text, port, {
        allowed: c.green,
        denied: c.red,
        dim: c.dim,
        bold: c.bold,
      }),
    );
  }
  return result.value.allowed ? 0 : 1;
}
