import type { DiffView, EndpointView, MatrixBits, PodMatrix } from '../protocol.js';

/** A row or column of the Matrix view: a namespace (many endpoints) or one endpoint. */
export interface Axis {
  label: string;
  /** Endpoint indexes it stands for. */
  members: number[];
  /** Drilling into it: the namespace name (namespace level only). */
  namespace?: string;
  /** Drilling into its pods: the endpoint id and its pods (workload level only). */
  endpoint?: string;
  pods?: number;
}

export interface Grid {
  rows: Axis[];
  cols: Axis[];
  /** allowed[r * cols + c]: allowed pairs in the cell; total[...]: pairs in it. */
  allowed: Uint32Array;
  total: Uint32Array;
  /** +1: the what-if opened something in the cell, -1: closed, 2: both. */
  changed: Int8Array;
}

export function axesFor(endpoints: readonly EndpointView[], drill: string): { rows: Axis[]; cols: Axis[] } {
  const single = (i: number): Axis => ({
    label: endpoints[i]!.id,
    members: [i],
    endpoint: endpoints[i]!.id,
    pods: endpoints[i]!.pods,
  });
  if (drill === '*') {
    const all = endpoints.map((_, i) => single(i));
    return { rows: all, cols: all };
  }
  const byNs = new Map<string, number[]>();
  for (const [i, e] of endpoints.entries()) byNs.set(e.namespace, [...(byNs.get(e.namespace) ?? []), i]);
  if (drill.includes('|')) {
    const [a, b] = drill.split('|') as [string, string];
    return { rows: (byNs.get(a) ?? []).map(single), cols: (byNs.get(b) ?? []).map(single) };
  }
  const namespaces = [...byNs.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ns, members]) => ({ label: ns, members, namespace: ns }));
  return { rows: namespaces, cols: namespaces };
}

/** Does a port span list of one protocol cover the shown port (`80/TCP`)? */
export function covers(change: DiffView['opened'][number], port: string): boolean {
  const [number, protocol] = port.split('/');
  const p = Number(number);
  return change.protocol === protocol && change.spans.some(([a, b]) => a <= p && p <= b);
}

export function buildGrid(
  endpoints: readonly EndpointView[],
  matrix: MatrixBits,
  drill: string,
  whatIf: DiffView | undefined,
): Grid {
  const { rows, cols } = axesFor(endpoints, drill);
  const allowed = new Uint32Array(rows.length * cols.length);
  const total = new Uint32Array(rows.length * cols.length);
  const changed = new Int8Array(rows.length * cols.length);
  const colOf = new Int32Array(endpoints.length).fill(-1);
  const rowOf = new Int32Array(endpoints.length).fill(-1);
  cols.forEach((c, k) => {
    for (const j of c.members) colOf[j] = k;
  });
  rows.forEach((r, k) => {
    for (const i of r.members) rowOf[i] = k;
  });
  const { bits, rowWords } = matrix;
  rows.forEach((row, r) => {
    for (const i of row.members) {
      cols.forEach((col, c) => {
        total[r * cols.length + c]! += col.members.length;
        for (const j of col.members) {
          if ((bits[i * rowWords + (j >>> 5)]! & (1 << (j & 31))) !== 0) allowed[r * cols.length + c]!++;
        }
      });
    }
  });
  if (whatIf) {
    const index = new Map(endpoints.map((e, i) => [e.id, i]));
    const mark = (list: DiffView['opened'], sign: 1 | -1) => {
      for (const change of list) {
        if (!covers(change, matrix.port)) continue;
        const i = index.get(change.from);
        const j = index.get(change.to);
        if (i === undefined || j === undefined || rowOf[i]! < 0 || colOf[j]! < 0) continue;
        const k = rowOf[i]! * cols.length + colOf[j]!;
        changed[k] = changed[k] === 0 || changed[k] === sign ? sign : 2;
      }
    };
    mark(whatIf.opened, 1);
    mark(whatIf.closed, -1);
  }
  return { rows, cols, allowed, total, changed };
}

/**
 * The Matrix view's levels as the URL keeps them (`drill`): '' namespaces, `A|B` the
 * workloads of two namespaces, `*` every workload, `pods:X|Y` the pods of X by the pods of
 * Y, where X and Y each name a namespace or an endpoint (endpoint ids have a `/`).
 */
export type Drill =
  | { level: 'namespaces' }
  | { level: 'workloads'; rows?: string; cols?: string }
  | { level: 'pods'; rows: string; cols: string };

export function parseDrill(drill: string): Drill {
  if (drill === '') return { level: 'namespaces' };
  if (drill === '*') return { level: 'workloads' };
  if (drill.startsWith('pods:')) {
    const [rows = '', cols = ''] = drill.slice('pods:'.length).split('|');
    return { level: 'pods', rows, cols };
  }
  const [rows = '', cols = ''] = drill.split('|');
  return { level: 'workloads', rows, cols };
}

export function podDrill(rows: string, cols: string): string {
  return `pods:${rows}|${cols}`;
}

/** The level above: pods (of two workloads or two namespaces) → the namespaces' workloads → namespaces. */
export function drillUp(drill: string): string {
  const d = parseDrill(drill);
  return d.level === 'pods' ? `${namespaceOf(d.rows)}|${namespaceOf(d.cols)}` : '';
}

/** The namespace a drill part names (an endpoint id's namespace, or the namespace itself). */
export function namespaceOf(part: string): string {
  const slash = part.indexOf('/');
  return slash < 0 ? part : part.slice(0, slash);
}

/** The endpoint ids a drill part stands for: a namespace's every endpoint, or one endpoint. */
export function endpointsOf(part: string, endpoints: readonly EndpointView[]): string[] {
  if (part.includes('/')) return endpoints.some((e) => e.id === part) ? [part] : [];
  return endpoints.filter((e) => e.namespace === part).map((e) => e.id);
}

/** One row and column per pod; a cell is marked changed when the what-if changed its endpoints' pair. */
export function buildPodGrid(matrix: PodMatrix, whatIf: DiffView | undefined): Grid {
  const rows: Axis[] = matrix.rows.map((p) => ({ label: p.id, members: [] }));
  const cols: Axis[] = matrix.cols.map((p) => ({ label: p.id, members: [] }));
  const size = rows.length * cols.length;
  const allowed = new Uint32Array(size);
  const total = new Uint32Array(size).fill(1);
  const changed = new Int8Array(size);
  const { bits, rowWords } = matrix;
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < cols.length; j++) {
      if (((bits[i * rowWords + (j >>> 5)] ?? 0) & (1 << (j & 31))) !== 0) allowed[i * cols.length + j] = 1;
    }
  }
  if (whatIf) {
    const signs = new Map<string, 1 | -1 | 2>();
    const mark = (list: DiffView['opened'], sign: 1 | -1) => {
      for (const change of list) {
        if (!covers(change, matrix.port)) continue;
        const key = `${change.from}\n${change.to}`;
        const was = signs.get(key);
        signs.set(key, was === undefined || was === sign ? sign : 2);
      }
    };
    mark(whatIf.opened, 1);
    mark(whatIf.closed, -1);
    if (signs.size > 0) {
      matrix.rows.forEach((r, i) => {
        matrix.cols.forEach((c, j) => {
          const sign = signs.get(`${r.owner}\n${c.owner}`);
          if (sign) changed[i * cols.length + j] = sign;
        });
      });
    }
  }
  return { rows, cols, allowed, total, changed };
}
