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
  return new JsonStream(name, isSupportedKind, options.maxUnitBytes ?? MAX_STREAM_UNIT_BYTES);
}

/**
 * `createJsonStreamReader`'s state machine: `push` follows strings and nesting byte by byte
 * and hands each byte to the step of its mode (`seek`, `items`, `element`, `rootOrSuffix`);
 * each step returns the index the loop goes on after (one less: the byte is read again).
 */
class JsonStream implements JsonStreamReader {
  private readonly tape = new PositionTape();
  private readonly reader = new JsonBytesReader(this.tape);
  private readonly objects: LoadedObject[] = [];
  private readonly issues: Issue[] = [];
  private readonly source: StreamedSource;
  private readonly lineSink = new LineStarts();
  private readonly scan = { depth: 0, inString: false, escaped: false };

  private offset = 0; // absolute offset of the current chunk's first byte
  private mode = Mode.Seek;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private broken = false;
  private docIndex = -1;
  // The bytes of the value being cut out (when it spans chunks, or is a root), and where
  // it starts in the stream.
  private pending = new Uint8Array(1 << 16);
  private pendingLength = 0;
  private captureStart = 0;
  private capturing = false;
  /** Where the current capture starts in the chunk being pushed (0 when it began in an earlier one; -1: none). */
  private from = -1;
  /** A byte read again after a value that ends at a separator (counted once as a line end). */
  private reread = false;
  // Keys of the top-level object: whether the last one read at depth 1 was "items" and
  // its `:` was seen (then a `[` opens the List's elements).
  private keyStart = -1;
  private lastKeyIsItems = false;
  private afterItemsColon = false;
  private listKind = '';
  private listApiVersion = '';
  private itemIndex = 0;
  private expectElement = true;

  constructor(
    private readonly name: string,
    private readonly isSupportedKind: (kind: string) => boolean,
    private readonly maxUnitBytes: number,
  ) {
    this.source = { name, text: '', streamed: { objects: this.objects, issues: this.issues, bytes: 0 } };
  }

  failed(): boolean {
    return this.broken;
  }

