import {
  computeMatrix,
  defaultMatrixPorts,
  listMatrixEndpoints,
  type MatrixFormat,
  type PortQuery,
  parsePortQuery,
  renderMatrix,
} from '@netpol/core';
import { type ColorMode, colorsFor } from '../colors.js';
import { type Io, UsageError } from '../io.js';
import { loadInput } from '../load-input.js';

export interface MatrixCommandOptions {
  file: string[];
  recursive?: boolean;
  port: string[];
  external: string[];
  namespace: string[];
  perPod?: boolean;
  output: MatrixFormat;
  color?: string;
}

/** `netpol matrix`: the truth table of every endpoint pair, per port. Exit 0 (2 on bad input). */
export async function matrixCommand(options: MatrixCommandOptions, io: Io): Promise<number> {
  const asked: PortQuery[] = [];
  for (const text of options.port ?? []) {
    const parsed = parsePortQuery(text);
    if (!parsed.ok) throw new UsageError(parsed.message, 'e.g. --port 80 --port 53/UDP --port http');
    if (!asked.some((q) => q.port === parsed.value.port && q.protocol === parsed.value.protocol))
      asked.push(parsed.value);
  }
  const { cluster } = await loadInput({ file: options.file, recursive: options.recursive }, io);
  const listed = listMatrixEndpoints(cluster, {
    perPod: options.perPod,
    namespaces: options.namespace,
    externals: options.external,
  });
  if (!listed.ok) throw new UsageError(`invalid --external "${listed.invalidIp}": expected an IPv4 or IPv6 address`);
  for (const ns of options.namespace ?? []) {
    if (!listed.endpoints.some((e) => e.kind !== 'external' && e.namespace === ns)) {
      io.stderr.write(`netpol matrix: note: no pods in namespace "${ns}"\n`);
    }
  }
  const ports = asked.length > 0 ? asked : defaultMatrixPorts(cluster, listed.endpoints);
  const result = computeMatrix(cluster, { endpoints: listed.endpoints, ports, expand: false });

  const c = colorsFor(io.stdout, io, (options.color ?? 'auto') as ColorMode);
  let buffer: string[] = [];
  let size = 0;
  const write = (chunk: string) => {
    buffer.push(chunk);
    size += chunk.length;
    if (size > 1 << 16) flush();
  };
  const flush = () => {
    if (buffer.length > 0) io.stdout.write(buffer.join(''));
    buffer = [];
    size = 0;
  };
  renderMatrix(result, options.output, write, {
    style: { allowed: c.green, denied: c.red, dim: c.dim, bold: c.bold },
  });
  flush();
  return 0;
}
