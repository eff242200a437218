import {
  computeMatrix,
  defaultMatrixPorts,
  formatIp,
  listMatrixEndpoints,
  type MatrixFormat,
  type PortQuery,
  parseIp,
  parsePortQuery,
  renderMatrix,
} from '@netpol/core';
import { type ColorMode, colorsFor } from '../colors.js';
import { type Io, UsageError } from '../io.js';
import type { LiveOptions } from '../live/live-options.js';
import { loadInput } from '../load-input.js';

export interface MatrixCommandOptions {
  file: string[];
  recursive?: boolean;
  live?: LiveOptions;
  port: string[];
  external: string[];
  namespace: string[];
  perPod?: boolean;
  output: MatrixFormat;
  color?: ColorMode;
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
  // One -n works in that namespace, as kubectl's -n: objects that name none belong to it.
  const namespaces = options.namespace ?? [];
  const { cluster } = await loadInput({ file: options.file, recursive: options.recursive, live: options.live }, io, {
    defaultNamespace: namespaces.length === 1 ? namespaces[0] : undefined,
  });
  const listed = listMatrixEndpoints(cluster, {
    perPod: options.perPod,
    namespaces: options.namespace,
    externals: options.external,
  });
  if (!listed.ok) throw new UsageError(`invalid --external "${listed.invalidIp}": expected an IPv4 or IPv6 address`);
  for (const endpoint of listed.endpoints) {
    if (endpoint.kind !== 'external') continue;
    // Outside addresses are judged as outside hosts: selectors never match them.
    const pod = cluster.pods.find((p) =>
      p.ips.some((ip) => {
        const parsed = parseIp(ip);
        return parsed !== undefined && formatIp(parsed) === endpoint.ip;
      }),
    );
    if (pod) {
      io.stderr.write(
        `netpol matrix: note: --external ${endpoint.ip} is the address of pod ${pod.id}; it is judged as an outside host (only ipBlocks match it), not as that pod\n`,
      );
    }
  }
  for (const ns of options.namespace ?? []) {
    if (!listed.endpoints.some((e) => e.kind !== 'external' && e.namespace === ns)) {
      io.stderr.write(`netpol matrix: note: no pods in namespace "${ns}"\n`);
    }
  }
  const ports = asked.length > 0 ? asked : defaultMatrixPorts(cluster, listed.endpoints);
  const result = computeMatrix(cluster, { endpoints: listed.endpoints, ports, expand: false });

  const c = colorsFor(io.stdout, io, options.color);
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
    // On a terminal, a wide grid is cut into column blocks that fit; files get whole rows.
    width: io.stdout.isTTY ? io.stdout.columns : undefined,
  });
  flush();
  return 0;
}