  push(chunk: Uint8Array): void {
    if (this.broken) return;
    if (this.offset + chunk.length > MAX_OFFSET) {
      this.fail('streamed input larger than 4 GiB', this.offset);
      return;
    }
    let i = 0;
    if (this.offset === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3; // BOM
    this.from = this.capturing ? 0 : -1;
    this.reread = false;
    const n = chunk.length;
    for (; i < n && !this.broken; i++) {
      if (this.mode === Mode.Element && this.depth > 2) {
        i = this.elementBody(chunk, i);
        if (i === n) break;
        continue;
      }
      const c = chunk[i]!;
      if (c === NEWLINE && !this.reread) this.lineSink.add(this.offset + i + 1);
      this.reread = false;
      if (this.inString) this.stringByte(chunk, i, c);
      else if (this.mode === Mode.Seek) i = this.seek(i, c);
      else if (this.mode === Mode.Items) i = this.items(chunk, i, c);
      else if (this.mode === Mode.Element) i = this.element(chunk, i, c);
      else i = this.rootOrSuffix(chunk, i, c);
    }
    if (this.capturing && this.from >= 0 && !this.broken) this.append(chunk.subarray(this.from));
    this.offset += chunk.length;
  }

  end(): StreamedSource {
    if (!this.broken && this.mode !== Mode.Seek) {
      if (this.mode === Mode.Root && this.depth === 0 && !this.inString) {
        // A scalar value at the very end of the input.
        this.readRoot(this.pending.slice(0, this.pendingLength), this.captureStart);
      } else {
        this.fail('unexpected end of input (the JSON is cut short)', Math.max(0, this.offset - 1));
      }
    }
    this.source.lineStarts = this.lineSink.done();
    this.source.streamed.bytes = this.offset;
    // Never a silent difference from reading the whole text: say what was not kept.
    this.issues.push(readAsStreamNote(this.name, this.offset));
    return this.source;
  }

  /** Most bytes are inside an element: scanned in a tight loop to its last byte (returned), or to the chunk's end. */
  private elementBody(chunk: Uint8Array, i: number): number {
    const scan = this.scan;
    scan.depth = this.depth;
    scan.inString = this.inString;
    scan.escaped = this.escaped;
    const at = scanToDepth(chunk, i, scan, 2, this.lineSink, this.offset);
    this.depth = scan.depth;
    this.inString = scan.inString;
    this.escaped = scan.escaped;
    if (at < chunk.length) this.elementDone(chunk, at + 1);
    return at;
  }

  /** A byte inside a string: its end may end a top-level key or a string element of items. */
  private stringByte(chunk: Uint8Array, i: number, c: number): void {
    if (this.escaped) this.escaped = false;
    else if (c === BACKSLASH) this.escaped = true;
    else if (c === QUOTE) {
      this.inString = false;
      if (this.mode === Mode.Root && this.depth === 1 && this.keyStart >= 0) this.keyEnded(chunk, i);
      else if (this.mode === Mode.Element && this.depth === 2) this.elementDone(chunk, i + 1); // a string element
    }
  }

  /** A key of the top-level object ended at `chunk[i]`: is it "items"? */
  private keyEnded(chunk: Uint8Array, i: number): void {
    const keyLength = this.offset + i + 1 - this.keyStart;
    this.lastKeyIsItems = false;
    if (keyLength === ITEMS_KEY.length) {
      const k = this.keyStart - this.captureStart;
      const bytesOf = (j: number) =>
        k + j < this.pendingLength ? this.pending[k + j] : chunk[this.from + (k + j - this.pendingLength)];
      this.lastKeyIsItems = ITEMS_KEY.every((b, j) => bytesOf(j) === b);
    }
    this.keyStart = -1;
  }

  /** Between top-level values: a value starts at the first byte that is not a space. */
  private seek(i: number, c: number): number {
    if (isSpace(c)) return i;
    this.docIndex++;
    this.mode = Mode.Root;
    this.depth = 0;
    this.startCapture(this.offset + i);
    this.from = i;
    this.lastKeyIsItems = false;
    this.afterItemsColon = false;
    return i - 1; // read this byte again as part of the value
  }

  /** Between elements of `items`: `,`, `]`, or an element's first byte. */
  private items(chunk: Uint8Array, i: number, c: number): number {
    if (isSpace(c)) return i;
    if (c === CLOSE_BRACKET && (!this.expectElement || this.itemIndex === 0)) {
      this.depth = 1;
      this.mode = Mode.Suffix;
      this.startCapture(this.offset + i + 1);
      this.from = i + 1;
      return i;
    }
    if (c === COMMA && !this.expectElement) {
      this.expectElement = true;
      return i;
    }
    if (!this.expectElement || c === COMMA || c === CLOSE_BRACKET) {
      this.fail(
        `expected ${this.expectElement ? 'an element' : "',' or ']'"} in items, found '${String.fromCharCode(c)}'`,
        this.offset + i,
      );
      return i;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      // Read once: straight from the chunk; framed first only when cut by its end.
      const end = this.readElementInChunk(chunk, i);
      if (end >= 0) {
        this.expectElement = false;
        return end - 1;
      }
    }
    this.mode = Mode.Element;
    this.startCapture(this.offset + i);
    this.from = i;
    if (c === QUOTE) this.inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth = 3;
    return i;
  }

  /** Inside an element of `items` (outside its strings): a scalar ends at a separator, others at their close. */
  private element(chunk: Uint8Array, i: number, c: number): number {
    if (this.depth === 2) {
      if (c !== COMMA && c !== CLOSE_BRACKET && !isSpace(c)) return i;
      this.elementDone(chunk, i);
      this.reread = true;
      return i - 1;
    }
    if (c === QUOTE) this.inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      this.depth--;
      if (this.depth === 2) this.elementDone(chunk, i + 1);
    }
    return i;
  }

  /** The element being cut out ends before `chunk[to]`: read, and back between elements. */
  private elementDone(chunk: Uint8Array, to: number): void {
    this.readElement(...this.takeCapture(chunk, this.from, to));
    this.from = -1;
    this.mode = Mode.Items;
    this.expectElement = false;
  }

