import { at } from '../at.js';
/** A text the user gave us, with a lazily built line index to turn offsets into line:col. */
export interface SourceFile {
  /** As the user named it: a path, `-` for stdin, or `git:REV:PATH`. */
  name: string;
  text: string;
  /**
   * Offsets where lines start, when the text is not kept (a source read as a stream counts
   * them on the way); offsets are then bytes, not UTF-16 code units.
   */
  lineStarts?: ArrayLike<number>;
}

export interface Position {
  line: number; // 1-based
  col: number; // 1-based
}

const lineStartsCache = new WeakMap<SourceFile, ArrayLike<number>>();

function lineStarts(source: SourceFile): ArrayLike<number> {
  if (source.lineStarts) return source.lineStarts;
  let starts = lineStartsCache.get(source);
  if (!starts) {
    const found = [0];
    const { text } = source;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) found.push(i + 1);
    lineStartsCache.set(source, found);
    starts = found;
  }
  return starts;
}

export function positionOf(source: SourceFile, offset: number): Position {
  const starts = lineStarts(source);
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    // lo <= mid <= hi < starts.length
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - at(starts, lo) + 1 };
}
