/**
 * Reading an element whose index the caller's own logic guarantees (a loop bound, a length
 * checked just before, an index handed out by the same module). A leaf module: it imports
 * nothing, so every layer and package can use it.
 *
 * With `noUncheckedIndexedAccess` on, `items[i]` is `T | undefined`; `at` says "this index is
 * an invariant" and fails loudly, with a named error, when the invariant is broken, instead of
 * letting an `undefined` travel on into a wrong answer. Input from users never reaches here
 * unchecked: a missing element caused by input is handled where it is read, not thrown.
 */

/** An index that netpol's own logic guarantees was out of range: a bug in netpol, not in the input. */
export class IndexInvariantError extends Error {
  override readonly name = 'IndexInvariantError';
  constructor(index: number, length: number) {
    super(`internal error: index ${index} out of range (length ${length})`);
  }
}

/** `items[index]`, where the caller guarantees `0 <= index < items.length`. */
export function at<T>(items: ArrayLike<T>, index: number): T {
  if (!(index >= 0 && index < items.length)) throw new IndexInvariantError(index, items.length);
  return items[index] as T;
}

/** The first element of a list the caller guarantees is not empty. */
export function first<T>(items: ArrayLike<T>): T {
  return at(items, 0);
}

/** The last element of a list the caller guarantees is not empty. */
export function last<T>(items: ArrayLike<T>): T {
  return at(items, items.length - 1);
}

/**
 * `items`, checked to hold at least `count` elements, typed so that destructuring the first
 * `count` gives elements, not `T | undefined`: `const [web, db] = atLeast(cluster.pods, 2)`.
 */
export function atLeast<T>(items: readonly T[], count: 1): readonly [T, ...T[]];
export function atLeast<T>(items: readonly T[], count: 2): readonly [T, T, ...T[]];
export function atLeast<T>(items: readonly T[], count: 3): readonly [T, T, T, ...T[]];
export function atLeast<T>(items: readonly T[], count: 4): readonly [T, T, T, T, ...T[]];
export function atLeast<T>(items: readonly T[], count: 5): readonly [T, T, T, T, T, ...T[]];
export function atLeast<T>(items: readonly T[], count: 6): readonly [T, T, T, T, T, T, ...T[]];
export function atLeast<T>(items: readonly T[], count: number): readonly T[] {
  if (items.length < count) throw new IndexInvariantError(count - 1, items.length);
  return items;
}
