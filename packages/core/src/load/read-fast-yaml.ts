import { at } from '../at.js';
import type { PositionTape } from './position-tape.js';
import {
  type Anchors,
  anchorEnd,
  defineAnchor,
  isBlank,
  isPlainStart,
  readFlowNode,
  readQuoted,
  setKey,
  skipSpaces,
} from './read-flow-yaml.js';
import { Decline, plainKey } from './resolve-plain-scalar.js';

/**
 * A small YAML reader for the shape manifests have (`kubectl get -o yaml`, `netpol gen`,
 * hand-written files): block mappings and sequences, one-line scalars (plain, 'single',
 * "double" with escapes), one-line flow collections, comments, `---`/`...`, anchors and
 * aliases. It returns each document's value exactly as `yaml`'s parseAllDocuments + toJS
 * would (YAML 1.1, unique keys, an alias is the anchored object itself), or `undefined` —
 * "not sure" — for anything else: tags, block scalars, multi-line scalars or flow, `?` keys,
 * merge keys, directives, tabs, a CR outside CRLF, odd characters, and every error. The caller then reads
 * the text with `yaml`, whose messages and positions stay the ones users see.
 *
 * Why: `yaml` builds a CST and an AST with positions for every node; for a 10k-pod
 * file that costs seconds, while positions are only needed for the few issues we print.
 */
export function readFastYaml(text: string): unknown[] | undefined {
  // Windows line ends read as `\n` (the reader keeps no offsets); a lone CR is declined.
  if (text.includes('\r')) text = text.replaceAll('\r\n', '\n');
  if (UNSUPPORTED_CHARS.test(text)) return undefined;
  try {
    return new BlockReader(text).stream();
  } catch {
    // Decline, or anything unforeseen (a stack overflow on deep nesting): `yaml` decides.
    return undefined;
  }
}

/**
 * One document read as `readFastYaml` reads it, recording each block node's range on `tape`
 * (offsets through `offsetOf`: a streamed item's place in its input), in the pre-order a
 * `PositionTape` keeps: a mapping member from its key, a sequence item from its dash. The
 * children of a one-line flow collection get no entries (a path into one finds the
 * collection). `undefined`: not sure (as `readFastYaml`), or not one document, or a CR.
 */
export function readFastYamlTaped(text: string, tape: PositionTape, offsetOf: (at: number) => number): unknown {
  if (text.includes('\r') || UNSUPPORTED_CHARS.test(text)) return undefined;
  const mark = tape.length;
  try {
    const docs = new BlockReader(text, tape, offsetOf).stream();
    if (docs.length <= 1) return docs.length === 0 ? null : docs[0];
  } catch {
    // Decline, or anything unforeseen: the caller reads the text with `yaml`.
  }
  tape.truncate(mark);
  return undefined;
}

/**
 * Every document of a whole text read as `readFastYaml` reads it, with each block node's range
 * on `tape` (as `readFastYamlTaped`), and each document's root entry (-1: an empty document).
 * `undefined`: not sure (as `readFastYaml`, and a one-line flow collection or an alias of one
 * as well, whose insides the tape cannot place), or a CR: the caller falls back to `yaml`.
 */
export function readFastYamlDocuments(
  text: string,
  tape: PositionTape,
): { value: unknown; root: number }[] | undefined {
  if (text.includes('\r') || UNSUPPORTED_CHARS.test(text)) return undefined;
  const reader = new BlockReader(text, tape, undefined, true);
  try {
    return reader.stream().map((value, index) => ({ value, root: at(reader.roots, index) }));
  } catch {
    // Decline, or anything unforeseen: the caller reads the text with `yaml`.
    tape.clear();
    return undefined;
  }
}

/** Tabs, CR, BOM, control characters, and the YAML 1.1 line breaks NEL/LS/PS. */
const UNSUPPORTED_CHARS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/;

