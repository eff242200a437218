import { type Document, parseDocument } from 'yaml';
import { DROP, KEEP_ALL, type Keep, keepForKind, pruneToKeep } from '../decode/stream-keep.js';
import type { FieldPath, Issue, Range } from '../issues.js';
import { expansionBudget, flowNestingExcess, MAX_NESTING, type Measure, measureValue } from './bound-document.js';
import { LineStarts } from './line-starts.js';
import { type CollectContext, cleanYamlMessage, collectObject, locateInYaml } from './load-documents.js';
import type { LoadedObject } from './loaded-object.js';
import { PositionTape } from './position-tape.js';
import { readFastYamlTaped } from './read-fast-yaml.js';
import {
  type JsonStreamReader,
  MAX_STREAM_UNIT_BYTES,
  notAnObject,
  readAsStreamNote,
  type StreamedSource,
} from './read-json-stream.js';

// Every runtime core runs in (browsers, Node) has TextDecoder; core's lib has no DOM types.
declare const TextDecoder: new (label: string) => { decode(bytes: Uint8Array): string };
const utf8 = new TextDecoder('utf-8');

const NL = 0x0a;
const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;
const DOT = 0x2e;
const YAML_OPTIONS = { version: '1.1', merge: true, uniqueKeys: true, prettyErrors: false, logLevel: 'error' } as const;

enum Mode {
  /** The lines of a document before a column-0 `items:` (all of it when it has none). */
  Head,
  /** Inside that `items:` sequence: each item is read on its own. */
  Items,
  /** The document's lines after its items (kubectl writes `kind: List` there). */
  Tail,
}

/**
 * YAML too large for one string (`kubectl get pods -A -o yaml` of 150,000 pods is over a
 * gigabyte), read line by line: documents split at `---`/`...`, and a List's column-0
 * `items:` sequence split into its items, each read on its own (the fast block reader, else
 * `yaml`), keeping only the fields netpol reads (`keepForKind`) with each kept value's range
 * on a `PositionTape`, so issues print `file:line:col` as for the whole text (columns count
 * bytes). Memory holds one item's text at a time, plus what is kept.
 *
 * Differences from reading the whole text, all about Lists: a typed List (`PodList`) names
 * the kind of items that lack one only when its `kind` comes before `items` (kubectl's items
 * always have theirs), and anchors do not reach across items.
 */
export function createYamlStreamReader(
  name: string,
  isSupportedKind: (kind: string) => boolean,
  options: { maxUnitBytes?: number } = {},
): JsonStreamReader {
  return new YamlStream(name, isSupportedKind, options.maxUnitBytes ?? MAX_STREAM_UNIT_BYTES);
}

/**
 * `createYamlStreamReader`'s state: `push` cuts lines, `onLine` gives each to the current
 * unit (a document's head, one item, the tail) or ends it; `readUnit` reads a unit's text.
 */
class YamlStream implements JsonStreamReader {
  private readonly tape = new PositionTape();
  private readonly scratch = new PositionTape();
  private readonly objects: LoadedObject[] = [];
  private readonly issues: Issue[] = [];
  private readonly source: StreamedSource;
  private readonly lineStarts = new LineStarts();

  private offset = 0; // absolute offset of the next byte pushed
  private mode = Mode.Head;
  private docIndex = -1;
  /** A document is open: `---` started it, or content did. */
  private docOpen = false;
  // The current unit (a document's head, one item, or the tail): its bytes and start.
  private unit = new Uint8Array(1 << 16);
  private unitLength = 0;
  private unitStart = 0;
  /** Bytes of the unit past `maxUnitBytes`, dropped (the unit is refused when read). */
  private unitOver = 0;
  /** Bytes of the line being read past `maxUnitBytes`, dropped (they join the unit's). */
  private lineOver = 0;
  // The partial line at the end of the last chunk.
  private line = new Uint8Array(1 << 12);
  private lineLength = 0;
  private itemColumn = -1;
  private itemIndex = 0;
  private listKind = '';
  private listApiVersion = '';

