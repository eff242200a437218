/**
 * Where the Graph view puts its nodes. Small graphs (the examples, a namespace or a search):
 * each namespace's workloads on a ring, the rings on a ring, each ring turned so that no
 * arrow runs through a node it does not join. Large graphs: namespaces as a grid of grids,
 * instant and stable at thousands of nodes.
 *
 * Why not a layout extension: fcose, cola and cise (npm, offline) are force or spring
 * layouts: seconds on a few hundred nodes, positions that change from run to run, and none
 * promises that an edge misses the nodes it does not join. Rings do by construction within a
 * namespace (a chord passes a ring's other nodes at a known distance) and the turning search
 * settles the edges between namespaces; both are cheap at the sizes where they apply.
 */

export interface LayoutNode {
  id: string;
  group: string;
}

export interface LayoutEdge {
  source: string;
  target: string;
}

export interface Point {
  x: number;
  y: number;
}

/** Node centres this far apart in a grid and at least this far apart on a ring. */
export const SPACING = 90;
/** The drawn node's size (GraphView's node style): the box an edge must miss. */
export const NODE_SIZE = 22;
/** How far an edge stays from a node it does not join (beyond the node's half size). */
export const CLEARANCE = 12;

/** Rings apply up to this many workloads in a namespace, and this many namespaces. */
const MAX_RING = 16;
const MAX_RINGS = 10;
/** The turning search applies to at most this many edge × node tests per turn tried. */
const MAX_WORK = 40_000;

/** Positions by node id; nodes of a group in the order given. */
export function layoutGraph(
  groups: readonly { name: string; members: readonly string[] }[],
  edges: readonly LayoutEdge[],
): Map<string, Point> {
  const rings =
    groups.length <= MAX_RINGS && groups.every((g) => g.members.length <= MAX_RING)
      ? ringLayout(groups, edges)
      : undefined;
  return rings ?? gridLayout(groups);
}

/** The grid of grids: namespaces in rows, each a square-ish grid of its workloads. */
export function gridLayout(groups: readonly { name: string; members: readonly string[] }[]): Map<string, Point> {
  const at = new Map<string, Point>();
  const perRow = Math.max(1, Math.ceil(Math.sqrt(groups.length)));
  let x0 = 0;
  let y0 = 0;
  let rowHeight = 0;
  groups.forEach((group, k) => {
    const cols = Math.max(1, Math.ceil(Math.sqrt(group.members.length)));
    const rows = Math.ceil(group.members.length / cols);
    group.members.forEach((id, m) => {
      at.set(id, { x: x0 + (m % cols) * SPACING, y: y0 + Math.floor(m / cols) * SPACING });
    });
    rowHeight = Math.max(rowHeight, rows * SPACING);
    x0 += cols * SPACING + SPACING;
    if ((k + 1) % perRow === 0) {
      x0 = 0;
      y0 += rowHeight + SPACING * 1.5;
      rowHeight = 0;
    }
  });
  return at;
}

/**
 * The radius of a ring of n nodes: neighbours SPACING apart, and a chord that skips one
 * node passes it (at r·(1 − cos 2π/n)) with room to spare; chords skipping more pass farther.
 */
export function ringRadius(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return SPACING / 2;
  const step = (2 * Math.PI) / n;
  const clear = NODE_SIZE / 2 + CLEARANCE + 6;
  return Math.max(SPACING / (2 * Math.sin(step / 2)), clear / (1 - Math.cos(step)));
}

function ringLayout(
  groups: readonly { name: string; members: readonly string[] }[],
  edges: readonly LayoutEdge[],
): Map<string, Point> | undefined {
  const radii = groups.map((g) => ringRadius(g.members.length));
  // A namespace's box reaches this far from its centre (its ring, the node, a caption's room).
  const reach = radii.map((r) => r + SPACING);
  const centres = ringCentres(reach);
  const turns = groups.map(() => 0);
  const place = (): Map<string, Point> => {
    const at = new Map<string, Point>();
    groups.forEach((group, k) => {
      const n = group.members.length;
      const centre = centres[k] ?? { x: 0, y: 0 };
      group.members.forEach((id, m) => {
        const angle = (turns[k] ?? 0) + (2 * Math.PI * m) / Math.max(1, n) - Math.PI / 2;
        at.set(id, {
          x: centre.x + (radii[k] ?? 0) * Math.cos(angle),
          y: centre.y + (radii[k] ?? 0) * Math.sin(angle),
        });
      });
    });
    return at;
  };
  const ids = groups.flatMap((g) => g.members);
  if (edges.length * ids.length > MAX_WORK) return place();
  // Turn one ring at a time to the turn with the fewest edges through nodes; two rounds.
  const TRIES = 8;
  let best = crossings(place(), edges, ids);
  for (let round = 0; round < 2 && best > 0; round++) {
    groups.forEach((group, k) => {
      const n = group.members.length;
      if (n < 2 || best === 0) return;
      const step = (2 * Math.PI) / n;
      let bestTurn = turns[k] ?? 0;
      for (let t = 0; t < TRIES; t++) {
        turns[k] = (step * t) / TRIES;
        const count = crossings(place(), edges, ids);
        if (count < best) {
          best = count;
          bestTurn = turns[k] ?? 0;
        }
      }
      turns[k] = bestTurn;
    });
  }
  return place();
}

/**
 * Ring centres on a ring: neighbours apart by their reaches, and far enough out that a
 * line between two non-neighbours passes a third ring with room (for 3 or more rings).
 */
function ringCentres(reach: readonly number[]): Point[] {
  const k = reach.length;
  if (k === 0) return [];
  if (k === 1) return [{ x: 0, y: 0 }];
  const widest = Math.max(...reach);
  if (k === 2)
    return [
      { x: 0, y: 0 },
      { x: (reach[0] ?? 0) + (reach[1] ?? 0), y: 0 },
    ];
  const step = (2 * Math.PI) / k;
  const byNeighbours = widest / Math.sin(step / 2);
  const byThirds = k >= 4 ? (2 * widest) / (1 - Math.cos(step)) : 0;
  const radius = Math.max(byNeighbours, byThirds);
  return reach.map((_, i) => ({
    x: radius * Math.cos(step * i - Math.PI / 2),
    y: radius * Math.sin(step * i - Math.PI / 2),
  }));
}

/** How many (edge, node) pairs have the straight edge within the node's box plus CLEARANCE. */
export function crossings(
  at: ReadonlyMap<string, Point>,
  edges: readonly LayoutEdge[],
  ids: readonly string[],
): number {
  let count = 0;
  const near = NODE_SIZE / 2 + CLEARANCE;
  for (const edge of edges) {
    const a = at.get(edge.source);
    const b = at.get(edge.target);
    if (!a || !b) continue;
    for (const id of ids) {
      if (id === edge.source || id === edge.target) continue;
      const c = at.get(id);
      if (c && segmentDistance(c, a, b) < near) count++;
    }
  }
  return count;
}

/** The distance from point p to the segment a–b. */
export function segmentDistance(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = dx * dx + dy * dy;
  const t = length === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}
