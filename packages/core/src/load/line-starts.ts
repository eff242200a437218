/**
 * Where lines start in a text that is not kept (a source read as a stream): what turns an
 * offset into line:col when an issue is printed. An endless pipe of short lines has a line
 * every few bytes, so the starts are kept compactly: in blocks of BLOCK lines, each block
 * encoded the smallest of four ways (a bit per byte of its span, one or two bytes per gap
 * between starts, or a float per start). `yes 'a: b'` then costs 0.63 bytes a line (a plain
 * Uint32Array: 4, and 8 while it doubles), a pipe of empty lines 1/8, and no encoding costs
 * more than 8 bytes a line (lines over 64 KiB). Offsets past 4 GiB stay exact.
 *
 * Written here rather than taken from a library: what is needed is an append-only,
 * truncatable integer list with a "last start at or before" lookup, a few dozen lines.
 */

/** Turns an offset into its line (0-based) and that line's start. */
export interface LineIndex {
  lineAt(offset: number): { line: number; start: number };
}

const BLOCK = 1024;

enum Encoding {
  /** Bit k of the span set: base + k starts a line (bit 0, the base, always). */
  Bits,
  /** The gaps between successive starts, each under 256. */
  Gaps8,
  /** The gaps between successive starts, each under 65,536. */
  Gaps16,
  /** The starts themselves. */
  Starts,
}

interface Block {
  /** The block's first start. */
  base: number;
  encoding: Encoding;
  data: Uint8Array | Uint16Array | Float64Array;
}

/** Offsets where lines start (line 1 at 0), growing as the input is read. */
export class LineStarts implements LineIndex {
  private readonly blocks: Block[] = [];
  /** The starts of the block being filled. */
  private readonly open = new Float64Array(BLOCK);
  private openLength = 0;

  constructor() {
    this.add(0);
  }

  /** How many are known: `reset` to it forgets those added since. */
  mark(): number {
    return this.blocks.length * BLOCK + this.openLength;
  }

  reset(mark: number): void {
    while (this.blocks.length * BLOCK > mark) {
      const block = this.blocks.pop() as Block;
      decode(block, this.open);
    }
    this.openLength = mark - this.blocks.length * BLOCK;
  }

  add(start: number): void {
    this.open[this.openLength++] = start;
    if (this.openLength === BLOCK) {
      this.blocks.push(encode(this.open));
      this.openLength = 0;
    }
  }

  /** The index, once every line is added (nothing is copied). */
  done(): LineIndex {
    return this;
  }

  /** Bytes the starts take (the open block's aside): for tests and measurements. */
  get byteLength(): number {
    let bytes = 0;
    for (const block of this.blocks) bytes += block.data.byteLength;
    return bytes;
  }

  lineAt(offset: number): { line: number; start: number } {
    const { blocks, open, openLength } = this;
    if (openLength > 0 && (open[0] as number) <= offset) {
      const i = lastAtOrBefore(open, openLength, offset);
      return { line: blocks.length * BLOCK + i, start: open[i] as number };
    }
    // The last sealed block whose base is at or before the offset (block 0's base is 0).
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((blocks[mid] as Block).base <= offset) lo = mid;
      else hi = mid - 1;
    }
    const block = blocks[lo];
    if (block === undefined) return { line: 0, start: 0 };
    const { line, start } = lineInBlock(block, offset);
    return { line: lo * BLOCK + line, start };
  }
}

