import type { DiffView, EndpointView, MatrixBits } from '../protocol.js';
import { gridLayout, layoutGraph, SPACING } from './graph-layout.js';
import { covers } from './matrix-model.js';

/** What the Graph view draws, computed from the summary and one port's matrix (pure, testable). */
export interface GraphModel {
  namespaces: { id: string; name: string; count: number; x: number; y: number; width: number; height: number }[];
  nodes: { id: string; namespace: string; caption: string; x: number; y: number; endpoint: EndpointView }[];
  /**
   * `change`: what the what-if (edits, policies off) did to the pair on the shown port: an
   * allowed edge it opened, or a pair it closed (drawn too: it is no longer allowed).
   */
  edges: { id: string; source: string; target: string; count?: number; change?: 'opened' | 'closed' }[];
  /** The what-if's pairs on the shown port among the edges drawn (none when aggregated). */
  opened: number;
  closed: number;
  /** Edges were too many to draw one per pair: drawn per namespace pair instead. */
  aggregated: boolean;
  /** Pairs allowed (after the filters), drawn or aggregated. */
  pairs: number;
  /** Workloads shown (after the filters), drawn as nodes or, collapsed, inside their namespace's node. */
  workloads: number;
  /** Each namespace drawn as one node (too many workloads; pick a namespace to open one). */
  collapsed: boolean;
}

export interface GraphFilters {
  q: string;
  ns: readonly string[];
  caption: string;
  /** `policy`: only connections some policy decides (one side isolated); `all`: every allowed one. */
  edges: 'policy' | 'all';
}

/** Above this many edges a per-pair drawing is a hairball: draw one edge per namespace pair. */
export const MAX_EDGES = 1500;
/**
 * Above this many workloads (and no namespace or search chosen) each namespace is drawn as
 * one node: thousands of nodes cost the page seconds and show nothing readable.
 */
export const MAX_NODES = 600;

export function captionOf(endpoint: EndpointView, label: string): string {
  const badges = `${endpoint.ingressIsolated ? ' ⇥in' : ''}${endpoint.egressIsolated ? ' ⇤out' : ''}`;
  const value = label ? endpoint.labels[label] : undefined;
  return `${endpoint.name}${label ? `\n${label}=${value ?? '—'}` : ''}${badges ? `\n${badges.trim()}` : ''}`;
}

export function buildGraph(
  endpoints: readonly EndpointView[],
  matrix: MatrixBits | undefined,
  f: GraphFilters,
  whatIf?: DiffView,
): GraphModel {
  const q = f.q.trim().toLowerCase();
  const keepNs = f.ns.length > 0 ? new Set(f.ns) : undefined;
  const shown: number[] = [];
  endpoints.forEach((e, i) => {
    if (keepNs && !keepNs.has(e.namespace)) return;
    if (
      q &&
      !`${e.id} ${Object.entries(e.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`
        .toLowerCase()
        .includes(q)
    )
      return;
    shown.push(i);
  });
  const byNs = new Map<string, number[]>();
  for (const i of shown) {
    const ns = endpoints[i]!.namespace;
    const members = byNs.get(ns);
    if (members) members.push(i);
    else byNs.set(ns, [i]);
  }
  const nsNames = [...byNs.keys()].sort();
  const model: GraphModel = {
    namespaces: [],
    nodes: [],
    edges: [],
    aggregated: false,
    pairs: 0,
    workloads: shown.length,
    collapsed: false,
    opened: 0,
    closed: 0,
  };
  model.collapsed = shown.length > MAX_NODES && !keepNs && !q;

  const { pairs, count, nsPairs } = allowedPairs(endpoints, matrix, shown, f.edges, model.collapsed);
  model.pairs = count;
  model.aggregated = count > MAX_EDGES || model.collapsed;
  if (!model.aggregated) {
    for (let k = 0; k < pairs.length; k += 2) {
      const [a, b] = [endpoints[pairs[k] as number]!, endpoints[pairs[k + 1] as number]!];
      model.edges.push({ id: `${a.id}->${b.id}`, source: a.id, target: b.id });
    }
    if (whatIf && matrix) markWhatIf(model, whatIf, matrix.port, new Set(shown.map((i) => endpoints[i]!.id)));
  } else {
    for (const [a, b, n] of nsPairs) {
      model.edges.push({ id: `ns:${a}->ns:${b}`, source: `ns:${a}`, target: `ns:${b}`, count: n });
    }
  }

  // Collapsed: one node per namespace, in a grid. Else graph-layout.ts (rings when small).
  const groups = nsNames.map((ns) => ({
    name: ns,
    members: model.collapsed ? [`ns:${ns}`] : (byNs.get(ns) ?? []).map((i) => endpoints[i]!.id),
  }));
  const at = model.collapsed ? gridLayout(groups) : layoutGraph(groups, model.aggregated ? [] : model.edges);
  const byId = new Map(shown.map((i) => [endpoints[i]!.id, endpoints[i]!]));
  for (const group of groups) {
    const points = group.members.map((id) => at.get(id) ?? { x: 0, y: 0 });
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    const [x, y] = [Math.min(...xs), Math.min(...ys)];
    model.namespaces.push({
      id: `ns:${group.name}`,
      name: group.name,
      count: byNs.get(group.name)?.length ?? 0,
      x,
      y,
      width: Math.max(...xs) - x + SPACING,
      height: Math.max(...ys) - y + SPACING,
    });
    if (model.collapsed) continue;
    group.members.forEach((id, m) => {
      const endpoint = byId.get(id)!;
      const p = points[m]!;
      model.nodes.push({
        id,
        namespace: group.name,
        caption: captionOf(endpoint, f.caption),
        x: p.x,
        y: p.y,
        endpoint,
      });
    });
  }
  return model;
}