  constructor(
    private readonly name: string,
    private readonly isSupportedKind: (kind: string) => boolean,
    private readonly maxUnitBytes: number,
  ) {
    this.source = { name, text: '', streamed: { objects: this.objects, issues: this.issues, bytes: 0 } };
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    if (this.offset === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
      i = 3; // BOM
    }
    const n = chunk.length;
    const max = this.maxUnitBytes;
    while (i < n) {
      const nl = chunk.indexOf(NL, i);
      if (nl < 0) {
        // A line longer than a unit may be: keep its start (where markers and indentation
        // are read), count the rest.
        const kept = Math.min(n - i, max - this.lineLength);
        this.line = this.grow(this.line, this.lineLength, kept);
        this.line.set(chunk.subarray(i, i + kept), this.lineLength);
        this.lineLength += kept;
        this.lineOver += n - i - kept;
        break;
      }
      this.lineStarts.add(this.offset + nl + 1);
      if (this.lineLength > 0) {
        // The line began in an earlier chunk.
        const start = this.offset + i - this.lineLength - this.lineOver;
        const kept = Math.min(nl + 1 - i, max - this.lineLength);
        this.line = this.grow(this.line, this.lineLength, kept);
        this.line.set(chunk.subarray(i, i + kept), this.lineLength);
        this.lineOver += nl + 1 - i - kept;
        const length = this.lineLength + kept - (kept === nl + 1 - i ? 1 : 0);
        this.lineLength = 0;
        this.onLine(this.line, 0, length, start, true);
        this.lineOver = 0;
      } else {
        this.onLine(chunk, i, nl, this.offset + i, true);
      }
      i = nl + 1;
    }
    this.offset += n;
  }

  end(): StreamedSource {
    if (this.lineLength > 0) {
      const length = this.lineLength;
      this.lineLength = 0;
      this.onLine(this.line, 0, length, this.offset - length - this.lineOver, false);
      this.lineOver = 0;
    }
    if (this.docOpen) this.endDocument();
    this.source.lineStarts = this.lineStarts.done();
    this.source.streamed.bytes = this.offset;
    this.issues.push(readAsStreamNote(this.name, this.offset));
    return this.source;
  }

  private grow(buffer: Uint8Array<ArrayBuffer>, length: number, more: number): Uint8Array<ArrayBuffer> {
    if (length + more <= buffer.length) return buffer;
    const grown = new Uint8Array(Math.min(this.maxUnitBytes, Math.max(buffer.length * 2, length + more)));
    grown.set(buffer.subarray(0, length));
    return grown;
  }

  private appendToUnit(bytes: Uint8Array, at: number): void {
    if (this.unitLength === 0 && this.unitOver === 0) this.unitStart = at;
    this.unitOver += this.lineOver;
    this.lineOver = 0;
    if (this.unitOver > 0 || this.unitLength + bytes.length > this.maxUnitBytes) {
      this.unitOver += bytes.length;
      return;
    }
    this.unit = this.grow(this.unit, this.unitLength, bytes.length);
    this.unit.set(bytes, this.unitLength);
    this.unitLength += bytes.length;
  }

  private syntax(message: string, at: number): void {
    this.issues.push({ code: 'syntax', severity: 'error', path: [], message, file: this.name, range: [at, at + 1] });
  }

  private context(locate: (path: FieldPath) => Range): CollectContext {
    return { source: this.source, docIndex: this.docIndex, locate, issues: this.issues, out: this.objects };
  }

