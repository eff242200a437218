import { at, first } from '../at.js';
import { type ClusterDiff, type ConnectionChange, diffClusters, diffPolicies } from '../diff/diff-clusters.js';
import type { ClusterModel, Labels } from '../model/types.js';
import { computeSymbolicSpace, type SymbolicOptions, type SymbolicSpace } from './symbolic-space.js';

/** A class's witness, for people who want one concrete pod to try. */
export interface WitnessDescription {
  namespace: string;
  namespaceLabels: Labels;
  labels: Labels;
  ports: string[];
  ip: string;
}

export interface SymbolicDiff extends ClusterDiff {
  /** Each from/to the changes name: the classes it stands for and one witness pod. */
  classes: { id: string; members: string[]; witness: WitnessDescription }[];
  /** Where the analysis is coarser than exact (empty when exact). */
  notes: string[];
}

/**
 * What a change opens and closes for every pod that could exist (SPEC "Symbolic
 * endpoints"): the classes of both versions' atoms, their witnesses evaluated by the diff of
 * ordinary clusters, and each change named by the classes of its endpoints. Pairs of
 * witnesses that cannot exist together (two label sets of one namespace) are left out; a
 * class meets itself through its twin. Ports that are a witness's named port print by name.
 */
export function diffSymbolic(base: ClusterModel, head: ClusterModel, options: SymbolicOptions = {}): SymbolicDiff {
  const space = computeSymbolicSpace([base, head], options);
  const raw = diffClusters(space.witnessCluster(base), space.witnessCluster(head));
  const grouper = new ChangeGrouper(space);
  const opened = grouper.group(raw.opened);
  const closed = grouper.group(raw.closed);
  return {
    opened,
    closed,
    policies: space.hasVariants ? diffPolicies(base, head) : raw.policies,
    endpoints: { added: [], removed: [], changed: [] },
    externals: raw.externals,
    classes: [...grouper.classes.values()],
    notes: space.notes,
  };
}

/** The changes between two endpoint keys, one per protocol (`c:<class>` or `x:<outside id>`). */
type PairChanges = Map<string, Map<string, ConnectionChange[]>>;

/** Changes of a row: these sources to these destinations, alike (`sig`). */
interface Row {
  from: string[];
  to: string[];
  changes: ConnectionChange[];
  sig: string;
}

/** Witness changes grouped into changes between classes, each side named once. */
class ChangeGrouper {
  /** Each from/to named so far: the classes it stands for and a witness. */
  readonly classes = new Map<string, { id: string; members: string[]; witness: WitnessDescription }>();
  private readonly byId: Map<string, number>;
  private readonly texts = new Map<string, string>();
  private readonly incompatible = new Map<number, number[]>();

  constructor(private readonly space: SymbolicSpace) {
    this.byId = new Map(space.witnesses.map((w, i) => [w.pod.id, i]));
  }

