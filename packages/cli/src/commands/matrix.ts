import {
  type ClusterModel,
  compileSelector,
  formatIp,
  type Labels,
  type PortQuery,
  parseIp,
  parsePortQuery,
} from '@netpol/core';
import {
  GROUPED_MATRIX_FORMATS,
  type GroupedMatrixFormat,
  groupedMatrixChunks,
  isStreamedMatrixFormat,
  MAX_DRAWN_MATRIX_CELLS,
  type MatrixFormat,
  matrixChunks,
} from '@netpol/core/format';
import {
  computeMatrix,
  defaultMatrixPorts,
  groupByNamespace,
  listMatrixEndpoints,
  type MatrixEndpoint,
  type MatrixResult,
} from '@netpol/core/matrix';
import { parseSelector, symbolicMatrix } from '@netpol/core/symbolic';
import { type ColorMode, colorsFor } from '../colors.js';
import { analysisFrom } from '../command-spec.js';
import { type Io, UsageError, writeChunks } from '../io.js';
import type { LiveOptions } from '../live/live-options.js';
import { type AnalysisOptions, loadInput } from '../load-input.js';

export interface MatrixCommandOptions extends AnalysisOptions {
  file: string[];
  recursive?: boolean;
  live?: LiveOptions;
  port: string[];
  external: string[];
  namespace: string[];
  perPod?: boolean;
  /** `-l`: keep the endpoints whose pod labels match (kubectl's selector syntax). */
  selector?: string;
  groupBy?: 'workload' | 'namespace';
  symbolic?: boolean;
  output: MatrixFormat;
  color?: ColorMode;
}

/** `netpol matrix`: the truth table of every endpoint pair, per port. Exit 0 (2 on bad input). */
export async function matrixCommand(options: MatrixCommandOptions, io: Io): Promise<number> {
  const byNamespace = options.groupBy === 'namespace';
  if (byNamespace && !(GROUPED_MATRIX_FORMATS as readonly string[]).includes(options.output)) {
    throw new UsageError(
      `-o ${options.output} draws endpoint pairs; --group-by namespace prints -o ${GROUPED_MATRIX_FORMATS.join('|')}`,
    );
  }
  const asked = askedPorts(options.port ?? []);
  // One -n works in that namespace, as kubectl's -n: objects that name none belong to it.
  const namespaces = options.namespace ?? [];
  const { cluster } = await loadInput(
    { ...analysisFrom(options), file: options.file, recursive: options.recursive, live: options.live },
    io,
    {
      defaultNamespace: namespaces.length === 1 ? namespaces[0] : undefined,
    },
  );
  const endpoints = matrixEndpoints(cluster, options, io);
  const noPods = !endpoints.some((e) => e.kind !== 'external');
  const symbolic = options.symbolic || (noPods && !options.selector && cluster.policies.length > 0);
  if (symbolic && options.selector) throw new UsageError('-l selects pods; the symbolic matrix has classes of pods');
  if (!symbolic) {
    for (const ns of options.namespace ?? []) {
      if (!endpoints.some((e) => e.kind !== 'external' && e.namespace === ns)) {
        io.stderr.write(`netpol matrix: note: no pods in namespace "${ns}"\n`);
      }
    }
  }
  const result = symbolic
    ? symbolicMatrixOf(cluster, asked, options, io)
    : podMatrixOf(cluster, endpoints, asked, options, io);
  const grouped = byNamespace ? groupByNamespace(result) : undefined;

  const c = colorsFor(io.stdout, io, options.color);
  const tableOptions = {
    style: { allowed: c.green, denied: c.red, dim: c.dim, bold: c.bold },
    // On a terminal, a wide grid is cut into column blocks that fit; files get whole rows.
    width: io.stdout.isTTY ? io.stdout.columns : undefined,
  };
  await writeChunks(
    io.stdout,
    grouped
      ? groupedMatrixChunks(grouped, options.output as GroupedMatrixFormat, tableOptions)
      : matrixChunks(result, options.output, tableOptions),
  );
  return 0;
}

/** `--port` as asked, each once. */
function askedPorts(texts: readonly string[]): PortQuery[] {
  const asked: PortQuery[] = [];
  for (const text of texts) {
    const parsed = parsePortQuery(text);
    if (!parsed.ok) throw new UsageError(`--port: ${parsed.error.message}`, 'e.g. --port 80 --port 53/UDP --port http');
    if (!asked.some((q) => q.port === parsed.value.port && q.protocol === parsed.value.protocol))
      asked.push(parsed.value);
  }
  return asked;
}