const NL = 0x0a;
const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;
const DOT = 0x2e;
const COLON = 0x3a;
const AMP = 0x26;
const STAR = 0x2a;

const newAnchors = (): Anchors => ({ values: new Map(), uses: new Map(), open: 0 });

class BlockReader {
  private pos = 0;
  private anchors: Anchors = newAnchors();
  /** Where the last empty node read (`this.empty`) is placed, as `yaml` places it. */
  private emptyAt = 0;
  /** Where the last node read ends (its last character + 1), for its range on the tape. */
  private lastEnd = 0;
  /** Where the line of the last node read ends (past its comment and line break), or `lastEnd` after an empty value. */
  private lastLineEnd = 0;
  /** The last node after an indicator was empty (nothing on its line or below). */
  private empty = false;
  /** Each document's root entry on the tape, or -1 (an empty document, or no tape). */
  readonly roots: number[] = [];

  constructor(
    private readonly text: string,
    private readonly tape?: PositionTape,
    private readonly offsetOf: (at: number) => number = (at) => at,
    private readonly aliasesTaped = false,
  ) {}

  private open(at: number): number {
    return this.tape ? this.tape.open(this.offsetOf(at)) : -1;
  }

  private close(entry: number): void {
    this.tape?.close(entry, this.offsetOf(this.lastEnd));
  }

  stream(): unknown[] {
    const docs: unknown[] = [];
    let open = false; // a document that `...` may close
    let implicit = true; // content may start a document without `---` (at the start, after `...`)
    for (;;) {
      const indent = this.nextLine();
      if (indent < 0 && this.pos >= this.text.length) return docs;
      if (indent >= 0 || this.text.charCodeAt(this.pos) === DASH) {
        if (indent >= 0 && !implicit) throw new Decline();
        if (indent < 0) this.pos = this.endOfLine(this.pos + 3); // `---`
        docs.push(this.document());
        open = true;
        implicit = false;
      } else {
        if (!open) throw new Decline(); // a bare `...` makes an empty document in `yaml`
        this.pos = this.endOfLine(this.pos + 3);
        open = false;
        implicit = true;
      }
    }
  }

  private document(): unknown {
    this.anchors = newAnchors();
    const indent = this.nextLine();
    if (indent < 0) {
      this.roots.push(-1);
      return null;
    }
    const root = this.open(this.pos + indent);
    this.roots.push(root);
    const value = this.nodeAt(indent, this.pos + indent);
    this.close(root);
    if (this.nextLine() >= 0) throw new Decline();
    return value;
  }

  /**
   * Skips blank and comment lines; leaves `pos` at the next line's start and returns its
   * indentation, or -1 at the end of the text or at a `---`/`...` marker line.
   */
  private nextLine(): number {
    const { text } = this;
    for (;;) {
      if (this.pos >= text.length) return -1;
      let i = this.pos;
      while (text.charCodeAt(i) === SPACE) i++;
      const c = text.charCodeAt(i);
      if (i >= text.length) {
        this.pos = i;
        return -1;
      }
      if (c === NL || c === HASH) {
        const nl = text.indexOf('\n', i);
        this.pos = nl < 0 ? text.length : nl + 1;
        continue;
      }
      if (i === this.pos && (c === DASH || c === DOT) && text.startsWith(c === DASH ? '---' : '...', i)) {
        if (isBlank(text.charCodeAt(i + 3)) || i + 3 >= text.length) return -1;
        throw new Decline(); // `---x` is a scalar in YAML; too odd to be worth it
      }
      return i - this.pos;
    }
  }

  /** After a node: only spaces and a comment may remain on the line; returns the next line. */
  private endOfLine(i: number): number {
    const { text } = this;
    const start = i;
    while (text.charCodeAt(i) === SPACE) i++;
    if (text.charCodeAt(i) === HASH && (i > start || text.charCodeAt(i - 1) === SPACE)) {
      const nl = text.indexOf('\n', i);
      return nl < 0 ? text.length : nl + 1;
    }
    if (i >= text.length) return i;
    if (text.charCodeAt(i) !== NL) throw new Decline();
    return i + 1;
  }

