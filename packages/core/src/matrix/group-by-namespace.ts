import type { PortQuery } from '../engine/types.js';
import type { MatrixResult } from './compute-matrix.js';

/** A summary cell: every pair allowed, some, none; `null` where both ends are external. */
export type GroupVerdict = 'all' | 'some' | 'none';

/**
 * `matrix --group-by namespace`: namespace × namespace, each cell counting the endpoint
 * pairs (as the matrix lists them: workloads, or pods with `--per-pod`) that are allowed.
 * Outside addresses are groups of their own. A 150,000-pod cluster has 30,000 endpoints
 * (900M cells) but a few thousand namespaces, so rows are computed one at a time, on demand,
 * from the class-by-class matrix: pairs are never visited one by one.
 *
 * The loops below index typed arrays with `!`: every index is an endpoint, class or group
 * number below its array's length by construction (groupOf, classOf, the CSR starts), and
 * the per-cell work must stay a plain typed-array read.
 */
export interface GroupedMatrix {
  groupBy: 'namespace';
  /** Namespace names (as the endpoints are sorted), then outside addresses. */
  groups: readonly string[];
  /** Endpoints in each group. */
  sizes: readonly number[];
  ports: readonly PortQuery[];
  /** Allowed pairs from group `a` to every group, on port `p` (0 where both are external). */
  allowedRow(a: number, p: number): Float64Array;
  /** Pairs from group `a` to group `b` (0 where both are external). */
  pairs(a: number, b: number): number;
}

export function groupVerdict(allowed: number, pairs: number): GroupVerdict | null {
  if (pairs === 0) return null;
  return allowed === pairs ? 'all' : allowed === 0 ? 'none' : 'some';
}

export function groupByNamespace(result: MatrixResult): GroupedMatrix {
  const { endpoints, ports, classes } = result;
  const n = endpoints.length;
  const groups: string[] = [];
  const external: boolean[] = [];
  const index = new Map<string, number>();
  const groupOf = new Int32Array(n);
  for (const [i, e] of endpoints.entries()) {
    const key = e.kind === 'external' ? `ip:${e.id}` : `ns:${e.namespace}`;
    let g = index.get(key);
    if (g === undefined) {
      g = groups.length;
      index.set(key, g);
      groups.push(e.kind === 'external' ? e.id : e.namespace);
      external.push(e.kind === 'external');
    }
    groupOf[i] = g;
  }
  const count = groups.length;
  const sizes = new Array<number>(count).fill(0);
  for (let i = 0; i < n; i++) sizes[groupOf[i]!]!++;

  // Members of each group as (class, endpoints of that class), and the same by class:
  // (group, endpoints) for each class, to spread a row over classes back onto groups.
  const members = tally(
    n,
    (i) => groupOf[i]!,
    (i) => classes.classOf[i]!,
    count,
  );
  const byClass = tally(
    n,
    (i) => classes.classOf[i]!,
    (i) => groupOf[i]!,
    classes.count,
  );

  // The class matrix counts a pod to itself as its class's diagonal bit; the endpoint
  // matrix says what `allowed(i, i)` says (a pod to itself, a workload's replicas): fix up.
  // Per port when its first row is asked: a result computing one port at a time
  // (`onePortAtATime`) then computes each port once, in the order it is written.
  const diagonals: (Float64Array | undefined)[] = ports.map(() => undefined);
  const diagonal = (p: number): Float64Array => {
    let fix = diagonals[p];
    if (fix) return fix;
    fix = new Float64Array(count);
    for (let i = 0; i < n; i++) {
      const c = classes.classOf[i]!;
      const row = classes.row(c, p);
      const classBit = (row[c >>> 5]! & (1 << (c & 31))) !== 0 ? 1 : 0;
      const own = result.allowed(i, i, p) === true ? 1 : 0;
      fix[groupOf[i]!]! += own - classBit;
    }
    diagonals[p] = fix;
    return fix;
  };

  const reach = new Float64Array(classes.count);
  return {
    groupBy: 'namespace',
    groups,
    sizes,
    ports,
    pairs: (a, b) => (external[a] && external[b] ? 0 : sizes[a]! * sizes[b]!),
    allowedRow(a, p) {
      reach.fill(0);
      for (let k = members.start[a]!; k < members.start[a + 1]!; k++) {
        const weight = members.weight[k]!;
        const row = classes.row(members.key[k]!, p);
        for (let w = 0; w < row.length; w++) {
          let v = row[w]!;
          while (v !== 0) {
            const low = v & -v;
            reach[(w << 5) + (31 - Math.clz32(low))]! += weight;
            v ^= low;
          }
        }
      }
      const out = new Float64Array(count);
      for (let d = 0; d < classes.count; d++) {
        const r = reach[d]!;
        if (r === 0) continue;
        for (let k = byClass.start[d]!; k < byClass.start[d + 1]!; k++) out[byClass.key[k]!]! += r * byClass.weight[k]!;
      }
      out[a]! += diagonal(p)[a]!;
      if (external[a]) for (let b = 0; b < count; b++) if (external[b]) out[b] = 0;
      return out;
    },
  };
}

/** For each `outer` value, its distinct `inner` values with how many items have both (CSR). */
function tally(n: number, outer: (i: number) => number, inner: (i: number) => number, outerCount: number) {
  const lists = Array.from({ length: outerCount }, () => new Map<number, number>());
  for (let i = 0; i < n; i++) {
    const map = lists[outer(i)]!;
    const k = inner(i);
    map.set(k, (map.get(k) ?? 0) + 1);
  }
  const start = new Int32Array(outerCount + 1);
  for (let o = 0; o < outerCount; o++) start[o + 1] = start[o]! + lists[o]!.size;
  const key = new Int32Array(start[outerCount]!);
  const weight = new Float64Array(start[outerCount]!);
  lists.forEach((map, o) => {
    let k = start[o]!;
    for (const [inner, w] of map) {
      key[k] = inner;
      weight[k++] = w;
    }
  });
  return { start, key, weight };
}