/**
 * The what-if on the graph, as the Matrix outlines it: the pairs it opened and closed on the
 * shown port between shown workloads. An opened pair marks its edge, or is drawn when the
 * 'policy' filter hid it (a policy toggled off leaves its pods unisolated: what that opens is
 * what the user asked to see); a closed pair, no longer allowed, is an edge of its own.
 */
function markWhatIf(model: GraphModel, whatIf: DiffView, port: string, shown: ReadonlySet<string>): void {
  const drawn = new Map(model.edges.map((e) => [e.id, e]));
  const pairs = (list: DiffView['opened']) =>
    list.filter((c) => c.from !== c.to && covers(c, port) && shown.has(c.from) && shown.has(c.to));
  for (const c of pairs(whatIf.opened)) {
    const id = `${c.from}->${c.to}`;
    const edge = drawn.get(id);
    if (edge) edge.change = 'opened';
    else model.edges.push({ id, source: c.from, target: c.to, change: 'opened' });
    model.opened++;
  }
  for (const c of pairs(whatIf.closed)) {
    model.edges.push({ id: `${c.from}->${c.to}`, source: c.from, target: c.to, change: 'closed' });
    model.closed++;
  }
}

/**
 * The allowed pairs among the shown endpoints (not an endpoint to itself; with `edges:
 * 'policy'`, only pairs where the source is isolated for egress or the destination for
 * ingress), row by row: their count, the pairs themselves (endpoint indexes, flat) while there
 * are at most MAX_EDGES and the graph is not collapsed, and the count per namespace pair in
 * the order each pair first occurs. No array or string per pair: a 10k-pod cluster allows
 * about a million pairs, and the page's first view counted them in one task.
 */
function allowedPairs(
  endpoints: readonly EndpointView[],
  matrix: MatrixBits | undefined,
  shown: readonly number[],
  edges: GraphFilters['edges'],
  collapsed: boolean,
): { pairs: number[]; count: number; nsPairs: [string, string, number][] } {
  const out = { pairs: [] as number[], count: 0, nsPairs: [] as [string, string, number][] };
  if (!matrix || matrix.n !== endpoints.length) return out;
  const { rowWords, bits } = matrix;
  // Columns a row may count: the shown endpoints; for 'policy', of those the ones isolated
  // for ingress (a row isolated for egress counts every shown column).
  const shownCols = new Uint32Array(rowWords);
  const ingressCols = new Uint32Array(rowWords);
  const nsNames: string[] = [];
  const nsIndex = new Map<string, number>();
  const nsOf = new Int32Array(endpoints.length);
  for (const i of shown) {
    shownCols[i >>> 5]! |= 1 << (i & 31);
    if (endpoints[i]!.ingressIsolated) ingressCols[i >>> 5]! |= 1 << (i & 31);
    const ns = endpoints[i]!.namespace;
    let k = nsIndex.get(ns);
    if (k === undefined) {
      k = nsNames.length;
      nsIndex.set(ns, k);
      nsNames.push(ns);
    }
    nsOf[i] = k;
  }
  const perNs = new Map<number, number>();
  const keep = !collapsed;
  for (const i of shown) {
    const cols = edges === 'policy' && !endpoints[i]!.egressIsolated ? ingressCols : shownCols;
    const row = i * rowWords;
    const rowNs = nsOf[i]! * nsNames.length;
    for (let w = 0; w < rowWords; w++) {
      let word = bits[row + w]! & cols[w]!;
      if (w === i >>> 5) word &= ~(1 << (i & 31));
      while (word !== 0) {
        const bit = 31 - Math.clz32(word);
        word &= ~(1 << bit);
        const j = w * 32 + bit;
        out.count++;
        if (keep && out.count <= MAX_EDGES) out.pairs.push(i, j);
        const key = rowNs + nsOf[j]!;
        perNs.set(key, (perNs.get(key) ?? 0) + 1);
      }
    }
  }
  for (const [key, n] of perNs) {
    out.nsPairs.push([nsNames[Math.floor(key / nsNames.length)]!, nsNames[key % nsNames.length]!, n]);
  }
  return out;
}