/** The index of the last of `starts[0, length)` at or before `offset` (starts[0] is). */
function lastAtOrBefore(starts: ArrayLike<number>, length: number, offset: number): number {
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function encode(starts: Float64Array): Block {
  const base = starts[0] as number;
  const span = (starts[BLOCK - 1] as number) - base;
  let widest = 0;
  let narrowest = Number.POSITIVE_INFINITY;
  for (let i = 1; i < BLOCK; i++) {
    const gap = (starts[i] as number) - (starts[i - 1] as number);
    widest = Math.max(widest, gap);
    narrowest = Math.min(narrowest, gap);
  }
  const sizes = [
    // A bit per byte cannot hold one start twice.
    narrowest > 0 ? Math.floor(span / 8) + 1 : Number.POSITIVE_INFINITY,
    widest < 256 ? BLOCK - 1 : Number.POSITIVE_INFINITY,
    widest < 65_536 ? 2 * (BLOCK - 1) : Number.POSITIVE_INFINITY,
    8 * (BLOCK - 1),
  ];
  const encoding: Encoding = sizes.indexOf(Math.min(...sizes));
  if (encoding === Encoding.Bits) {
    const bits = new Uint8Array(Math.floor(span / 8) + 1);
    for (let i = 0; i < BLOCK; i++) {
      const k = (starts[i] as number) - base;
      bits[k >> 3] = (bits[k >> 3] as number) | (1 << (k & 7));
    }
    return { base, encoding, data: bits };
  }
  if (encoding === Encoding.Starts) return { base, encoding, data: starts.slice(1) };
  const gaps = encoding === Encoding.Gaps8 ? new Uint8Array(BLOCK - 1) : new Uint16Array(BLOCK - 1);
  for (let i = 1; i < BLOCK; i++) gaps[i - 1] = (starts[i] as number) - (starts[i - 1] as number);
  return { base, encoding, data: gaps };
}

/** The block's starts, back into `starts` (all BLOCK of them). */
function decode({ base, encoding, data }: Block, starts: Float64Array): void {
  starts[0] = base;
  if (encoding === Encoding.Bits) {
    let n = 0;
    for (let j = 0; j < data.length; j++) {
      for (let bit = 0; bit < 8; bit++) if (((data[j] as number) >> bit) & 1) starts[n++] = base + j * 8 + bit;
    }
    return;
  }
  if (encoding === Encoding.Starts) {
    starts.set(data, 1);
    return;
  }
  for (let i = 1; i < BLOCK; i++) starts[i] = (starts[i - 1] as number) + (data[i - 1] as number);
}

/** The line (within the block) holding `offset`, at or after the block's base, and its start. */
function lineInBlock({ base, encoding, data }: Block, offset: number): { line: number; start: number } {
  if (encoding === Encoding.Starts) {
    if (offset < (data[0] as number)) return { line: 0, start: base };
    const i = lastAtOrBefore(data, data.length, offset);
    return { line: i + 1, start: data[i] as number };
  }
  if (encoding === Encoding.Bits) {
    // Bits 0..k of the span lie at or before the offset (past the span: all of them).
    const k = Math.min(offset - base, data.length * 8 - 1);
    let count = 0;
    let lastByte = 0;
    for (let j = 0; j <= k >> 3; j++) {
      const b = j === k >> 3 ? (data[j] as number) & ((2 << (k & 7)) - 1) : (data[j] as number);
      if (b === 0) continue;
      count += popcount(b);
      lastByte = j;
    }
    const b = lastByte === k >> 3 ? (data[lastByte] as number) & ((2 << (k & 7)) - 1) : (data[lastByte] as number);
    return { line: count - 1, start: base + lastByte * 8 + (31 - Math.clz32(b)) };
  }
  let start = base;
  let i = 0;
  while (i < data.length && start + (data[i] as number) <= offset) start += data[i++] as number;
  return { line: i, start };
}

function popcount(b: number): number {
  let n = 0;
  for (let v = b; v !== 0; v &= v - 1) n++;
  return n;
}

/**
 * The index of a text that is kept (offsets in UTF-16 code units): an array of exactly its
 * line count, counted first. A string is under 2^30 units, so 32 bits hold every offset.
 */
export function lineIndexOfText(text: string): LineIndex {
  let count = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Uint32Array(count);
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts[n++] = i + 1;
  return {
    lineAt(offset) {
      const line = lastAtOrBefore(starts, count, offset);
      return { line, start: starts[line] as number };
    },
  };
}