/** The endpoints of `-n`, `--per-pod`, `--external` and `-l`, with a note for an outside address that is a pod's. */
function matrixEndpoints(cluster: ClusterModel, options: MatrixCommandOptions, io: Io): MatrixEndpoint[] {
  const all = listMatrixEndpoints(cluster, {
    perPod: options.perPod,
    namespaces: options.namespace,
    externals: options.external,
  });
  if (!all.ok) throw new UsageError(`invalid --external "${all.error.input}": expected an IPv4 or IPv6 address`);
  const endpoints = selectEndpoints(all.value, options.selector, io);
  for (const endpoint of endpoints) {
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
  return endpoints;
}

/** The matrix of every pod that could exist, in classes (no pods in the input, or --symbolic). */
function symbolicMatrixOf(
  cluster: ClusterModel,
  asked: PortQuery[],
  options: MatrixCommandOptions,
  io: Io,
): MatrixResult {
  const namespaces = options.namespace ?? [];
  if (options.groupBy === 'namespace')
    throw new UsageError('--group-by namespace groups pods; the symbolic matrix has classes, not pods');
  const sym = symbolicMatrix(cluster, {
    ports: asked,
    externals: options.external?.length ? options.external : undefined,
    namespaces,
  });
  if (!sym) throw new UsageError(`no possible pod in namespace ${namespaces.join(', ')}`);
  if (!options.symbolic) {
    io.stderr.write(
      `netpol matrix: note: no pods in the input${namespaces.length ? ` for namespace ${namespaces.join(', ')}` : ''}: rows are classes of every pod that could exist (NAMESPACE/{pod labels}; --symbolic)\n`,
    );
  }
  for (const note of sym.notes) io.stderr.write(`netpol matrix: note: ${note}\n`);
  for (const x of sym.externals) {
    if (x.label)
      io.stderr.write(
        `netpol matrix: note: ${x.ip} stands for every outside address ${x.label.replace(/^in /, 'in ')}\n`,
      );
  }
  checkOutputSize(sym.result.endpoints.length, sym.result.ports.length, options, io);
  return sym.result;
}

/** The matrix of the endpoints, on the ports asked (else every port they or the policies name). */
function podMatrixOf(
  cluster: ClusterModel,
  endpoints: MatrixEndpoint[],
  asked: PortQuery[],
  options: MatrixCommandOptions,
  io: Io,
): MatrixResult {
  const ports = asked.length > 0 ? asked : defaultMatrixPorts(cluster, endpoints);
  // The size is known from the endpoints alone: refuse before computing anything.
  const rows =
    options.groupBy === 'namespace'
      ? new Set(endpoints.map((e) => (e.kind === 'external' ? `ip:${e.id}` : `ns:${e.namespace}`))).size
      : endpoints.length;
  checkOutputSize(rows, ports.length, options, io);
  // json, csv and every grouped format write port after port: one port's class matrix
  // (classes² bits, 112 MB at 150,000 pods) in memory at a time, not all of them.
  const onePortAtATime = options.groupBy === 'namespace' || isStreamedMatrixFormat(options.output);
  return computeMatrix(cluster, { endpoints, ports, expand: false, onePortAtATime });
}

/**
 * Estimate the output before drawing it: a drawn format past MAX_DRAWN_MATRIX_CELLS is
 * refused (it is built whole, and nobody reads a million-cell grid); json and csv stream
 * row by row in bounded memory, with a note when they will be large.
 */
function checkOutputSize(rows: number, ports: number, options: MatrixCommandOptions, io: Io): void {
  const cells = rows * rows * ports;
  const what = `${rows.toLocaleString('en-US')} ${options.groupBy === 'namespace' ? 'groups' : 'endpoints'}`;
  const size = `${what}² × ${ports} port${ports === 1 ? '' : 's'} = ${cells.toLocaleString('en-US')} cells`;
  if (!isStreamedMatrixFormat(options.output) && cells > MAX_DRAWN_MATRIX_CELLS) {
    const hints = [
      options.groupBy === 'namespace' ? undefined : '--group-by namespace',
      '-n NAMESPACE',
      options.perPod ? 'without --per-pod' : undefined,
      'fewer --port',
      '-o json|csv (streamed)',
    ].filter((h) => h !== undefined);
    throw new UsageError(
      `the matrix is too large for -o ${options.output}: ${size} (at most ${MAX_DRAWN_MATRIX_CELLS.toLocaleString('en-US')})`,
      `try ${hints.join(', ')}`,
    );
  }
  const note = largeOutputNote(cells, size, options.groupBy);
  if (note) io.stderr.write(`netpol matrix: note: ${note}\n`);
}

/**
 * Past 100 million cells, what is about to be written and how to make it smaller. Grouped by
 * namespace already (3,003 groups × 13 ports at 150,000 pods), only fewer namespaces or
 * ports make it smaller.
 */
export function largeOutputNote(
  cells: number,
  size: string,
  groupBy: MatrixCommandOptions['groupBy'],
): string | undefined {
  if (cells <= 100_000_000) return undefined;
  const hint =
    groupBy === 'namespace'
      ? '-n NAMESPACE or fewer --port make it smaller'
      : '--group-by namespace gives a namespace summary';
  return `writing ${size} row by row; ${hint}`;
}

/** `-l app=web`: the endpoints whose pod (a workload's template) matches; outside addresses stay. */
function selectEndpoints<E extends { kind: string; pod?: { labels: Labels } }>(
  endpoints: readonly E[],
  selector: string | undefined,
  io: Io,
): E[] {
  if (selector === undefined) return [...endpoints];
  const parsed = parseSelector(selector);
  if (!parsed.ok)
    throw new UsageError(`-l: ${parsed.error.message}`, 'e.g. -l app=web,tier!=db or -l "env in (prod,staging)"');
  const matches = compileSelector(parsed.value);
  const kept = endpoints.filter((e) => e.kind === 'external' || (e.pod !== undefined && matches(e.pod.labels)));
  if (!kept.some((e) => e.kind !== 'external'))
    io.stderr.write(`netpol matrix: note: no endpoint matches -l ${selector}\n`);
  return kept;
}
