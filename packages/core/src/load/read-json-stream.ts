import { KEEP_ALL, keepForKind } from '../decode/stream-keep.js';
import type { FieldPath, Issue, Range } from '../issues.js';
import { JsonBytesReader, JsonSyntaxError } from './json-bytes.js';
import { LineStarts } from './line-starts.js';
import { type CollectContext, collectObject, describeType } from './load-documents.js';
import type { LoadedObject } from './loaded-object.js';
import { PositionTape } from './position-tape.js';
import type { SourceFile } from './source.js';

/** A source read as a stream: its objects are already read, and its text is not kept. */
export interface StreamedSource extends SourceFile {
  streamed: { objects: LoadedObject[]; issues: Issue[]; bytes: number };
}

export function isStreamedSource(source: SourceFile): source is StreamedSource {
  return 'streamed' in source;
}

export interface JsonStreamReader {
  /** The next bytes of the input. */
  push(chunk: Uint8Array): void;
  /** The input ended: the source, with its objects and issues. */
  end(): StreamedSource;
  /** Whether the read already failed (the rest of the input changes nothing: stop reading it). */
  failed?(): boolean;
}

enum Mode {
  /** Between top-level values. */
  Seek,
  /** Inside a top-level value (before its `items`, or one that has none). */
  Root,
  /** Inside a top-level List's `items`, between elements. */
  Items,
  /** Inside one element of `items`. */
  Element,
  /** Inside a top-level List, after its `items`. */
  Suffix,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const ITEMS_KEY = [0x22, 0x69, 0x74, 0x65, 0x6d, 0x73, 0x22]; // "items"
const MAX_OFFSET = 0xffffffff;

function isSpace(c: number): boolean {
  return c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09;
}

/**
 * JSON too large for one string (a 150,000-pod `kubectl get pods -A -o json` is about a
 * gigabyte; V8's longest string is half that), read chunk by chunk: a List's `items` are cut
 * out one at a time and read keeping only the fields netpol reads (`keepForKind`), the rest
 * dropped as it goes. Each element is read straight from its chunk, once; only one cut by
 * the chunk's end is framed (its end found) and read from a copy. Positions stay exact:
 * kept values' ranges go on a `PositionTape` and line starts are counted on the way, so
 * issues print `file:line:col` as for a text (columns count bytes). Each top-level value is
 * a document, as in `loadDocuments`.
 */
/**
 * The most one unit of a streamed input (a value held whole: a root, one List item; in YAML a
 * document read whole) may hold: no Kubernetes object comes near it (the API server refuses
 * a request body over 3 MiB), so a larger one is an endless or broken input, refused without
 * holding it (memory stays bounded whatever the input limit).
 */
export const MAX_STREAM_UNIT_BYTES = 128 * 1024 * 1024;

export function createJsonStreamReader(
  name: string,
  isSupportedKind: (kind: string) => boolean,
  options: { maxUnitBytes?: number } = {},
): JsonStreamReader {
  const maxUnitBytes = options.maxUnitBytes ?? MAX_STREAM_UNIT_BYTES;
  const tape = new PositionTape();
  const reader = new JsonBytesReader(tape);
  const objects: LoadedObject[] = [];
  const issues: Issue[] = [];
  const source: StreamedSource = { name, text: '', streamed: { objects, issues, bytes: 0 } };

  let offset = 0; // absolute offset of the current chunk's first byte
  let mode = Mode.Seek;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let failed = false;
  let docIndex = -1;
  // The bytes of the value being cut out (when it spans chunks, or is a root), and where
  // it starts in the stream.
  let pending = new Uint8Array(1 << 16);
  let pendingLength = 0;
  let captureStart = 0;
  let capturing = false;
  // Keys of the top-level object: whether the last one read at depth 1 was "items" and
  // its `:` was seen (then a `[` opens the List's elements).
  let keyStart = -1;
  let lastKeyIsItems = false;
  let afterItemsColon = false;
  let prefix: Uint8Array | undefined;
  let listKind = '';
  let listApiVersion = '';
  let itemIndex = 0;
  let expectElement = true;

  const fail = (message: string, at: number) => {
    if (failed) return;
    failed = true;
    issues.push({ code: 'syntax', severity: 'error', path: [], message, file: name, range: [at, at + 1] });
  };

  const append = (bytes: Uint8Array) => {
    if (pendingLength + bytes.length > maxUnitBytes) {
      fail(
        `one value of more than ${maxUnitBytes / 1024 / 1024} MiB (read as a stream, each root or List item is held whole): no Kubernetes object is near that size`,
        captureStart,
      );
      return;
    }
    if (pendingLength + bytes.length > pending.length) {
      const grown = new Uint8Array(Math.max(pending.length * 2, pendingLength + bytes.length));
      grown.set(pending.subarray(0, pendingLength));
      pending = grown;
    }
    pending.set(bytes, pendingLength);
    pendingLength += bytes.length;
  };

  const lineSink = new LineStarts();
  const noteLine = (start: number) => lineSink.add(start);
  const scan = { depth: 0, inString: false, escaped: false };

  /** One complete element of `items`: bytes[from, to), which start at `captureStart`. */
  const readElement = (bytes: Uint8Array, from: number, to: number) => {
    const value = readValue(bytes, from, to, captureStart, itemKind());
    if (value === undefined) {
      itemIndex++;
      return;
    }
    keepElement(value.entry, value.object);
  };

  /** The kind a typed List (`PodList`) gives its items; '' for a `List`. */
  const itemKind = () => (listKind === 'List' ? '' : listKind.slice(0, -'List'.length));

  /**
   * An element of `items` that starts at `chunk[i]` (an object or an array), read straight
   * from the chunk: the index just after it, or -1 when it does not end in this chunk (or
   * is bad JSON), and nothing of it was kept: then it is framed first and read again.
   */
  const readElementInChunk = (chunk: Uint8Array, i: number): number => {
    const entry = tape.open(offset + i);
    const lineMark = lineSink.mark();
    const inherited = itemKind();
    let object: unknown;
    try {
      object = reader.readPrefix(chunk, i, chunk.length, offset, (own) => keepOf(own || inherited), lineSink);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      tape.truncate(entry);
      lineSink.reset(lineMark);
      return -1;
    }
    const end = reader.position;
    tape.close(entry, offset + end);
    keepElement(entry, object);
    return end;
  };

  /** What to keep of a value of this kind (a List inside: all of it, to flatten). */
  const keepOf = (kind: string) => {
    if (kind === '') return undefined;
    return kind.endsWith('List') ? KEEP_ALL : keepForKind(kind, isSupportedKind(kind));
  };

  /** An element of `items` read, its range on the tape at `entry`: flattened into objects. */
  const keepElement = (entry: number, object: unknown) => {
    const index = itemIndex++;
    const path = ['items', index];
    if (object === null || typeof object !== 'object' || Array.isArray(object)) {
      tape.truncate(entry);
      issues.push(notAnObject(name, object, tape.range(entry), index));
      return;
    }
    const at = context((p) => tape.locate(entry, object, p.slice(2)));
    collectObject(object as Record<string, unknown>, path, itemKind(), listApiVersion, at);
  };

  /** A top-level value that is not a List with its items cut out. */
  const readRoot = (bytes: Uint8Array, at: number) => {
    const value = readValue(bytes, 0, bytes.length, at, '');
    if (value === undefined) return;
    const { entry, object } = value;
    if (object === null) return; // an empty document
    if (typeof object !== 'object' || Array.isArray(object)) {
      issues.push(notAnObject(name, object, tape.range(entry)));
      return;
    }
    collectObject(
      object as Record<string, unknown>,
      [],
      '',
      '',
      context((p) => tape.locate(entry, object, p)),
    );
  };

  /** Read one value, keeping what its kind needs (a List inside: all of it, to flatten). */
  const readValue = (bytes: Uint8Array, from: number, to: number, at: number, inheritedKind: string) => {
    const entry = tape.open(at);
    try {
      const object = reader.read(bytes, from, to, at - from, (own) => keepOf(own || inheritedKind));
      tape.close(entry, at + (to - from));
      return { entry, object };
    } catch (error) {
      tape.truncate(entry);
      if (!(error instanceof JsonSyntaxError)) throw error;
      fail(error.message, error.offset);
      return undefined;
    }
  };

  const context = (locate: (path: FieldPath) => Range): CollectContext => ({
    source,
    docIndex,
    locate,
    issues,
    out: objects,
  });

  /** The List's own fields before `items` (its kind names the items' kind in a typed list). */
  const readListHead = (head: Uint8Array, at: number) => {
    let end = head.length;
    while (end > 0 && (isSpace(head[end - 1]!) || head[end - 1] === COMMA)) end--;
    const text = new Uint8Array(end + 1);
    text.set(head.subarray(0, end));
    text[end] = CLOSE_BRACE;
    try {
      const value = new JsonBytesReader(new PositionTape()).read(text, 0, text.length, at, KEEP_ALL) as Record<
        string,
        unknown
      >;
      listKind = typeof value.kind === 'string' ? value.kind : '';
      listApiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      fail(error.message, error.offset);
    }
  };

  /** After `items`: the List's remaining fields are checked, and name its kind if it came late. */
  const readListTail = (tail: Uint8Array, at: number) => {
    let start = 0;
    while (start < tail.length && (isSpace(tail[start]!) || tail[start] === COMMA)) start++;
    const text = new Uint8Array(tail.length - start + 1);
    text[0] = OPEN_BRACE;
    text.set(tail.subarray(start), 1);
    try {
      new JsonBytesReader(new PositionTape()).read(text, 0, text.length, at + start - 1, KEEP_ALL);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      fail(error.message, error.offset);
    }
  };

  const startCapture = (at: number) => {
    capturing = true;
    captureStart = at;
    pendingLength = 0;
  };

  return {
    failed: () => failed,
    push(chunk: Uint8Array) {
      if (failed) return;
      if (offset + chunk.length > MAX_OFFSET) {
        fail('streamed input larger than 4 GiB', offset);
        return;
      }
      let i = 0;
      if (offset === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3; // BOM
      // Where the current capture starts in this chunk (0 when it began in an earlier one).
      let from = capturing ? 0 : -1;
      const n = chunk.length;
      // A byte read again after a value that ends at a separator (counted once as a line end).
      let reread = false;
      for (; i < n && !failed; i++) {
        if (mode === Mode.Element && depth > 2) {
          // Most bytes are inside an element: scan them in a tight loop to its last byte.
          scan.depth = depth;
          scan.inString = inString;
          scan.escaped = escaped;
          i = scanToDepth(chunk, i, scan, 2, lineSink, offset);
          depth = scan.depth;
          inString = scan.inString;
          escaped = scan.escaped;
          if (i === n) break;
          readElement(...takeCapture(chunk, from, i + 1));
          from = -1;
          mode = Mode.Items;
          expectElement = false;
          continue;
        }
        const c = chunk[i]!;
        if (c === NEWLINE && !reread) noteLine(offset + i + 1);
        reread = false;
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) {
            inString = false;
            if (mode === Mode.Root && depth === 1 && keyStart >= 0) {
              // A key of the top-level object ended: is it "items"?
              const keyLength = offset + i + 1 - keyStart;
              lastKeyIsItems = false;
              if (keyLength === ITEMS_KEY.length) {
                const k = keyStart - captureStart;
                const bytesOf = (j: number) =>
                  k + j < pendingLength ? pending[k + j] : chunk[from + (k + j - pendingLength)];
                lastKeyIsItems = ITEMS_KEY.every((b, j) => bytesOf(j) === b);
              }
              keyStart = -1;
            } else if (mode === Mode.Element && depth === 2) {
              // A string element of items ends here.
              readElement(...takeCapture(chunk, from, i + 1));
              from = -1;
              mode = Mode.Items;
              expectElement = false;
            }
          }
          continue;
        }
        switch (mode) {
          case Mode.Seek:
            if (isSpace(c)) continue;
            docIndex++;
            mode = Mode.Root;
            depth = 0;
            startCapture(offset + i);
            from = i;
            lastKeyIsItems = false;
            afterItemsColon = false;
            i--; // read this byte again as part of the value
            continue;
          case Mode.Items:
            if (isSpace(c)) continue;
            if (c === CLOSE_BRACKET && (!expectElement || itemIndex === 0)) {
              depth = 1;
              mode = Mode.Suffix;
              startCapture(offset + i + 1);
              from = i + 1;
              continue;
            }
            if (c === COMMA && !expectElement) {
              expectElement = true;
              continue;
            }
            if (!expectElement || c === COMMA || c === CLOSE_BRACKET) {
              fail(
                `expected ${expectElement ? 'an element' : "',' or ']'"} in items, found '${String.fromCharCode(c)}'`,
                offset + i,
              );
              continue;
            }
            if (c === OPEN_BRACE || c === OPEN_BRACKET) {
              // Read once: straight from the chunk; framed first only when cut by its end.
              const end = readElementInChunk(chunk, i);
              if (end >= 0) {
                i = end - 1;
                expectElement = false;
                continue;
              }
            }
            mode = Mode.Element;
            startCapture(offset + i);
            from = i;
            if (c === QUOTE) inString = true;
            else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth = 3;
            continue;
          case Mode.Element:
            if (depth === 2) {
              // A scalar element: it ends at a separator.
              if (c === COMMA || c === CLOSE_BRACKET || isSpace(c)) {
                readElement(...takeCapture(chunk, from, i));
                from = -1;
                mode = Mode.Items;
                expectElement = false;
                i--;
                reread = true;
              }
              continue;
            }
            if (c === QUOTE) inString = true;
            else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
            else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
              depth--;
              if (depth === 2) {
                readElement(...takeCapture(chunk, from, i + 1));
                from = -1;
                mode = Mode.Items;
                expectElement = false;
              }
            }
            continue;
          default: {
            // Root or Suffix: cut nothing out, only follow the nesting to the value's end.
            if (c === QUOTE) {
              inString = true;
              if (mode === Mode.Root && depth === 1 && !afterItemsColon) keyStart = offset + i;
              continue;
            }
            if (mode === Mode.Root && depth === 1) {
              if (c === COLON) {
                afterItemsColon = lastKeyIsItems;
                continue;
              }
              if (c === OPEN_BRACKET && afterItemsColon) {
                // `"items": [`: the List's head is read now, its elements one by one.
                const [bytes, start, end] = takeCapture(chunk, from, i);
                const keyAt = lastItemsKeyStart(bytes, start, end);
                prefix = bytes.slice(start, keyAt);
                readListHead(prefix, captureStart);
                from = -1;
                mode = Mode.Items;
                depth = 2;
                itemIndex = 0;
                expectElement = true;
                continue;
              }
              if (!isSpace(c)) afterItemsColon = false;
            }
            if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
            else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
            const scalarEnd = depth === 0 && (c === COMMA || isSpace(c) || c === CLOSE_BRACE || c === CLOSE_BRACKET);
            if (depth === 0 && (c === CLOSE_BRACE || c === CLOSE_BRACKET || scalarEnd)) {
              const closes = c === CLOSE_BRACE || c === CLOSE_BRACKET;
              const [bytes, start, end] = takeCapture(chunk, from, closes ? i + 1 : i);
              const at = captureStart;
              if (mode === Mode.Suffix) readListTail(bytes.slice(start, end), at);
              else readRoot(bytes.slice(start, end), at);
              from = -1;
              mode = Mode.Seek;
              if (!closes) {
                i--;
                reread = true;
              }
            } else if (depth < 0) {
              fail(`unexpected '${String.fromCharCode(c)}'`, offset + i);
            }
          }
        }
      }
      if (capturing && from >= 0 && !failed) append(chunk.subarray(from));
      offset += chunk.length;
    },
    end() {
      if (!failed && mode !== Mode.Seek) {
        if (mode === Mode.Root && depth === 0 && !inString) {
          // A scalar value at the very end of the input.
          readRoot(pending.slice(0, pendingLength), captureStart);
        } else {
          fail('unexpected end of input (the JSON is cut short)', Math.max(0, offset - 1));
        }
      }
      source.lineStarts = lineSink.done();
      source.streamed.bytes = offset;
      // Never a silent difference from reading the whole text: say what was not kept.
      issues.push(readAsStreamNote(name, offset));
      return source;
    },
  };

  /**
   * The capture so far plus this chunk up to `to`: a view of the chunk when the capture
   * lies in it alone (nothing copied), else the pending buffer with the rest appended.
   */
  function takeCapture(chunk: Uint8Array, from: number, to: number): [Uint8Array, number, number] {
    capturing = false;
    if (pendingLength === 0) return [chunk, from, to];
    append(chunk.subarray(Math.max(0, from), to));
    if (failed) return [pending, 0, 0];
    const length = pendingLength;
    pendingLength = 0;
    return [pending, 0, length];
  }

  /** Where the `"items"` key that ends the head starts (the last one in it). */
  function lastItemsKeyStart(bytes: Uint8Array, start: number, end: number): number {
    for (let k = end - ITEMS_KEY.length; k >= start; k--) {
      if (ITEMS_KEY.every((b, j) => bytes[k + j] === b)) return k;
    }
    return end;
  }
}