  /** Root or Suffix: cut nothing out, only follow the nesting to the value's end (a List's `items` begins its elements). */
  private rootOrSuffix(chunk: Uint8Array, i: number, c: number): number {
    const { mode } = this;
    if (c === QUOTE) {
      this.inString = true;
      if (mode === Mode.Root && this.depth === 1 && !this.afterItemsColon) this.keyStart = this.offset + i;
      return i;
    }
    if (mode === Mode.Root && this.depth === 1) {
      if (c === COLON) {
        this.afterItemsColon = this.lastKeyIsItems;
        return i;
      }
      if (c === OPEN_BRACKET && this.afterItemsColon) {
        this.itemsBegin(chunk, i);
        return i;
      }
      if (!isSpace(c)) this.afterItemsColon = false;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) this.depth--;
    const closes = c === CLOSE_BRACE || c === CLOSE_BRACKET;
    if (this.depth === 0 && (closes || c === COMMA || isSpace(c))) {
      const [bytes, start, end] = this.takeCapture(chunk, this.from, closes ? i + 1 : i);
      const at = this.captureStart;
      if (mode === Mode.Suffix) this.readListTail(bytes.slice(start, end), at);
      else this.readRoot(bytes.slice(start, end), at);
      this.from = -1;
      this.mode = Mode.Seek;
      if (!closes) {
        this.reread = true;
        return i - 1;
      }
    } else if (this.depth < 0) {
      this.fail(`unexpected '${String.fromCharCode(c)}'`, this.offset + i);
    }
    return i;
  }

  /** `"items": [` at `chunk[i]`: the List's head is read now, its elements one by one. */
  private itemsBegin(chunk: Uint8Array, i: number): void {
    const [bytes, start, end] = this.takeCapture(chunk, this.from, i);
    const keyAt = lastItemsKeyStart(bytes, start, end);
    this.readListHead(bytes.slice(start, keyAt), this.captureStart);
    this.from = -1;
    this.mode = Mode.Items;
    this.depth = 2;
    this.itemIndex = 0;
    this.expectElement = true;
  }

  private fail(message: string, at: number): void {
    if (this.broken) return;
    this.broken = true;
    this.issues.push({ code: 'syntax', severity: 'error', path: [], message, file: this.name, range: [at, at + 1] });
  }

  private append(bytes: Uint8Array): void {
    if (this.pendingLength + bytes.length > this.maxUnitBytes) {
      this.fail(
        `one value of more than ${this.maxUnitBytes / 1024 / 1024} MiB (read as a stream, each root or List item is held whole): no Kubernetes object is near that size`,
        this.captureStart,
      );
      return;
    }
    if (this.pendingLength + bytes.length > this.pending.length) {
      const grown = new Uint8Array(Math.max(this.pending.length * 2, this.pendingLength + bytes.length));
      grown.set(this.pending.subarray(0, this.pendingLength));
      this.pending = grown;
    }
    this.pending.set(bytes, this.pendingLength);
    this.pendingLength += bytes.length;
  }

  private startCapture(at: number): void {
    this.capturing = true;
    this.captureStart = at;
    this.pendingLength = 0;
  }

  /**
   * The capture so far plus this chunk up to `to`: a view of the chunk when the capture
   * lies in it alone (nothing copied), else the pending buffer with the rest appended.
   */
  private takeCapture(chunk: Uint8Array, from: number, to: number): [Uint8Array, number, number] {
    this.capturing = false;
    if (this.pendingLength === 0) return [chunk, from, to];
    this.append(chunk.subarray(Math.max(0, from), to));
    if (this.broken) return [this.pending, 0, 0];
    const length = this.pendingLength;
    this.pendingLength = 0;
    return [this.pending, 0, length];
  }

  /** One complete element of `items`: bytes[from, to), which start at `captureStart`. */
  private readElement(bytes: Uint8Array, from: number, to: number): void {
    const value = this.readValue(bytes, from, to, this.captureStart, this.itemKind());
    if (value === undefined) {
      this.itemIndex++;
      return;
    }
    this.keepElement(value.entry, value.object);
  }

  /** The kind a typed List (`PodList`) gives its items; '' for a `List`. */
  private itemKind(): string {
    return this.listKind === 'List' ? '' : this.listKind.slice(0, -'List'.length);
  }