  /** A block node whose first character is at `at`, in column `indent`. */
  private nodeAt(indent: number, at: number): unknown {
    const { text } = this;
    const c = text.charCodeAt(at);
    if (c === DASH && isBlank(text.charCodeAt(at + 1))) return this.sequence(indent, at);
    const key = this.keyAt(at);
    if (key) return this.mapping(indent, key);
    return this.inlineValue(at);
  }

  /** Where the node after an indicator starts: on its line, else on the next line with content. */
  private contentStart(from: number): number {
    const { text } = this;
    let i = skipSpaces(text, from);
    while (i < text.length && (text.charCodeAt(i) === NL || text.charCodeAt(i) === HASH)) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return from;
      i = skipSpaces(text, nl + 1);
    }
    return i < text.length ? i : from;
  }

  /** A one-line value (scalar, flow collection, alias, with an optional anchor) to line end. */
  private inlineValue(at: number): unknown {
    const { value, end } = readFlowNode(this.text, at, false, this.anchors);
    // A one-line flow collection has no ranges inside: `yaml` reads it when they are wanted.
    // An alias has none either, and needs none when the whole text is read: `yaml`'s path
    // into an alias stops at the alias too (`netpol gen` shares each workload's labels).
    const alias = this.aliasesTaped && this.text.charCodeAt(skipSpaces(this.text, at)) === STAR;
    if (this.tape && !alias && value !== null && typeof value === 'object' && Object.keys(value).length > 0)
      throw new Decline();
    this.lastEnd = end;
    this.pos = this.endOfLine(end);
    this.lastLineEnd = this.pos;
    return value;
  }

  private sequence(indent: number, dash: number): unknown[] {
    const items: unknown[] = [];
    for (;;) {
      // An item's range starts at its content, as `yaml` gives it (not at the dash).
      const entry = this.tape ? this.open(this.contentStart(dash + 1)) : -1;
      this.empty = false;
      items.push(this.afterIndicator(indent, dash + 1, false));
      // An empty item (`- ` with nothing below) is where its line goes on, past any anchor, as
      // `yaml` places it.
      if (this.empty && this.tape) this.tape.moveStart(entry, this.offsetOf(this.emptyAt));
      this.empty = false; // seen: an item holding this sequence is not empty
      this.close(entry);
      const next = this.nextLine();
      if (next < indent) return this.endCollection(items);
      if (next > indent) throw new Decline();
      dash = this.pos + indent;
      if (!(this.text.charCodeAt(dash) === DASH && isBlank(this.text.charCodeAt(dash + 1))))
        return this.endCollection(items);
    }
  }

  private mapping(indent: number, first: Key): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    let key: Key | undefined = first;
    let order: string[] | undefined;
    for (;;) {
      const entry = this.open(key.start);
      setKey(map, key.name, this.afterIndicator(indent, key.end, true));
      this.empty = false; // an item holding this mapping is not empty
      this.close(entry);
      if (this.tape) {
        // JavaScript lists integer-like keys first: the tape needs the document's order.
        if (order) order.push(key.name);
        else if (INTEGER_KEY.test(key.name)) order = [...Object.keys(map).filter((k) => k !== key?.name), key.name];
      }
      const next = this.nextLine();
      if (next < indent) {
        if (order) this.tape?.noteKeyOrder(map, order);
        return this.endCollection(map);
      }
      if (next > indent) throw new Decline();
      key = this.keyAt(this.pos + indent);
      if (!key) throw new Decline();
    }
  }

  /** A block collection ends, as `yaml` ranges it, with its last line's break. */
  private endCollection<T>(collection: T): T {
    this.lastEnd = this.lastLineEnd;
    return collection;
  }

  /**
   * The node after `- ` or `key:` (`from` is just past the indicator), in a collection at
   * column `indent`: on the same line, or on the lines below when the line ends there.
   * A mapping value may be a sequence at the mapping's own indentation (`key:\n- a`).
   */
  private afterIndicator(indent: number, from: number, inMapping: boolean): unknown {
    const { text } = this;
    let at = skipSpaces(text, from);
    const propsAt = at;
    let anchor: string | undefined;
    let propsEnd = from;
    if (text.charCodeAt(at) === AMP) {
      const end = anchorEnd(text, at + 1);
      if (!isBlank(text.charCodeAt(end))) throw new Decline();
      anchor = text.slice(at + 1, end);
      propsEnd = end;
      at = skipSpaces(text, end);
    }
    const c = text.charCodeAt(at);
    if (at >= text.length || c === NL || c === HASH) {
      // The node is on the lines below (or empty: null).
      // An empty node ends where its anchor does, as `yaml` ranges it.
      this.lastEnd = propsEnd;
      this.lastLineEnd = propsEnd;
      this.pos = this.endOfLine(at);
      if (anchor !== undefined) this.anchors.open++;
      const next = this.nextLine();
      let value: unknown = null;
      const dash = this.pos + next;
      // `&a` over `&b x` or `*b`: two anchors, or an anchored alias: errors in `yaml`.
      if (anchor !== undefined && next >= 0 && /[&*]/.test(text.charAt(dash))) throw new Decline();
      if (next > indent) value = this.nodeAt(next, dash);
      else if (next === indent && inMapping && text.charCodeAt(dash) === DASH && isBlank(text.charCodeAt(dash + 1)))
        value = this.sequence(next, dash);
      else {
        this.empty = true;
        this.emptyAt = at; // past the anchor, if any, and the spaces after it
      }
      if (anchor !== undefined) {
        this.anchors.open--;
        defineAnchor(this.anchors, anchor, value);
      }
      return value;
    }
    if (anchor !== undefined) {
      // `- &a key: v` anchors the key, not the mapping: leave that to `yaml`.
      if (!inMapping && this.keyAt(at)) throw new Decline();
      return this.inlineValue(propsAt); // the flow reader takes the anchor itself
    }
    if (inMapping) return this.inlineValue(at); // `key: a: b` is an error: the reader declines
    // A sequence item may itself open a block collection (`- - a`, `- key: v`).
    return this.nodeAt(at - (text.lastIndexOf('\n', at) + 1), at);
  }

  /** A block mapping key at `at` (`name:` followed by space or end of line), if there is one. */
  private keyAt(at: number): Key | undefined {
    const { text } = this;
    const c = text.charCodeAt(at);
    if (c === 0x22 || c === 0x27) {
      const { value, end } = readQuoted(text, at);
      let i = end;
      while (text.charCodeAt(i) === SPACE) i++;
      if (text.charCodeAt(i) !== COLON || !isBlank(text.charCodeAt(i + 1))) return undefined;
      if (i - at > 1024) throw new Decline(); // YAML caps implicit keys at 1024 chars
      return { name: value, start: at, end: i + 1 };
    }
    if (!isPlainStart(text, at)) return undefined;
    for (let i = at; i < text.length; i++) {
      const d = text.charCodeAt(i);
      if (d === NL) return undefined;
      if (d === HASH && text.charCodeAt(i - 1) === SPACE) return undefined;
      if (d === COLON && isBlank(text.charCodeAt(i + 1))) {
        if (i - at > 1024) throw new Decline(); // from the key's start to `:`, as `yaml` counts
        let end = i;
        while (text.charCodeAt(end - 1) === SPACE) end--;
        return { name: plainKey(text.slice(at, end)), start: at, end: i + 1 };
      }
    }
    return undefined;
  }
}

const INTEGER_KEY = /^(?:0|[1-9]\d{0,8})$/;

interface Key {
  name: string;
  start: number;
  /** Just past the `:`. */
  end: number;
}
