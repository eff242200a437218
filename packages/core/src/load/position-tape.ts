import type { FieldPath, Range } from '../issues.js';

/**
 * Source ranges of a streamed read's kept values, without the text: one entry per kept
 * value in document order (pre-order): where it starts (a member: its key), where it ends,
 * and how many entries its subtree spans, so a path is found by skipping siblings. 12 bytes
 * a value: a 150,000-pod dump's ranges take tens of MB, its text a gigabyte.
 */
export class PositionTape {
  private data = new Uint32Array(3 * 4096);
  private count = 0;
  /** Objects whose document key order JavaScript does not keep (integer-like keys first). */
  private readonly keyOrders = new WeakMap<object, string[]>();
  /** A long sequence's item entries, found once (a 10k-pod List's `items`: one walk, not one per lookup). */
  private readonly itemEntries = new WeakMap<unknown[], { at: number; entries: Uint32Array }>();

  get length(): number {
    return this.count;
  }

  /** A value starts at `start`: its entry index (closed by `close`). */
  open(start: number): number {
    if (this.count * 3 === this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const index = this.count++;
    this.data[index * 3] = start;
    return index;
  }

  /** The value at `index` starts elsewhere than opened (known only once it is read). */
  moveStart(index: number, start: number): void {
    this.data[index * 3] = start;
  }

  close(index: number, end: number): void {
    this.data[index * 3 + 1] = end;
    this.data[index * 3 + 2] = this.count - index;
  }

  /** Forget entries from `index` on (a value that was read and then not kept). */
  truncate(index: number): void {
    this.count = index;
  }

  range(index: number): Range {
    return [this.data[index * 3]!, this.data[index * 3 + 1]!];
  }

  /** How many entries the value at `index` spans (itself and its recorded descendants). */
  span(index: number): number {
    return this.data[index * 3 + 2]!;
  }

  /** The document order of an object's keys, when JavaScript's differs. */
  keyOrder(object: object): string[] | undefined {
    return this.keyOrders.get(object);
  }

  /** Forget everything (a tape reused for one item after another). */
  clear(): void {
    this.count = 0;
  }

  noteKeyOrder(object: object, keys: string[]): void {
    this.keyOrders.set(object, keys);
  }

  /**
   * The range of `path` inside the value whose entry is `root` (its kept `value` gives the
   * shape), or of its nearest kept ancestor, as `createJsonLocator` answers for a text.
   */
  locate(root: number, value: unknown, path: FieldPath): Range {
    let index = root;
    let node = value;
    for (const key of path) {
      // No entries recorded inside (a one-line YAML flow collection, an alias): stop here.
      if (this.data[index * 3 + 2] === 1) break;
      let child = index + 1;
      let next: unknown;
      if (Array.isArray(node)) {
        if (typeof key !== 'number' || key < 0 || key >= node.length) break;
        if (key < LONG_SEQUENCE) for (let k = 0; k < key; k++) child += this.data[child * 3 + 2]!;
        else child = this.itemEntry(index, node, key);
        next = node[key];
      } else if (node !== null && typeof node === 'object') {
        const keys = this.keyOrders.get(node) ?? Object.keys(node);
        const at = keys.indexOf(String(key));
        if (at < 0) break;
        for (let k = 0; k < at; k++) child += this.data[child * 3 + 2]!;
        next = (node as Record<string, unknown>)[String(key)];
      } else {
        break;
      }
      index = child;
      node = next;
    }
    return this.range(index);
  }

  private itemEntry(index: number, sequence: unknown[], key: number): number {
    let known = this.itemEntries.get(sequence);
    if (known?.at !== index) {
      const entries = new Uint32Array(sequence.length);
      for (let k = 0, child = index + 1; k < sequence.length; k++) {
        entries[k] = child;
        child += this.data[child * 3 + 2]!;
      }
      known = { at: index, entries };
      this.itemEntries.set(sequence, known);
    }
    return known.entries[key]!;
  }
}

/** Items before this index are skipped one by one; past it, through `itemEntries`. */
const LONG_SEQUENCE = 64;
