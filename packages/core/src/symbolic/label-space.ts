import { at } from '../at.js';
import type { LabelSelectorModel, Labels } from '../model/types.js';

/**
 * The space of every possible label set, cut only where some selector looks. For each key a
 * selector mentions, what matters about a label set is one choice: the key is absent, it has
 * one of the values some selector names, or it has any other value. A selector is then a
 * product of per-key choice sets (bit masks, bit 0 = absent, bit i = values[i-1], the top bit
 * = any other value), and a region of the space a product of masks: a `LabelCell`. Keys no
 * selector names never change a match, so they are not in the space at all.
 */

/** Key → allowed choices; a key not in the map allows every choice. */
export type LabelCell = ReadonlyMap<string, bigint>;

interface KeyDomain {
  values: string[];
  index: Map<string, number>;
  full: bigint;
  other: bigint;
}

export const ABSENT = 1n;

export class LabelSpace {
  private readonly domains = new Map<string, KeyDomain>();

  /** `extraValues`: values that must be told apart although no selector names them (namespace names). */
  constructor(selectors: readonly LabelSelectorModel[], extraValues: Readonly<Record<string, readonly string[]>> = {}) {
    const values = new Map<string, Set<string>>();
    const add = (key: string, list: readonly string[]) => {
      const set = values.get(key) ?? new Set<string>();
      for (const v of list) set.add(v);
      values.set(key, set);
    };
    for (const selector of selectors) {
      for (const [key, value] of Object.entries(selector.matchLabels)) add(key, [value]);
      for (const e of selector.matchExpressions) add(key(e), e.values);
    }
    for (const [key, list] of Object.entries(extraValues)) add(key, list);
    for (const [key, set] of [...values].sort(([a], [b]) => compare(a, b))) {
      const list = [...set].sort(compare);
      const full = (1n << BigInt(list.length + 2)) - 1n;
      this.domains.set(key, {
        values: list,
        index: new Map(list.map((v, i) => [v, i + 1])),
        full,
        other: 1n << BigInt(list.length + 1),
      });
    }
  }

  keys(): string[] {
    return [...this.domains.keys()];
  }

  /** The values selectors name for `key` (choice i+1 is values[i]). */
  values(key: string): readonly string[] {
    return this.domains.get(key)?.values ?? [];
  }

  full(key: string): bigint {
    return this.domains.get(key)?.full ?? 0n;
  }

  /** The mask of one value of `key` (the "other" bit for a value no selector names). */
  valueMask(key: string, value: string | undefined): bigint {
    const domain = this.domains.get(key);
    if (!domain) return 0n;
    if (value === undefined) return ABSENT;
    const i = domain.index.get(value);
    return i === undefined ? domain.other : 1n << BigInt(i);
  }

  /** The "any value no selector names" choice of `key`. */
  otherMask(key: string): bigint {
    return this.domains.get(key)?.other ?? 0n;
  }

  /** A selector as per-key masks (ANDed requirements on one key intersect). */
  constraint(selector: LabelSelectorModel): Map<string, bigint> {
    const out = new Map<string, bigint>();
    const narrow = (key: string, mask: bigint) => out.set(key, (out.get(key) ?? this.full(key)) & mask);
    for (const [key, value] of Object.entries(selector.matchLabels)) narrow(key, this.valueMask(key, value));
    for (const e of selector.matchExpressions) {
      const values = e.values.reduce((m, v) => m | this.valueMask(e.key, v), 0n);
      const full = this.full(e.key);
      if (e.operator === 'In') narrow(e.key, values);
      else if (e.operator === 'NotIn') narrow(e.key, full & ~values);
      else if (e.operator === 'Exists') narrow(e.key, full & ~ABSENT);
      else narrow(e.key, ABSENT);
    }
    return out;
  }

  /** Labels of one member of `cell`: absent where allowed, else a named value, else a fresh one. */
  witness(cell: LabelCell, fresh: (key: string, taken: readonly string[]) => string = freshValue): Labels {
    const labels: Record<string, string> = {};
    for (const [key, domain] of this.domains) {
      const mask = cell.get(key) ?? domain.full;
      if (mask & ABSENT) continue;
      const i = domain.values.findIndex((_, k) => (mask & (1n << BigInt(k + 1))) !== 0n);
      labels[key] = domain.values[i] ?? fresh(key, domain.values);
    }
    return labels;
  }

  /**
   * One cell as selector requirements, kubectl style: `app=web`, `tier!=db`, `team`, `!debug`,
   * `env in (a,b)`, `env notin (a,b)`; keys left free are not mentioned.
   */
  describe(cell: LabelCell, skip: (key: string) => boolean = () => false): string[] {
    const parts: string[] = [];
    for (const [key, domain] of this.domains) {
      const mask = cell.get(key) ?? domain.full;
      if (mask === domain.full || skip(key)) continue;
      const named = domain.values.filter((_, k) => (mask & (1n << BigInt(k + 1))) !== 0n);
      const excluded = domain.values.filter((_, k) => (mask & (1n << BigInt(k + 1))) === 0n);
      const absent = (mask & ABSENT) !== 0n;
      const other = (mask & domain.other) !== 0n;
      const list = (vs: string[]) => (vs.length === 1 ? vs[0] : `(${vs.join(',')})`);
      if (!other && !absent) parts.push(named.length === 1 ? `${key}=${named[0]}` : `${key} in ${list(named)}`);
      else if (other && absent)
        parts.push(excluded.length === 1 ? `${key}!=${excluded[0]}` : `${key} notin ${list(excluded)}`);
      else if (other) parts.push(excluded.length === 0 ? key : `${key},${key} notin (${excluded.join(',')})`);
      else parts.push(named.length === 0 ? `!${key}` : `${key} in (${named.join(',')}) or !${key}`);
    }
    return parts;
  }
}