  /** Every change per (from class, to class), merged into as few rows as read alike, sorted. */
  group(list: readonly ConnectionChange[]): ConnectionChange[] {
    const pairs = this.pairs(list);
    const merged = this.merge(this.rows(pairs), pairs);
    const out: ConnectionChange[] = [];
    for (const row of merged) {
      const from = this.text(row.from);
      const to = this.text(row.to);
      for (const c of row.changes) out.push({ ...c, from, to });
    }
    return out.sort(
      (a, b) =>
        compare(a.to, b.to) || compare(a.from, b.from) || PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol],
    );
  }

  /** The changes per (from class, to class), once per protocol, of pairs that can exist. */
  private pairs(list: readonly ConnectionChange[]): PairChanges {
    const pairs: PairChanges = new Map();
    for (const c of list) {
      if (!this.keep(c)) continue;
      const from = this.keyOf(c.from);
      const to = this.keyOf(c.to);
      const row = pairs.get(from) ?? new Map<string, ConnectionChange[]>();
      pairs.set(from, row);
      const changes = row.get(to) ?? [];
      row.set(to, changes);
      if (!changes.some((x) => x.protocol === c.protocol))
        changes.push(withPortNames(this.space, c, this.byId.has(c.to)));
    }
    return pairs;
  }

  /** Destinations with the same change from one source, then sources with the same destinations and change. */
  private rows(pairs: PairChanges): Row[] {
    const rows = new Map<string, Row>();
    for (const [from, row] of pairs) {
      const bySignature = new Map<string, { to: string[]; changes: ConnectionChange[] }>();
      for (const [to, changes] of row) {
        const sig = signature(changes);
        const entry = bySignature.get(sig) ?? { to: [], changes };
        entry.to.push(to);
        bySignature.set(sig, entry);
      }
      for (const [sig, entry] of bySignature) {
        const key = `${this.text(entry.to)}\n${sig}`;
        const target = rows.get(key) ?? { from: [], to: entry.to, changes: entry.changes, sig };
        target.from.push(from);
        rows.set(key, target);
      }
    }
    return [...rows.values()];
  }

  /**
   * Rows with the same change merge when every pair they then cover changed alike or cannot
   * exist (two label sets of one namespace), and the text gets no longer.
   */
  private merge(rows: Row[], pairs: PairChanges): Row[] {
    const merged = [...rows];
    const sigOf = (f: string, t: string) => {
      const changes = pairs.get(f)?.get(t);
      return changes ? signature(changes) : undefined;
    };
    const possible = (f: string, t: string) =>
      !(
        f.startsWith('c:') &&
        t.startsWith('c:') &&
        this.incompatibleWith(Number(f.slice(2))).includes(Number(t.slice(2)))
      );
    const covers = (from: readonly string[], to: readonly string[], sig: string) =>
      from.every((f) => to.every((t) => sigOf(f, t) === sig || !possible(f, t)));
    for (let again = true; again && merged.length <= 200; ) {
      again = false;
      for (let i = 0; i < merged.length && !again; i++) {
        for (let j = i + 1; j < merged.length && !again; j++) {
          const a = at(merged, i);
          const b = at(merged, j);
          if (a.sig !== b.sig) continue;
          const from = [...new Set([...a.from, ...b.from])];
          const to = [...new Set([...a.to, ...b.to])];
          if (!covers(from, to, a.sig)) continue;
          const before =
            this.text(a.from).length + this.text(a.to).length + this.text(b.from).length + this.text(b.to).length;
          if (this.text(from).length + this.text(to).length > before) continue;
          merged[i] = { from, to, changes: a.changes, sig: a.sig };
          merged.splice(j, 1);
          again = true;
        }
      }
    }
    return merged;
  }

  /** A witness's class key, or the outside endpoint's own. */
  private keyOf(id: string): string {
    const w = this.byId.get(id);
    return w === undefined ? `x:${id}` : `c:${at(this.space.witnesses, w).classIndex}`;
  }

  /** Pairs that can exist: not two label sets of one namespace; a twin only with its own class. */
  private keep(c: ConnectionChange): boolean {
    const { space } = this;
    const a = this.byId.get(c.from);
    const b = this.byId.get(c.to);
    if (a === undefined || b === undefined) return true;
    const x = at(space.witnesses, a);
    const y = at(space.witnesses, b);
    if (!space.compatible(a, b)) return false;
    // A twin stands only for "another pod of its own class".
    if (x.twin || y.twin) return x.classIndex === y.classIndex;
    return true;
  }

  /** The classes none of whose witnesses can exist with one of class `c`'s. */
  private incompatibleWith(c: number): number[] {
    const { space } = this;
    let list = this.incompatible.get(c);
    if (!list) {
      const mine = at(space.classes, c).witnesses;
      list = space.classes
        .map((other, i) => (other.witnesses.some((w) => mine.some((m) => space.compatible(m, w))) ? -1 : i))
        .filter((i) => i >= 0);
      this.incompatible.set(c, list);
    }
    return list;
  }

  /** The text for a set of keys (classes described as one union, outside ids as they are); registers the classes. */
  private text(keys: readonly string[]): string {
    const { space } = this;
    const sorted = [...keys].sort();
    const memo = this.texts.get(sorted.join(','));
    if (memo !== undefined) return memo;
    const indices = keys.filter((k) => k.startsWith('c:')).map((k) => Number(k.slice(2)));
    const outside = keys.filter((k) => k.startsWith('x:')).map((k) => k.slice(2));
    const id = [...(indices.length > 0 ? [space.describeUnion(indices)] : []), ...outside].join(' | ');
    if (indices.length > 0 && !this.classes.has(id)) {
      this.classes.set(id, {
        id,
        members: indices.map((c) => at(space.classes, c).id),
        witness: describeWitness(space, at(space.classes, first(indices)).witness),
      });
    }
    this.texts.set(sorted.join(','), id);
    return id;
  }
}

function signature(changes: readonly ConnectionChange[]): string {
  return JSON.stringify(changes.map((c) => [c.protocol, c.spans, c.names ?? []]));
}

const PROTOCOL_ORDER = { TCP: 0, UDP: 1, SCTP: 2 } as const;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function describeWitness(space: SymbolicSpace, index: number): WitnessDescription {
  const w = at(space.witnesses, index);
  return {
    namespace: w.realNamespace,
    namespaceLabels: w.namespace.labels,
    labels: w.pod.labels,
    ports: w.pod.ports.map((p) => `${p.name} ${p.protocol} ${p.port}`),
    ip: first(w.pod.ips),
  };
}

/** A single port that is the destination witness's named port prints as its name. */
function withPortNames(space: SymbolicSpace, change: ConnectionChange, toWitness: boolean): ConnectionChange {
  if (!toWitness || space.portNames.size === 0) return change;
  const names: string[] = [];
  const spans = change.spans.filter(([a, b]) => {
    const named = a === b ? space.portNames.get(`${change.protocol}/${a}`) : undefined;
    if (named) names.push(named);
    return !named;
  });
  return names.length > 0 ? { ...change, spans, names } : change;
}
