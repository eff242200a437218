/** A text the user gave us, with a lazily built line index to turn offsets into line:col. */
export interface SourceFile {
  /** As the user named it: a path, `-` for stdin, or `git:REV:PATH`. */
  name: string;
  text: string;
}

export interface Position {
  line: number; // 1-based
  col: number; // 1-based
}

const lineStartsCache = new WeakMap<SourceFile, number[]>();

function lineStarts(source: SourceFile): number[] {
  let starts = lineStartsCache.get(source);
  if (!starts) {
    starts = [0];
    const { text } = source;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
    lineStartsCache.set(source, starts);
  }
  return starts;
}

export function positionOf(source: SourceFile, offset: number): Position {
  const starts = lineStarts(source);
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - starts[lo] + 1 };
}
