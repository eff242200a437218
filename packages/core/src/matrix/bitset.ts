/**
 * Fixed-size bitsets as Uint32Array words: the fast engine's only data structure. Every
 * function takes the word count implicitly from its arguments (all sets of one universe
 * have the same length).
 *
 * The hot loops read words with `set[w]!`: `w` runs below the set's own length, and a bit
 * index `i` is below the universe's size by the callers' construction; a call to a checking
 * helper per word would cost the fast engine its speed.
 */
export type Bitset = Uint32Array;

export function wordsFor(size: number): number {
  return (size + 31) >>> 5;
}

export function emptySet(size: number): Bitset {
  return new Uint32Array(wordsFor(size));
}

export function fullSet(size: number): Bitset {
  const set = new Uint32Array(wordsFor(size));
  set.fill(0xffffffff);
  const tail = size & 31;
  if (tail !== 0) set[set.length - 1] = (1 << tail) - 1;
  return set;
}

export function hasBit(set: Bitset, i: number): boolean {
  return (set[i >>> 5]! & (1 << (i & 31))) !== 0;
}

export function setBit(set: Bitset, i: number): void {
  set[i >>> 5]! |= 1 << (i & 31);
}

export function clearBit(set: Bitset, i: number): void {
  set[i >>> 5]! &= ~(1 << (i & 31));
}

/** target |= source */
export function orInto(target: Bitset, source: Bitset): void {
  for (let w = 0; w < target.length; w++) target[w]! |= source[w]!;
}

/** target &= source */
export function andInto(target: Bitset, source: Bitset): void {
  for (let w = 0; w < target.length; w++) target[w]! &= source[w]!;
}

/** target &= ~source */
export function andNotInto(target: Bitset, source: Bitset): void {
  for (let w = 0; w < target.length; w++) target[w]! &= ~source[w]!;
}

/** target |= a & b, without a set for `a & b` */
export function orAndInto(target: Bitset, a: Bitset, b: Bitset): void {
  for (let w = 0; w < target.length; w++) target[w]! |= a[w]! & b[w]!;
}

export function and(a: Bitset, b: Bitset): Bitset {
  const out = new Uint32Array(a.length);
  for (let w = 0; w < a.length; w++) out[w] = a[w]! & b[w]!;
  return out;
}

export function isEmpty(set: Bitset): boolean {
  for (let w = 0; w < set.length; w++) if (set[w] !== 0) return false;
  return true;
}

export function countBits(set: Bitset): number {
  let n = 0;
  for (let w = 0; w < set.length; w++) {
    let v = set[w]!;
    v -= (v >>> 1) & 0x55555555;
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return n;
}

/** Calls `fn` with every set bit, ascending. */
export function forEachBit(set: Bitset, fn: (i: number) => void): void {
  for (let w = 0; w < set.length; w++) {
    let v = set[w]!;
    while (v !== 0) {
      const low = v & -v;
      fn((w << 5) + (31 - Math.clz32(low)));
      v ^= low;
    }
  }
}