  /**
   * Read one unit's text: its value, pruned to what its kind needs, with ranges on `tape`
   * (the entry returned), or undefined after reporting why not. `dashAt`: the column of an
   * item's `-`, read as a space so the item is a document of its own at the same offsets.
   */
  private readUnit(inheritedKind: string, dashAt: number): { value: unknown; entry: number } | undefined {
    if (this.unitOver > 0) {
      this.syntax(
        `one document or List item of more than ${this.maxUnitBytes / 1024 / 1024} MiB (read as a stream, each is held whole): no Kubernetes object is near that size`,
        this.unitStart,
      );
      this.unitOver = 0;
      this.unit = new Uint8Array(1 << 16);
      return undefined;
    }
    const bytes = this.unit.subarray(0, this.unitLength);
    let text = utf8.decode(bytes);
    if (dashAt >= 0) text = `${text.slice(0, dashAt)} ${text.slice(dashAt + 1)}`;
    const offsetOf = offsetsOf(bytes, text, this.unitStart);
    const read = this.unitValue(text, offsetOf);
    if (read === undefined) return undefined;
    const { value, doc } = read;
    const m: Measure = { budget: expansionBudget(text), keys: 0, colons: 0 };
    if (!measureValue(value, m)) {
      this.syntax(m.excess?.message ?? 'too large', this.unitStart);
      return undefined;
    }
    const own =
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as { kind?: unknown }).kind
        : undefined;
    const kind = typeof own === 'string' && own !== '' ? own : inheritedKind;
    const keep = kind === '' || kind.endsWith('List') ? KEEP_ALL : keepForKind(kind, this.isSupportedKind(kind));
    const { tape } = this;
    const entry = tape.length;
    if (doc) {
      const pruned = pruneToKeep(value, keep);
      this.tapeFromDocument(pruned, [], (path) => {
        const range = locateInYaml(doc, path) ?? [0, 1];
        return [offsetOf(range[0]), offsetOf(range[1])];
      });
      return { value: pruned, entry };
    }
    if (this.scratch.length === 0) {
      tape.close(tape.open(this.unitStart), this.unitStart + 1); // an empty document
      return { value, entry };
    }
    return { value: pruneTaped(value, keep, this.scratch, 0, tape), entry };
  }

  /**
   * A unit's value: by the fast block reader (its ranges on `scratch`), else by `yaml` (the
   * document returned: ranges are located in it), or undefined after reporting why not.
   */
  private unitValue(
    text: string,
    offsetOf: (at: number) => number,
  ): { value: unknown; doc?: Document.Parsed } | undefined {
    this.scratch.clear();
    const fast = readFastYamlTaped(text, this.scratch, offsetOf);
    if (fast !== undefined) return { value: fast };
    // Not the plain shape the fast reader knows: `yaml` reads it, with its messages.
    const tooDeep = flowNestingExcess(text);
    if (tooDeep !== undefined) {
      this.syntax(`values nested more than ${MAX_NESTING} levels deep`, offsetOf(tooDeep));
      return undefined;
    }
    let doc: Document.Parsed;
    try {
      doc = parseDocument(text, YAML_OPTIONS) as Document.Parsed;
    } catch {
      // `yaml` recurses: only nesting far beyond any manifest overflows its stack.
      this.syntax('values nested too deep to read', this.unitStart);
      return undefined;
    }
    const [error] = doc.errors;
    if (error) {
      this.syntax(cleanYamlMessage(error.message), offsetOf(error.pos[0]));
      return undefined;
    }
    try {
      return { value: doc.toJS({ maxAliasCount: 1000 }), doc };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.syntax(
        error instanceof RangeError
          ? 'values nested too deep to read'
          : /alias/i.test(message)
            ? `${message} (read as a stream, each item of a List is read on its own: an alias cannot reach an anchor in another item)`
            : message,
        this.unitStart,
      );
      return undefined;
    }
  }

  /** Entries for a value read by `yaml`, located in its document path by path. */
  private tapeFromDocument(value: unknown, path: (string | number)[], locate: (path: FieldPath) => Range): void {
    const range = locate(path);
    const entry = this.tape.open(range[0]);
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        path.push(i);
        this.tapeFromDocument(v, path, locate);
        path.pop();
      });
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      for (const key of keys) {
        path.push(key);
        this.tapeFromDocument((value as Record<string, unknown>)[key], path, locate);
        path.pop();
      }
    }
    this.tape.close(entry, range[1]);
  }

  /**
   * The document's head, read up to a column-0 `items:`: true when it is a List's (its kind
   * ends in List, or comes later, as kubectl writes it), whose items are then read one by
   * one; its kind names the kind of items that lack one.
   */
  private readHead(): boolean {
    let kind = '';
    let apiVersion = '';
    if (this.unitLength > 0 || this.unitOver > 0) {
      const head = this.readUnit('', -1);
      if (head !== undefined) {
        this.tape.truncate(head.entry);
        const value = head.value as { kind?: unknown; apiVersion?: unknown } | null;
        kind = typeof value?.kind === 'string' ? value.kind : '';
        apiVersion = typeof value?.apiVersion === 'string' ? value.apiVersion : '';
      }
    }
    if (kind !== '' && !kind.endsWith('List')) return false;
    this.unitLength = 0;
    this.listKind = kind;
    this.listApiVersion = apiVersion;
    return true;
  }

  private readItem(): void {
    if (this.unitLength === 0 && this.unitOver === 0) return;
    const index = this.itemIndex++;
    const { listKind } = this;
    const itemKind = listKind === 'List' || !listKind.endsWith('List') ? '' : listKind.slice(0, -'List'.length);
    const read = this.readUnit(itemKind, this.itemColumn);
    this.unitLength = 0;
    if (read === undefined) return;
    const { value, entry } = read;
    const path = ['items', index];
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.issues.push(notAnObject(this.name, value, this.tape.range(entry), index));
      this.tape.truncate(entry);
      return;
    }
    const at = this.context((p) => this.tape.locate(entry, value, p.slice(2)));
    collectObject(value as Record<string, unknown>, path, itemKind, this.listApiVersion, at);
  }

  /** A document without split items (or a List's tail): read whole, as `loadDocuments` does. */
  private readDocument(tail: boolean): void {
    if (this.unitLength === 0 && this.unitOver === 0) return;
    const read = this.readUnit('', -1);
    this.unitLength = 0;
    if (read === undefined) return;
    const { value, entry } = read;
    if (value === null) return;
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.issues.push(notAnObject(this.name, value, this.tape.range(entry)));
      return;
    }
    if (tail) return; // the List's own fields: checked as YAML, nothing to collect
    collectObject(
      value as Record<string, unknown>,
      [],
      '',
      '',
      this.context((p) => this.tape.locate(entry, value, p)),
    );
  }

  private endDocument(): void {
    if (this.mode === Mode.Head) this.readDocument(false);
    else if (this.mode === Mode.Items) this.readItem();
    else this.readDocument(true);
    this.mode = Mode.Head;
    this.itemColumn = -1;
    this.itemIndex = 0;
    this.listKind = '';
    this.listApiVersion = '';
    this.docOpen = false;
  }

  /**
   * One complete line: bytes[from, to), its `\n` at `to` when `newline`, starting at `at`
   * in the input.
   */
  private onLine(bytes: Uint8Array, from: number, to: number, at: number, newline: boolean): void {
    const whole = bytes.subarray(from, newline ? to + 1 : to);
    const c0 = bytes[from];
    const marker =
      to - from >= 3 &&
      (c0 === DASH || c0 === DOT) &&
      bytes[from + 1] === c0 &&
      bytes[from + 2] === c0 &&
      (to - from === 3 || isSpaceByte(bytes[from + 3]!));
    if (marker) {
      // `---` starts a document (its line stays with it: it may carry a comment), `...` ends one.
      if (this.docOpen) this.endDocument();
      if (c0 === DASH) {
        this.docIndex++;
        this.docOpen = true;
        this.appendToUnit(whole, at);
      }
      return;
    }
    let indent = 0;
    while (from + indent < to && bytes[from + indent] === SPACE) indent++;
    const first = from + indent < to ? bytes[from + indent] : NL;
    const blank = first === NL || first === HASH || (first === 0x0d && from + indent + 1 === to);
    if (!this.docOpen) {
      if (blank) return; // comments between documents
      this.docIndex++;
      this.docOpen = true;
    }
    if (this.mode === Mode.Head) {
      if (indent === 0 && isItemsKey(bytes, from, to) && this.readHead()) {
        this.mode = Mode.Items;
        return;
      }
      this.appendToUnit(whole, at);
      return;
    }
    if (this.mode === Mode.Items && this.itemLine(bytes, from, to, indent, first, blank, whole, at)) return;
    this.appendToUnit(whole, at);
  }

  /**
   * A line inside a List's `items:`: true when it was taken (blank, an item's first line, or
   * more indented); else the items end here (the line is the tail's).
   */
  private itemLine(
    bytes: Uint8Array,
    from: number,
    to: number,
    indent: number,
    first: number | undefined,
    blank: boolean,
    whole: Uint8Array,
    at: number,
  ): boolean {
    if (blank) {
      if (this.unitLength > 0) this.appendToUnit(whole, at);
      return true;
    }
    const dash = first === DASH && (from + indent + 1 === to || isSpaceByte(bytes[from + indent + 1]!));
    if (this.itemColumn < 0 && dash) this.itemColumn = indent;
    if (dash && indent === this.itemColumn) {
      this.readItem();
      this.appendToUnit(whole, at);
      return true;
    }
    if (this.itemColumn >= 0 && indent > this.itemColumn) {
      this.appendToUnit(whole, at);
      return true;
    }
    // Less indented, or not an item: the List's items end here.
    this.readItem();
    this.mode = Mode.Tail;
    return false;
  }
}