/** Room around node centres for a node's box and its caption, and a namespace's box and name (model units). */
const MARGIN = { x: 60, top: 50, bottom: 70 };

/**
 * The viewport that shows the whole graph in a `width` × `height` box, from the model's own
 * positions: cytoscape's fit measures every element's bounding box (styles, label sizes, edge
 * curves) in one task before anything is drawn, the page's longest task on a large cluster.
 */
export function fitViewport(
  model: GraphModel,
  width: number,
  height: number,
  padding = 30,
  maxZoom = 2,
): { zoom: number; pan: { x: number; y: number } } {
  const points = model.collapsed ? model.namespaces : model.nodes;
  if (points.length === 0 || width <= 0 || height <= 0) return { zoom: 1, pan: { x: width / 2, y: height / 2 } };
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of points) {
    x1 = Math.min(x1, p.x);
    y1 = Math.min(y1, p.y);
    x2 = Math.max(x2, p.x);
    y2 = Math.max(y2, p.y);
  }
  x1 -= MARGIN.x;
  x2 += MARGIN.x;
  y1 -= MARGIN.top;
  y2 += MARGIN.bottom;
  const room = (size: number) => Math.max(1, size - 2 * padding);
  const zoom = Math.min(maxZoom, room(width) / (x2 - x1), room(height) / (y2 - y1));
  return { zoom, pan: { x: (width - zoom * (x1 + x2)) / 2, y: (height - zoom * (y1 + y2)) / 2 } };
}

/** The graph as a standalone SVG (what the Export SVG button saves). */
export function graphToSvg(model: GraphModel): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const pos = new Map<string, { x: number; y: number }>();
  for (const n of model.nodes) pos.set(n.id, n);
  for (const ns of model.namespaces) pos.set(ns.id, { x: ns.x + ns.width / 2 - 45, y: ns.y + ns.height / 2 - 45 });
  const maxX = Math.max(100, ...model.namespaces.map((n) => n.x + n.width)) + 60;
  const maxY = Math.max(100, ...model.namespaces.map((n) => n.y + n.height)) + 60;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-60 -60 ${maxX + 60} ${maxY + 60}" font-family="sans-serif" font-size="11">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#2e7d32"/></marker></defs>',
  ];
  for (const ns of model.namespaces) {
    out.push(
      `<g><rect x="${ns.x - 30}" y="${ns.y - 40}" width="${ns.width}" height="${ns.height + 20}" rx="8" fill="none" stroke="#888"/><text x="${ns.x - 24}" y="${ns.y - 26}" font-weight="bold">${esc(ns.name)}</text></g>`,
    );
  }
  for (const e of model.edges) {
    const a = pos.get(e.source);
    const b = pos.get(e.target);
    if (!a || !b) continue;
    const style =
      e.change === 'closed'
        ? 'stroke="#c62828" stroke-width="1.5" stroke-dasharray="6 4"'
        : `stroke="#2e7d32" stroke-width="${e.change === 'opened' ? 3 : 1}"`;
    const change = e.change ? `, ${e.change} by the what-if` : '';
    out.push(
      `<line x1="${a.x}" y1="${a.y}" x2="${b.x}" y2="${b.y}" ${style} marker-end="url(#arrow)"><title>${esc(e.id)}${e.count ? ` (${e.count})` : ''}${change}</title></line>`,
    );
  }
  for (const n of model.nodes) {
    const iso = n.endpoint.ingressIsolated || n.endpoint.egressIsolated;
    out.push(
      `<g><circle cx="${n.x}" cy="${n.y}" r="12" fill="#90caf9" stroke="#1e3a5f" stroke-width="${iso ? 3 : 1}"/>${n.caption
        .split('\n')
        .map((line, k) => `<text x="${n.x}" y="${n.y + 26 + k * 12}" text-anchor="middle">${esc(line)}</text>`)
        .join('')}</g>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
