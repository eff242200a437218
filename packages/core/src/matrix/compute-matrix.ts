import { at } from '../at.js';
import { compileCluster } from '../engine/compile-cluster.js';
import type { PortQuery } from '../engine/types.js';
import type { ClusterModel } from '../model/types.js';
import { type Bitset, setBit, wordsFor } from './bitset.js';
import { ClassContext, computeClassMatrix } from './class-matrix.js';
import { classifyEndpoints } from './endpoint-classes.js';
import type { MatrixEndpoint } from './matrix-endpoints.js';

export interface MatrixOptions {
  endpoints: readonly MatrixEndpoint[];
  ports: readonly PortQuery[];
  /**
   * Materialise one bit row per endpoint and port (default true). Off, `allowed` answers
   * from the class-by-class matrix (the "grouped" matrix), which is all a caller needs
   * when it renders row by row.
   */
  expand?: boolean;
  /**
   * Compute one port's class-by-class matrix when it is first asked for and drop the previous
   * one (only without `expand`): memory is one port's classes² bits, not every port's. For
   * callers that finish each port before the next (the streamed formats, `--group-by
   * namespace`); going back to an earlier port computes it again.
   */
  onePortAtATime?: boolean;
}

export interface MatrixStats {
  endpoints: number;
  /** Equivalence classes of pod endpoints, and of outside addresses. */
  podClasses: number;
  externalClasses: number;
  /** Distinct ipBlocks the classes were split by. */
  ipBlocks: number;
  expanded: boolean;
}

export interface MatrixResult {
  endpoints: readonly MatrixEndpoint[];
  ports: readonly PortQuery[];
  /** endpoints[i] may open a connection to endpoints[j] on ports[p]; null when both are external. */
  allowed(i: number, j: number, p: number): boolean | null;
  /** Bit j set = `allowed(i, j, p) === true`; (`rowWords` words). */
  row(i: number, p: number): Bitset;
  rowWords: number;
  stats: MatrixStats;
  /**
   * The class-by-class matrix under the endpoints (endpoints of one class share every
   * verdict): what summaries such as `--group-by namespace` add up without visiting pairs.
   */
  classes: MatrixClasses;
}

export interface MatrixClasses {
  count: number;
  /** Class of each endpoint. */
  classOf: Int32Array;
  /** Bit row of class `c` on port `p`: bit d set = class c may reach class d. */
  row(c: number, p: number): Bitset;
}

/**
 * The fast matrix engine: the same contract as the reference engine (`naiveAllowed` is its
 * oracle), computed once per equivalence class with bitsets, then expanded to endpoints.
 */
export function computeMatrix(cluster: ClusterModel, options: MatrixOptions): MatrixResult {
  const { endpoints, ports } = options;
  // SPEC: the diagonal cell of a workload with two or more replicas is one replica to
  // *another* (the StatefulSet peer question), as `check` judges it. The second replica is
  // classified with the endpoints (it may differ from the first by address) but is no row.
  const n = endpoints.length;
  const peerOf = new Int32Array(n).fill(-1);
  const replicas: MatrixEndpoint[] = [];
  endpoints.forEach((e, i) => {
    const second = e.kind === 'workload' ? e.workload.pods[1] : undefined;
    if (!second) return;
    peerOf[i] = n + replicas.length;
    replicas.push({ kind: 'pod', id: second.id, namespace: second.namespace, name: second.name, pod: second });
  });
  const compiled = compileCluster(cluster);
  const grouped = classifyEndpoints(compiled, replicas.length > 0 ? [...endpoints, ...replicas] : endpoints);
  const classCount = grouped.classes.length;
  const context = new ClassContext(compiled, grouped);
  const expand = options.expand ?? true;
  const classMatrixOf = classMatrices(context, ports, !expand && options.onePortAtATime === true);
  const classWords = wordsFor(classCount);
  const rowWords = wordsFor(n);
  const { classOf } = grouped;
  const external = Uint8Array.from(endpoints, (e) => (e.kind === 'external' ? 1 : 0));
  const podOf = endpoints.map((e) => (e.kind === 'external' ? undefined : e.pod));

  const classAllowed = (i: number, j: number, p: number): boolean => {
    const d = classOf[j]!;
    return (classMatrixOf(p)[classOf[i]! * classWords + (d >>> 5)]! & (1 << (d & 31))) !== 0;
  };

  let rows: Uint32Array[] | undefined;
  if (expand) {
    rows = ports.map((_, p) => expandRows(classMatrixOf(p), classWords, classOf, n, rowWords));
    rows.forEach((table, p) => {
      for (let i = 0; i < n; i++) {
        const row = table.subarray(i * rowWords, (i + 1) * rowWords);
        if (external[i]) continue;
        if (peerOf[i]! < 0 || classAllowed(i, peerOf[i]!, p)) setBit(row, i);
        else row[i >>> 5]! &= ~(1 << (i & 31));
      }
    });
  }

  return {
    endpoints,
    ports,
    rowWords,
    stats: {
      endpoints: n,
      // Second replicas (classified for workload diagonals) count too.
      podClasses: grouped.classes.filter((c) => !c.external).length,
      externalClasses: grouped.classes.filter((c) => c.external).length,
      ipBlocks: grouped.blocks.size,
      expanded: expand,
    },
    classes: {
      count: classCount,
      classOf,
      row: (c, p) => classMatrixOf(p).subarray(c * classWords, (c + 1) * classWords),
    },
    allowed(i, j, p) {
      if (external[i] && external[j]) return null;
      // A workload to itself: its first replica to its second.
      if (i === j && peerOf[i]! >= 0) return classAllowed(i, peerOf[i]!, p);
      // "Traffic from a pod to itself is always allowed."
      if (podOf[i] !== undefined && podOf[i] === podOf[j]) return true;
      if (rows) return (rows[p]![i * rowWords + (j >>> 5)]! & (1 << (j & 31))) !== 0;
      return classAllowed(i, j, p);
    },
    row(i, p) {
      if (rows) return rows[p]!.subarray(i * rowWords, (i + 1) * rowWords);
      const out = new Uint32Array(rowWords);
      for (let j = 0; j < n; j++) if (this.allowed(i, j, p) === true) setBit(out, j);
      return out;
    },
  };
}