  /**
   * An element of `items` that starts at `chunk[i]` (an object or an array), read straight
   * from the chunk: the index just after it, or -1 when it does not end in this chunk (or
   * is bad JSON), and nothing of it was kept: then it is framed first and read again.
   */
  private readElementInChunk(chunk: Uint8Array, i: number): number {
    const { tape, offset } = this;
    const entry = tape.open(offset + i);
    const lineMark = this.lineSink.mark();
    const inherited = this.itemKind();
    let object: unknown;
    try {
      object = this.reader.readPrefix(
        chunk,
        i,
        chunk.length,
        offset,
        (own) => this.keepOf(own || inherited),
        this.lineSink,
      );
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      tape.truncate(entry);
      this.lineSink.reset(lineMark);
      return -1;
    }
    const end = this.reader.position;
    tape.close(entry, offset + end);
    this.keepElement(entry, object);
    return end;
  }

  /** What to keep of a value of this kind (a List inside: all of it, to flatten). */
  private keepOf(kind: string) {
    if (kind === '') return undefined;
    return kind.endsWith('List') ? KEEP_ALL : keepForKind(kind, this.isSupportedKind(kind));
  }

  /** An element of `items` read, its range on the tape at `entry`: flattened into objects. */
  private keepElement(entry: number, object: unknown): void {
    const index = this.itemIndex++;
    const path = ['items', index];
    if (object === null || typeof object !== 'object' || Array.isArray(object)) {
      this.tape.truncate(entry);
      this.issues.push(notAnObject(this.name, object, this.tape.range(entry), index));
      return;
    }
    const at = this.context((p) => this.tape.locate(entry, object, p.slice(2)));
    collectObject(object as Record<string, unknown>, path, this.itemKind(), this.listApiVersion, at);
  }

  /** A top-level value that is not a List with its items cut out. */
  private readRoot(bytes: Uint8Array, at: number): void {
    const value = this.readValue(bytes, 0, bytes.length, at, '');
    if (value === undefined) return;
    const { entry, object } = value;
    if (object === null) return; // an empty document
    if (typeof object !== 'object' || Array.isArray(object)) {
      this.issues.push(notAnObject(this.name, object, this.tape.range(entry)));
      return;
    }
    collectObject(
      object as Record<string, unknown>,
      [],
      '',
      '',
      this.context((p) => this.tape.locate(entry, object, p)),
    );
  }

  /** Read one value, keeping what its kind needs (a List inside: all of it, to flatten). */
  private readValue(bytes: Uint8Array, from: number, to: number, at: number, inheritedKind: string) {
    const entry = this.tape.open(at);
    try {
      const object = this.reader.read(bytes, from, to, at - from, (own) => this.keepOf(own || inheritedKind));
      this.tape.close(entry, at + (to - from));
      return { entry, object };
    } catch (error) {
      this.tape.truncate(entry);
      if (!(error instanceof JsonSyntaxError)) throw error;
      this.fail(error.message, error.offset);
      return undefined;
    }
  }

  private context(locate: (path: FieldPath) => Range): CollectContext {
    return { source: this.source, docIndex: this.docIndex, locate, issues: this.issues, out: this.objects };
  }

  /** The List's own fields before `items` (its kind names the items' kind in a typed list). */
  private readListHead(head: Uint8Array, at: number): void {
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
      this.listKind = typeof value.kind === 'string' ? value.kind : '';
      this.listApiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      this.fail(error.message, error.offset);
    }
  }

  /** After `items`: the List's remaining fields are checked, and name its kind if it came late. */
  private readListTail(tail: Uint8Array, at: number): void {
    let start = 0;
    while (start < tail.length && (isSpace(tail[start]!) || tail[start] === COMMA)) start++;
    const text = new Uint8Array(tail.length - start + 1);
    text[0] = OPEN_BRACE;
    text.set(tail.subarray(start), 1);
    try {
      new JsonBytesReader(new PositionTape()).read(text, 0, text.length, at + start - 1, KEEP_ALL);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      this.fail(error.message, error.offset);
    }
  }
}

/** Where the `"items"` key that ends the head starts (the last one in it). */
function lastItemsKeyStart(bytes: Uint8Array, start: number, end: number): number {
  for (let k = end - ITEMS_KEY.length; k >= start; k--) {
    if (ITEMS_KEY.every((b, j) => bytes[k + j] === b)) return k;
  }
  return end;
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
