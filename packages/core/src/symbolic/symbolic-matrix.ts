import { at } from '../at.js';
import { externalEndpoints } from '../diff/external-endpoints.js';
import type { PortQuery } from '../engine/types.js';
import { setBit, wordsFor } from '../matrix/bitset.js';
import { computeMatrix, type MatrixResult } from '../matrix/compute-matrix.js';
import { defaultMatrixPorts } from '../matrix/default-ports.js';
import type { MatrixEndpoint } from '../matrix/matrix-endpoints.js';
import { formatIp, parseIp } from '../model/cidr.js';
import type { ClusterModel } from '../model/types.js';
import { namespaceNamed, policyAtoms } from './pod-atoms.js';
import { computeSymbolicSpace, type SymbolicSpace } from './symbolic-space.js';

export interface SymbolicMatrixOptions {
  ports?: readonly PortQuery[];
  /** Outside addresses to list; default: one per class of ipBlock-equivalent addresses. */
  externals?: readonly string[];
  /** Only classes of pods in these namespaces (namespaces are then told apart by name). */
  namespaces?: readonly string[];
}

export interface SymbolicMatrix {
  result: MatrixResult;
  space: SymbolicSpace;
  /** What each outside endpoint stands for ("outside every ipBlock", "in 10.0.0.0/8"). */
  externals: { ip: string; label: string }[];
  notes: string[];
}

/**
 * The matrix over classes of every pod that could exist (`matrix --symbolic`): one row per
 * class, named in SPEC syntax, judged on witnesses by the fast matrix engine. A class's
 * diagonal is one of its pods to another (its twin); a pair of classes that cannot exist
 * together (two label sets of one namespace) is null, as external↔external is.
 */
export function symbolicMatrix(cluster: ClusterModel, options: SymbolicMatrixOptions = {}): SymbolicMatrix | undefined {
  const namespaces = options.namespaces ?? [];
  const asked = options.ports ?? [];
  const named = [...asked, ...defaultNamedPorts(cluster)].flatMap((q) =>
    typeof q.port === 'string' ? [{ name: q.port, protocol: q.protocol }] : [],
  );
  const space = computeSymbolicSpace([cluster], {
    atoms: { pods: namespaces.map((ns) => ({ namespaceSelector: namespaceNamed(ns) })), portNames: named },
  });
  const witnessCluster = space.witnessCluster(cluster);
  const kept = space.classes
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => namespaces.length === 0 || namespaces.includes(at(space.witnesses, c.witness).realNamespace))
    .sort((a, b) => (a.c.id < b.c.id ? -1 : a.c.id > b.c.id ? 1 : 0));
  if (kept.length === 0) return undefined;

  const outside: { ip: string; label: string }[] = [];
  if (options.externals) {
    for (const text of options.externals) {
      const ip = parseIp(text);
      if (ip && !outside.some((x) => x.ip === formatIp(ip))) outside.push({ ip: formatIp(ip), label: '' });
    }
  } else {
    outside.push(...externalEndpoints([witnessCluster]));
  }
  const witnessEndpoints: MatrixEndpoint[] = [
    ...space.witnesses.map(
      (w): MatrixEndpoint => ({
        kind: 'pod',
        id: w.pod.id,
        namespace: w.pod.namespace,
        name: w.pod.name,
        pod: w.pod,
      }),
    ),
    ...outside.map((x): MatrixEndpoint => ({ kind: 'external', id: x.ip, ip: x.ip })),
  ];
  const ports = asked.length > 0 ? asked : [...defaultMatrixPorts(cluster, []), ...defaultNamedPorts(cluster)];
  const inner = computeMatrix(witnessCluster, { endpoints: witnessEndpoints, ports, expand: false });

  const endpoints: MatrixEndpoint[] = [
    ...kept.map(({ c }): MatrixEndpoint => {
      const w = at(space.witnesses, c.witness);
      return { kind: 'pod', id: c.id, namespace: w.realNamespace, name: c.id, pod: w.pod };
    }),
    ...outside.map((x): MatrixEndpoint => ({ kind: 'external', id: x.ip, ip: x.ip })),
  ];
  const n = endpoints.length;
  const classCount = kept.length;
  const firstExternal = space.witnesses.length;
  const pairs = new Map<number, [number, number] | null>();
  /** Witness indices (in `inner`) standing for endpoints i and j, or null when they cannot meet. */
  const pair = (i: number, j: number): [number, number] | null => {
    if (i >= classCount || j >= classCount) {
      const side = (k: number) => (k >= classCount ? firstExternal + k - classCount : at(kept, k).c.witness);
      return [side(i), side(j)];
    }
    const key = i * classCount + j;
    const known = pairs.get(key);
    if (known !== undefined) return known;
    const a = at(kept, i).c;
    const b = at(kept, j).c;
    let found: [number, number] | null = null;
    if (i === j) found = [a.witness, a.twin];
    else {
      outer: for (const x of a.witnesses) {
        for (const y of b.witnesses) {
          if (space.compatible(x, y)) {
            found = [x, y];
            break outer;
          }
        }
      }
    }
    pairs.set(key, found);
    return found;
  };
  const rowWords = wordsFor(n);
  const allowed = (i: number, j: number, p: number): boolean | null => {
    const witnesses = pair(i, j);
    return witnesses ? inner.allowed(witnesses[0], witnesses[1], p) : null;
  };
  const row = (i: number, p: number) => {
    const out = new Uint32Array(rowWords);
    for (let j = 0; j < n; j++) if (allowed(i, j, p) === true) setBit(out, j);
    return out;
  };
  const result: MatrixResult = {
    endpoints,
    ports,
    rowWords,
    stats: { ...inner.stats, endpoints: n, expanded: false },
    classes: { count: n, classOf: Int32Array.from(endpoints, (_, i) => i), row },
    allowed,
    row,
  };
  return { result, space, externals: outside, notes: space.notes };
}

/** Named ports the policies name (`http`/TCP): asked by name by default. */
function defaultNamedPorts(cluster: ClusterModel): PortQuery[] {
  return policyAtoms(cluster.policies).portNames.map((p) => ({ protocol: p.protocol, port: p.name }));
}
