import { type LineIndex, lineIndexOfText } from './line-starts.js';

/** A text the user gave us, with a lazily built line index to turn offsets into line:col. */
export interface SourceFile {
  /** As the user named it: a path, `-` for stdin, or `git:REV:PATH`. */
  name: string;
  text: string;
  /**
   * Where lines start, when the text is not kept (a source read as a stream counts them on
   * the way); offsets are then bytes, not UTF-16 code units.
   */
  lineStarts?: LineIndex;
}

export interface Position {
  line: number; // 1-based
  col: number; // 1-based
}

const lineIndexCache = new WeakMap<SourceFile, LineIndex>();

function lineIndex(source: SourceFile): LineIndex {
  if (source.lineStarts) return source.lineStarts;
  let index = lineIndexCache.get(source);
  if (!index) {
    index = lineIndexOfText(source.text);
    lineIndexCache.set(source, index);
  }
  return index;
}

export function positionOf(source: SourceFile, offset: number): Position {
  const { line, start } = lineIndex(source).lineAt(offset);
  return { line: line + 1, col: offset - start + 1 };
}