/** The note every streamed source carries: never a silent difference from reading the text. */
export function readAsStreamNote(file: string, bytes: number): Issue {
  return {
    code: 'read-as-stream',
    severity: 'info',
    path: [],
    message: `read as a stream (${Math.round(bytes / 1048576)} MiB): kept only the fields netpol reads, so fields it does not read (and annotations other than netpol.dev/) were not validated`,
    file,
  };
}

/** A streamed document (or, given its index, a List's item) that is not a mapping. */
export function notAnObject(file: string, value: unknown, range: Range, index?: number): Issue {
  return {
    code: 'not-an-object',
    severity: 'error',
    path: index === undefined ? [] : ['items', index],
    message:
      index === undefined
        ? `expected a Kubernetes object (a mapping with apiVersion and kind), found ${describeType(value)}`
        : `items[${index}]: expected a Kubernetes object, found ${describeType(value)}`,
    file,
    range,
  };
}

/**
 * Follow strings and nesting from `i` until the nesting is back at `target` (returns the
 * index of the byte that closes it) or the chunk ends (returns its length).
 */
function scanToDepth(
  chunk: Uint8Array,
  i: number,
  state: { depth: number; inString: boolean; escaped: boolean },
  target: number,
  lines: LineStarts,
  offset: number,
): number {
  let { depth, inString, escaped } = state;
  const n = chunk.length;
  for (; i < n; i++) {
    const c = chunk[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) inString = false;
      else if (c === NEWLINE) lines.add(offset + i + 1);
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === NEWLINE) lines.add(offset + i + 1);
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === target) break;
  }
  state.depth = depth;
  state.inString = inString;
  state.escaped = escaped;
  return i;
}
