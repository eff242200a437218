import {
  type ClusterModel,
  checkEndpoints,
  createReferenceEngine,
  type Endpoint,
  type EndpointError,
  first,
  type PortQuery,
  parseIp,
  parsePortQuery,
  resolveEndpoint,
} from '@netpol/core';
import { checkToJson, formatCheck } from '@netpol/core/format';
import {
  checkSymbolic,
  formatSymbolicCheck,
  isSymbolicEndpoint,
  parseSymbolicEndpoint,
  type SymbolicEndpoint,
  symbolicCheckToJson,
} from '@netpol/core/symbolic';
import { type ColorMode, colorsFor } from '../colors.js';
import { type Io, UsageError } from '../io.js';
import type { LiveOptions } from '../live/live-options.js';
import { type AnalysisOptions, loadInput } from '../load-input.js';

export interface CheckOptions extends AnalysisOptions {
  file: string[];
  recursive?: boolean;
  live?: LiveOptions;
  from?: string;
  to?: string;
  /** Each port is checked; several give one report each (SPEC: `--port` may repeat). */
  port?: string | string[];
  namespace?: string;
  output: string;
  color?: ColorMode;
}

/** `netpol check`: exit 0 allowed, 1 denied, 2 bad input. */
export async function checkCommand(options: CheckOptions, io: Io): Promise<number> {
  const portTexts = typeof options.port === 'string' ? [options.port] : (options.port ?? []);
  const required = (flag: string) =>
    new UsageError(
      `--${flag} is required`,
      'e.g. netpol check -f k8s/ --from web/frontend --to backend.shop.svc.cluster.local --port 80',
    );
  const { from: fromText, to: toText } = options;
  if (!fromText) throw required('from');
  if (!toText) throw required('to');
  if (portTexts.length === 0) throw required('port');
  const ports = portTexts.map((text) => {
    const port = parsePortQuery(text);
    if (!port.ok) throw new UsageError(`--port: ${port.error.message}`);
    return port.value;
  });
  const namespace = options.namespace ?? 'default';
  const { cluster } = await loadInput(options, io, { defaultNamespace: namespace });
  if (isSymbolicEndpoint(fromText) || isSymbolicEndpoint(toText)) {
    return checkSymbolicCommand(cluster, { ...options, from: fromText, to: toText }, ports, io);
  }
  const resolve = (flag: string, text: string): Endpoint => {
    const result = resolveEndpoint(cluster, text, { defaultNamespace: namespace });
    if (!result.ok) {
      const noPods = cluster.pods.length === 0 && cluster.workloads.length === 0 ? { policies: false } : undefined;
      throw endpointError(flag, result.error, droppedPodNote(cluster, text, namespace), noPods);
    }
    return result.value;
  };
  const from = resolve('--from', fromText);
  const to = resolve('--to', toText);
  const engine = createReferenceEngine(cluster);
  const checks = ports.map((port) => {
    const result = checkEndpoints(engine, from, to, port);
    if (!result.ok) throw new UsageError(`--port: ${result.error.message}`);
    return result.value;
  });
  const allowed = checks.every((check) => check.allowed);
  if (options.output === 'json') {
    // One port: the check itself (the shape scripts rely on); several: each, and whether all allow.
    const data = checks.length === 1 ? checkToJson(first(checks)) : { allowed, checks: checks.map(checkToJson) };
    io.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  } else {
    const c = colorsFor(io.stdout, io, options.color);
    const style = { allowed: c.green, denied: c.red, dim: c.dim, bold: c.bold };
    io.stdout.write(checks.map((check) => formatCheck(check, style)).join('\n'));
  }
  return allowed ? 0 : 1;
}

/**
 * Why `text` names no endpoint when it names a Pod the input has but that takes no traffic
 * (finished, being deleted, never scheduled): "no pod in the input" would be untrue.
 */
export function droppedPodNote(cluster: ClusterModel, text: string, namespace: string): string | undefined {
  const id = text.includes('/') ? text.trim() : `${namespace}/${text.trim()}`;
  const dropped = cluster.dropped?.find((pod) => pod.id === id);
  if (!dropped) return undefined;
  const why = {
    finished: 'it finished (status.phase Succeeded or Failed), so it holds no address and takes no traffic',
    deleting: 'it is being deleted (metadata.deletionTimestamp is set), so it takes no new traffic',
    unscheduled: 'it was never scheduled (Pending on no node), so it has no address yet',
  }[dropped.reason];
  return `Pod ${dropped.id} is in the input but is no endpoint: ${why}`;
}

/**
 * The usage error for an endpoint that names nothing. `noPods`: the input has policies only,
 * where the endpoints to name are classes of pods that could exist (SPEC "Symbolic endpoints");
 * `policies`: also name `explain --policy` (explain's --pod).
 */
export function endpointError(
  flag: string,
  error: EndpointError,
  why?: string,
  noPods?: { policies: boolean },
): UsageError {
  if (why) return new UsageError(`${flag}: ${why}`);
  const hint = noPods
    ? `the input has no pods: name a class of pods that could exist instead, e.g. ${flag} 'prod/{app=web}' (NAMESPACE/{labels}, * for any)${noPods.policies ? '; --policy NS/NAME says what a policy admits' : ''}`
    : error.candidates.length === 0
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
  options: CheckOptions & { from: string; to: string },
  ports: readonly PortQuery[],
  io: Io,
): number {
  const parse = (flag: string, text: string): SymbolicEndpoint => {
    // An address on the other side of a symbolic endpoint: that one outside address.
    const ip = parseIp(text.trim());
    const parsed = parseSymbolicEndpoint(ip ? `${text.trim()}/${ip.family === 4 ? 32 : 128}` : text);
    if (!parsed.ok) {
      throw new UsageError(
        `${flag}: ${parsed.error.message}`,
        "symbolic endpoints: 'prod/{app=web}', '{team=a}/{tier!=db}', '*/{}', '10.0.0.0/8 except 10.1.0.0/16'; both sides symbolic or an IP",
      );
    }
    return parsed.value;
  };
  const from = parse('--from', options.from);
  const to = parse('--to', options.to);
  const checks = ports.map((port) => {
    const result = checkSymbolic(cluster, from, to, port);
    if (!result.ok) {
      const flag = `--${result.endpoint}`;
      throw new UsageError(
        `${flag}: ${result.endpoint === 'from' ? from.text : to.text} can match no pod at all (its selectors contradict each other)`,
      );
    }
    return { port, check: result.value };
  });
  const allowed = checks.every(({ check }) => check.allowed);
  if (options.output === 'json') {
    const json = checks.map(({ port, check }) => symbolicCheckToJson(check, from.text, to.text, port));
    const data = json.length === 1 ? json[0] : { allowed, checks: json };
    io.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  } else {
    const c = colorsFor(io.stdout, io, options.color);
    const style = { allowed: c.green, denied: c.red, dim: c.dim, bold: c.bold };
    io.stdout.write(
      checks.map(({ port, check }) => formatSymbolicCheck(check, from.text, to.text, port, style)).join('\n'),
    );
  }
  return allowed ? 0 : 1;
}