export interface LabelClass {
  /** Bit i set: selector i of the partition matches every member. */
  matches: Uint8Array;
  /** Disjoint cells whose union is the class. */
  cells: LabelCell[];
}

/**
 * Cut `start` (a cell, often everything) into classes of label sets that the given selectors
 * all treat alike: one class per realisable match vector. Each selector splits a cell into
 * the part it matches and at most one non-matching part per key it names, so cells stay
 * disjoint products and every label set falls in exactly one class.
 */
export function partitionLabels(
  space: LabelSpace,
  selectors: readonly LabelSelectorModel[],
  start: LabelCell = new Map(),
): LabelClass[] {
  let cells: { cell: Map<string, bigint>; bits: Uint8Array }[] = [
    { cell: new Map(start), bits: new Uint8Array(selectors.length) },
  ];
  selectors.forEach((selector, s) => {
    const constraint = [...space.constraint(selector)];
    // A selector that misses the whole start region (another namespace's name) splits nothing.
    if (constraint.some(([key, mask]) => ((start.get(key) ?? space.full(key)) & mask) === 0n)) return;
    const next: typeof cells = [];
    for (const entry of cells) {
      let inside = true;
      let disjoint = false;
      for (const [key, mask] of constraint) {
        const has = entry.cell.get(key) ?? space.full(key);
        const both = has & mask;
        if (both === 0n) disjoint = true;
        if (both !== has) inside = false;
      }
      if (disjoint) {
        next.push(entry);
        continue;
      }
      if (inside) {
        entry.bits[s] = 1;
        next.push(entry);
        continue;
      }
      const prefix = new Map(entry.cell);
      for (const [key, mask] of constraint) {
        const has = prefix.get(key) ?? space.full(key);
        const out = has & ~mask;
        if (out !== 0n) next.push({ cell: new Map(prefix).set(key, out), bits: entry.bits.slice() });
        prefix.set(key, has & mask);
      }
      const bits = entry.bits.slice();
      bits[s] = 1;
      next.push({ cell: prefix, bits });
    }
    cells = next;
  });
  const classes = new Map<string, LabelClass>();
  for (const { cell, bits } of cells) {
    const key = bits.join('');
    const entry = classes.get(key) ?? { matches: bits, cells: [] };
    entry.cells.push(cell);
    classes.set(key, entry);
  }
  return [...classes.values()];
}

/**
 * Why no label set can match `selector`: the first key whose requirements exclude each other
 * (`app in (a)` with `app notin (a)`), or for namespaces `kubernetes.io/metadata.name`
 * required absent (every namespace has it). Undefined when some label set matches.
 */
export function selectorContradiction(
  selector: LabelSelectorModel,
  alwaysPresent: readonly string[] = [],
): string | undefined {
  const space = new LabelSpace([selector]);
  for (const [key, mask] of space.constraint(selector)) {
    const start = alwaysPresent.includes(key) ? space.full(key) & ~ABSENT : space.full(key);
    if ((start & mask) === 0n) return key;
  }
  return undefined;
}

/** Whether any label set in `start` matches `selector` (false: a contradiction such as `app in (a)` with `app notin (a)`). */
export function selectorSatisfiable(
  space: LabelSpace,
  selector: LabelSelectorModel,
  start: LabelCell = new Map(),
): boolean {
  for (const [key, mask] of space.constraint(selector)) {
    if (((start.get(key) ?? space.full(key)) & mask) === 0n) return false;
  }
  return true;
}

/**
 * Fewer, larger cells with the same union: two cells that differ in one key become one (their
 * masks ORed), until no pair does. Used for descriptions, so `app!=web` does not print as
 * `app=x | !app`.
 */
export function mergeCells(space: { full(key: string): bigint }, cells: readonly LabelCell[]): LabelCell[] {
  const list = cells.map((c) => new Map(c));
  const get = (c: Map<string, bigint>, key: string) => c.get(key) ?? space.full(key);
  let merged = true;
  while (merged && list.length > 1 && list.length <= 256) {
    merged = false;
    outer: for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const keys = new Set([...at(list, i).keys(), ...at(list, j).keys()]);
        let differ: string | undefined;
        let count = 0;
        for (const key of keys) {
          if (get(at(list, i), key) !== get(at(list, j), key)) {
            differ = key;
            count++;
          }
        }
        if (count > 1) continue;
        if (differ !== undefined) {
          const union = get(at(list, i), differ) | get(at(list, j), differ);
          if (union === space.full(differ)) at(list, i).delete(differ);
          else at(list, i).set(differ, union);
        }
        list.splice(j, 1);
        merged = true;
        break outer;
      }
    }
  }
  return list;
}

function freshValue(_key: string, taken: readonly string[]): string {
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? 'other' : `other-${i}`;
    if (!taken.includes(candidate)) return candidate;
  }
}

function key(e: { key: string }): string {
  return e.key;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
