import { at } from '@netpol/core';

const DELETED: unique symbol = Symbol('deleted');

/** Layers a lookup may go through before the chain is collapsed. */
const MAX_DEPTH = 4;

/**
 * A map that starts as a read-only view of another map and records only its own changes, so a
 * plan derived from the previous one costs what changed, not the cluster's size. The maps it
 * is layered on are never written through it: a plan stays what it was when it was made.
 *
 * Chains stay short: past MAX_DEPTH layers, `over` collapses the changes of every layer into
 * one over the bottom plain map (a cost in changes, not size), and once those changes reach
 * half the bottom map's size it copies everything into one plain map (amortised per change).
 * Values are never `undefined`.
 */
export class LayeredMap<K, V> implements ReadonlyMap<K, V> {
  private readonly own: Map<K, V | typeof DELETED>;
  private count: number;

  private constructor(
    private readonly base: ReadonlyMap<K, V>,
    private readonly depth: number,
    own: Map<K, V | typeof DELETED>,
    count: number,
  ) {
    this.own = own;
    this.count = count;
  }

  /** A new writable layer over `map` (which it never changes). */
  static over<K, V>(map: ReadonlyMap<K, V>): LayeredMap<K, V> {
    if (!(map instanceof LayeredMap)) return new LayeredMap(map, 1, new Map(), map.size);
    if (map.depth < MAX_DEPTH) return new LayeredMap<K, V>(map, map.depth + 1, new Map(), map.size);
    // Collapse: the bottom plain map and every layer's changes applied in order.
    const layers: LayeredMap<K, V>[] = [];
    let bottom: ReadonlyMap<K, V> = map;
    while (bottom instanceof LayeredMap) {
      layers.push(bottom);
      bottom = bottom.base;
    }
    const merged = new Map<K, V | typeof DELETED>();
    for (let i = layers.length - 1; i >= 0; i--) for (const [k, v] of at(layers, i).own) merged.set(k, v);
    if (merged.size * 2 < bottom.size) return new LayeredMap(bottom, 1, merged, map.size);
    return new LayeredMap(new Map(map), 1, new Map(), map.size);
  }

  get size(): number {
    return this.count;
  }

  get(key: K): V | undefined {
    const v = this.own.get(key);
    if (v === undefined) return this.base.get(key);
    return v === DELETED ? undefined : v;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  set(key: K, value: V): this {
    if (!this.has(key)) this.count++;
    this.own.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    if (!this.has(key)) return false;
    this.count--;
    if (this.base.has(key)) this.own.set(key, DELETED);
    else this.own.delete(key);
    return true;
  }

  *entries(): MapIterator<[K, V]> {
    for (const [k, v] of this.own) if (v !== DELETED) yield [k, v];
    for (const entry of this.base) if (!this.own.has(entry[0])) yield entry;
  }

  *keys(): MapIterator<K> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: K, map: ReadonlyMap<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) callback.call(thisArg, v, k, this);
  }
}