function isSpaceByte(c: number): boolean {
  return c === SPACE || c === NL || c === 0x0d || c === 0x09;
}

const ITEMS = [0x69, 0x74, 0x65, 0x6d, 0x73, 0x3a]; // items:

/** `items:` alone on its line (a comment may follow): a block sequence follows. */
function isItemsKey(bytes: Uint8Array, from: number, to: number): boolean {
  if (to - from < ITEMS.length) return false;
  for (let k = 0; k < ITEMS.length; k++) if (bytes[from + k] !== ITEMS[k]) return false;
  let i = from + ITEMS.length;
  while (i < to && (bytes[i] === SPACE || bytes[i] === 0x0d)) i++;
  return i === to || bytes[i] === HASH;
}

/**
 * Offsets in the input of positions in a unit's text: the same when the text is ASCII,
 * else counted in UTF-8 bytes (columns count bytes, as for streamed JSON).
 */
function offsetsOf(bytes: Uint8Array, text: string, start: number): (at: number) => number {
  if (bytes.length === text.length) return (at) => start + at;
  const byteAt = new Uint32Array(text.length + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    byteAt[i] = b;
    const c = text.charCodeAt(i);
    if (c < 0x80) b += 1;
    else if (c < 0x800) b += 2;
    else if (c >= 0xd800 && c < 0xdc00) {
      byteAt[i + 1] = b; // the low surrogate: inside the same 4 bytes
      b += 4;
      i++;
    } else b += 3;
  }
  byteAt[text.length] = b;
  // byteAt has a cell per character and one past the end.
  return (at) => start + byteAt[Math.min(at, text.length)]!;
}