/**
 * The class matrix of port `p`: every port's computed up front, or (`onePort`) only the
 * last port asked for, so the one before it can be collected.
 */
function classMatrices(context: ClassContext, ports: readonly PortQuery[], onePort: boolean) {
  if (!onePort) {
    const all = ports.map((port) => computeClassMatrix(context, port));
    return (p: number): Uint32Array => at(all, p);
  }
  let current = -1;
  let matrix: Uint32Array = new Uint32Array(0);
  return (p: number): Uint32Array => {
    if (p !== current) {
      // Drop the last port's matrix before computing the next: two never live together.
      matrix = new Uint32Array(0);
      matrix = computeClassMatrix(context, at(ports, p));
      current = p;
    }
    return matrix;
  };
}

/**
 * One bit row per endpoint: the row of its class, with class columns spread to endpoints.
 * Endpoints come sorted, so a class's members mostly sit side by side: columns are spread
 * run by run (a run = consecutive endpoints of one class) with whole-word fills.
 */
function expandRows(matrix: Uint32Array, classWords: number, classOf: Int32Array, n: number, rowWords: number) {
  const runStart: number[] = [];
  const runClass: number[] = [];
  for (let j = 0; j < n; j++) {
    if (j === 0 || classOf[j] !== classOf[j - 1]) {
      runStart.push(j);
      runClass.push(classOf[j]!);
    }
  }
  runStart.push(n);
  const table = new Uint32Array(n * rowWords);
  const firstRowOfClass = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = classOf[i]!;
    const target = i * rowWords;
    const first = firstRowOfClass.get(c);
    if (first !== undefined) {
      table.copyWithin(target, first * rowWords, (first + 1) * rowWords);
      continue;
    }
    firstRowOfClass.set(c, i);
    const base = c * classWords;
    for (let r = 0; r < runClass.length; r++) {
      const d = runClass[r]!;
      if ((matrix[base + (d >>> 5)]! & (1 << (d & 31))) !== 0) setRange(table, target, runStart[r]!, runStart[r + 1]!);
    }
  }
  return table;
}

/** Set bits [start, end) of the row at word offset `offset`. */
function setRange(table: Uint32Array, offset: number, start: number, end: number): void {
  let j = start;
  while (j < end && (j & 31) !== 0) {
    table[offset + (j >>> 5)]! |= 1 << (j & 31);
    j++;
  }
  while (j + 32 <= end) {
    table[offset + (j >>> 5)] = 0xffffffff;
    j += 32;
  }
  while (j < end) {
    table[offset + (j >>> 5)]! |= 1 << (j & 31);
    j++;
  }
}