/**
 * A copy of `value` with only what `keep` keeps, its ranges copied from the entries of
 * `source` (from `at`, in the same pre-order) onto `target`.
 */
function pruneTaped(value: unknown, keep: Keep, source: PositionTape, at: number, target: PositionTape): unknown {
  const [start, end] = source.range(at);
  const entry = target.open(start);
  let out: unknown = value;
  if (source.span(at) === 1 || keep.k === 'all' || value === null || typeof value !== 'object') {
    // A leaf, or nothing recorded inside: kept as a whole (pruned without ranges).
    out = pruneToKeep(value, keep);
  } else if (Array.isArray(value)) {
    const of = keep.k === 'list' ? keep.of : KEEP_ALL;
    let child = at + 1;
    out = value.map((v) => {
      const pruned = pruneTaped(v, of, source, child, target);
      child += source.span(child);
      return pruned;
    });
  } else if (keep.k === 'struct' || keep.k === 'map') {
    const object: Record<string, unknown> = {};
    const keys = source.keyOrder(value) ?? Object.keys(value);
    let child = at + 1;
    let order: string[] | undefined;
    for (const key of keys) {
      const fieldKeep = fieldKeepOf(keep, key);
      if (fieldKeep.k !== 'drop') {
        const pruned = pruneTaped((value as Record<string, unknown>)[key], fieldKeep, source, child, target);
        if (key === '__proto__')
          Object.defineProperty(object, key, { value: pruned, enumerable: true, writable: true, configurable: true });
        else object[key] = pruned;
        if (order) order.push(key);
        else if (/^(?:0|[1-9]\d{0,8})$/.test(key)) order = [...Object.keys(object).filter((k) => k !== key), key];
      }
      child += source.span(child);
    }
    if (order) target.noteKeyOrder(object, order);
    out = object;
  }
  target.close(entry, end);
  return out;
}

function fieldKeepOf(keep: Keep, key: string): Keep {
  if (keep.k === 'map') return keep.key && !keep.key(key) ? DROP : keep.of;
  if (keep.k === 'struct') return keep.fields.get(key) ?? (keep.strict ? KEEP_ALL : DROP);
  return KEEP_ALL;
}
