import { DROP, KEEP_ALL, type Keep } from '../decode/stream-keep.js';
import type { PositionTape } from './position-tape.js';

/** Bad JSON at a byte offset (absolute in the stream). */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** Deeper than this is hostile input, not a manifest (and would overflow the stack). */
export const MAX_JSON_DEPTH = 1000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
/** Strings up to this many bytes go through the cache (keys, names, label values, IPs). */
const SHORT = 48;
const CACHE_SIZE = 1 << 14;
const INTEGER_KEY = /^(?:0|[1-9]\d{0,8})$/;

// Every runtime core runs in (browsers, Node) has TextDecoder; core's lib has no DOM types.
declare const TextDecoder: new (label: string) => { decode(bytes: Uint8Array): string };
const utf8 = new TextDecoder('utf-8');

/**
 * One JSON value read from bytes, keeping only what a `Keep` asks for (the rest is skipped
 * with its syntax checked) and recording each kept value's range on a `PositionTape`.
 * Written by hand rather than taken from a streaming JSON library (stream-json, clarinet):
 * those emit an event per token, an order of magnitude slower on a gigabyte, and none
 * skips by schema. Numbers and escapes follow JSON.parse exactly (JSON.parse reads them).
 */
export class JsonBytesReader {
  private bytes: Uint8Array = new Uint8Array(0);
  private i = 0;
  private end = 0;
  /** Absolute offset of `bytes[0]` in the stream. */
  private base = 0;
  private readonly cache = new Array<string | undefined>(CACHE_SIZE);
  /** Told where each line starts while `readPrefix` reads (newlines lie only in whitespace). */
  private lines: { add(start: number): void } | undefined;

  constructor(private readonly tape: PositionTape) {}

  /** Where the last `readPrefix` stopped: just after its value. */
  get position(): number {
    return this.i;
  }

  /**
   * Read the value that starts at `bytes[from]` and ends before `to`, whatever follows it
   * (`position` says where it ended), noting line starts on the way: a stream reads each
   * element straight from its chunk this way, once. A value cut short by `to` is a
   * `JsonSyntaxError`, as is bad JSON: the caller cannot tell them apart and falls back to
   * framing the value first (`read`).
   */
  readPrefix(
    bytes: Uint8Array,
    from: number,
    to: number,
    base: number,
    keep: (kind: string | undefined) => Keep | undefined,
    lines: { add(start: number): void },
  ): unknown {
    this.bytes = bytes;
    this.i = from;
    this.end = to;
    this.base = base;
    this.lines = lines;
    try {
      return this.peek() === OPEN_BRACE ? this.object(undefined, 1, keep) : this.value(keep(undefined) ?? KEEP_ALL, 1);
    } finally {
      this.lines = undefined;
    }
  }

  /**
   * Read the value in `bytes[from, to)` (nothing else but whitespace may follow). A function
   * chooses what to keep of a top-level object by its kind (undefined: not known yet).
   */
  read(
    bytes: Uint8Array,
    from: number,
    to: number,
    base: number,
    keep: Keep | ((kind: string | undefined) => Keep | undefined),
  ): unknown {
    this.bytes = bytes;
    this.i = from;
    this.end = to;
    this.base = base;
    this.space();
    const value =
      typeof keep === 'function' && this.peek() === OPEN_BRACE
        ? this.object(undefined, 1, keep)
        : this.value(typeof keep === 'function' ? (keep(undefined) ?? KEEP_ALL) : keep, 1);
    this.space();
    if (this.i < this.end) this.fail(`unexpected ${this.describe()} after the value`);
    return value;
  }

  private fail(message: string, at = this.i): never {
    throw new JsonSyntaxError(message, this.base + at);
  }

  private peek(): number {
    return this.i < this.end ? this.bytes[this.i]! : -1;
  }

  private describe(): string {
    if (this.i >= this.end) return 'end of input';
    const c = this.bytes[this.i]!;
    return c >= 0x21 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
  }

  private space(): void {
    const { bytes, end, lines } = this;
    let i = this.i;
    while (i < end) {
      const c = bytes[i];
      if (c === 0x0a) {
        if (lines) lines.add(this.base + i + 1);
      } else if (c !== 0x20 && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    this.i = i;
  }

  private expect(c: number, what: string): void {
    this.space();
    if (this.peek() !== c) this.fail(`expected ${what}, found ${this.describe()}`);
    this.i++;
  }

  /** A kept value (its tape entry opened by the caller when it is a member). */
  private value(keep: Keep, depth: number): unknown {
    if (depth > MAX_JSON_DEPTH) this.fail(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    const c = this.peek();
    if (c === OPEN_BRACE) return this.object(keep, depth);
    if (c === OPEN_BRACKET) return this.array(keep, depth);
    if (c === QUOTE) return this.string();
    return this.scalar();
  }

  private object(
    keep: Keep | undefined,
    depth: number,
    keepOf?: (kind: string | undefined) => Keep | undefined,
  ): Record<string, unknown> {
    this.i++; // {
    const out: Record<string, unknown> = {};
    let order: string[] | undefined;
    // Until the kind is known (from the enclosing list, or a `kind` key), keep everything.
    let itemKeep = keepOf ? keepOf(undefined) : keep;
    this.space();
    if (this.peek() === CLOSE_BRACE) {
      this.i++;
      return out;
    }
    for (;;) {
      this.space();
      const keyStart = this.i;
      if (this.peek() !== QUOTE) this.fail(`expected a key in double quotes, found ${this.describe()}`);
      const key = this.string();
      // The API server refuses duplicate keys (strict decoding); YAML does too.
      if (Object.hasOwn(out, key)) this.fail(`duplicate key "${key}"`, keyStart);
      this.expect(COLON, "':' after a key");
      this.space();
      let member: Keep;
      if (keepOf) {
        // A top-level object: what to keep depends on its kind, usually its first keys.
        member = key === 'kind' || key === 'apiVersion' || !itemKeep ? KEEP_ALL : fieldKeep(itemKeep, key);
      } else {
        member = fieldKeep(keep as Keep, key);
      }
      if (member.k === 'drop') {
        this.skip(depth + 1);
      } else {
        const entry = this.tape.open(this.base + keyStart);
        const value = this.value(member, depth + 1);
        this.tape.close(entry, this.base + this.i);
        if (key === '__proto__')
          Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        else out[key] = value;
        if (order) order.push(key);
        else if (INTEGER_KEY.test(key)) {
          // JavaScript lists integer-like keys first: remember the document's order.
          order = [...Object.keys(out).filter((k) => k !== key), key];
        }
        if (keepOf && key === 'kind') itemKeep = keepOf(typeof value === 'string' ? value : undefined);
      }
      this.space();
      const c = this.peek();
      this.i++;
      if (c === COMMA) continue;
      if (c === CLOSE_BRACE) break;
      this.i--;
      this.fail(`expected ',' or '}' after a member, found ${this.describe()}`);
    }
    if (order) this.tape.noteKeyOrder(out, order);
    return out;
  }

  private array(keep: Keep, depth: number): unknown[] {
    this.i++; // [
    const out: unknown[] = [];
    const element: Keep = keep.k === 'list' ? keep.of : KEEP_ALL;
    this.space();
    if (this.peek() === CLOSE_BRACKET) {
      this.i++;
      return out;
    }
    for (;;) {
      this.space();
      const entry = this.tape.open(this.base + this.i);
      out.push(this.value(element, depth + 1));
      this.tape.close(entry, this.base + this.i);
      this.space();
      const c = this.peek();
      this.i++;
      if (c === COMMA) continue;
      if (c === CLOSE_BRACKET) break;
      this.i--;
      this.fail(`expected ',' or ']' after an element, found ${this.describe()}`);
    }
    return out;
  }

  /** `i` at an opening quote → the string; after the closing quote. */
  private string(): string {
    const { bytes, end } = this;
    const start = this.i + 1;
    let i = start;
    let ascii = true;
    let escaped = false;
    while (i < end) {
      const c = bytes[i]!;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c < 0x20) this.fail('control character in a string (escape it)', i);
      if (c >= 0x80) ascii = false;
      i++;
    }
    if (i >= end) this.fail('unterminated string', this.i);
    this.i = i + 1;
    if (ascii && !escaped && i - start <= SHORT) return this.short(start, i);
    if (!escaped) return utf8.decode(bytes.subarray(start, i));
    const text = utf8.decode(bytes.subarray(start - 1, i + 1));
    try {
      return JSON.parse(text) as string;
    } catch {
      return this.fail('invalid escape in a string', start - 1);
    }
  }

  /**
   * A short ASCII string, from a cache: keys and label values repeat in every object, so
   * most are found, and equal strings are stored once instead of once per object.
   */
  private short(start: number, end: number): string {
    const { bytes } = this;
    const length = end - start;
    let hash = length;
    for (let k = start; k < end; k++) hash = Math.imul(hash ^ bytes[k]!, 0x01000193);
    const slot = (hash >>> 0) & (CACHE_SIZE - 1);
    const cached = this.cache[slot];
    if (cached !== undefined && cached.length === length) {
      let same = true;
      for (let k = 0; k < length; k++) {
        if (cached.charCodeAt(k) !== bytes[start + k]) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    const text = String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
    this.cache[slot] = text;
    return text;
  }

  private scalar(): unknown {
    const { bytes, end } = this;
    const start = this.i;
    let i = start;
    while (i < end) {
      const c = bytes[i]!;
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c <= 0x20) break;
      i++;
    }
    if (i === start) this.fail(`expected a value, found ${this.describe()}`);
    let text = '';
    for (let k = start; k < i && k - start < 400; k++) text += String.fromCharCode(bytes[k]!);
    if (text === 'true') return this.took(i, true);
    if (text === 'false') return this.took(i, false);
    if (text === 'null') return this.took(i, null);
    if (!NUMBER.test(text)) this.fail(`unexpected ${JSON.stringify(text.slice(0, 40))}: not a JSON value`, start);
    return this.took(i, Number(text));
  }

  private took<T>(i: number, value: T): T {
    this.i = i;
    return value;
  }

  /** Skip a value without keeping it; syntax checked, iteratively (no stack to overflow). */
  private skip(depth: number): void {
    const { bytes, end } = this;
    // Per open container: whether it is an object (then keys and colons alternate).
    const stack: boolean[] = [];
    for (;;) {
      this.space();
      const c = this.peek();
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (depth + stack.length >= MAX_JSON_DEPTH) this.fail(`nested deeper than ${MAX_JSON_DEPTH} levels`);
        this.i++;
        this.space();
        const close = c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
        if (this.peek() === close) {
          this.i++;
        } else {
          stack.push(c === OPEN_BRACE);
          if (c === OPEN_BRACE) this.skipKey();
          continue;
        }
      } else if (c === QUOTE) {
        this.skipString();
      } else {
        this.scalar();
      }
      // After a value: a separator, or the end of containers.
      for (;;) {
        if (stack.length === 0) return;
        this.space();
        const d = this.i < end ? bytes[this.i] : -1;
        const object = stack[stack.length - 1];
        if (d === COMMA) {
          this.i++;
          if (object) this.skipKey();
          break;
        }
        if (d === (object ? CLOSE_BRACE : CLOSE_BRACKET)) {
          this.i++;
          stack.pop();
          continue;
        }
        this.fail(`expected ',' or '${object ? '}' : ']'}', found ${this.describe()}`);
      }
    }
  }

  private skipKey(): void {
    this.space();
    if (this.peek() !== QUOTE) this.fail(`expected a key in double quotes, found ${this.describe()}`);
    this.skipString();
    this.expect(COLON, "':' after a key");
  }

  private skipString(): void {
    const { bytes, end } = this;
    let i = this.i + 1;
    while (i < end) {
      const c = bytes[i]!;
      if (c === QUOTE) {
        this.i = i + 1;
        return;
      }
      if (c === BACKSLASH) {
        // An escape cut off by the end of the input is invalid, not a read past it.
        const e = i + 1 < end ? bytes[i + 1]! : -1;
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) {
            if (i + k >= end || !isHex(bytes[i + k]!)) this.fail('invalid \\u escape in a string', i);
          }
          i += 6;
        } else if (ESCAPES.has(e)) i += 2;
        else this.fail('invalid escape in a string', i);
        continue;
      }
      if (c < 0x20) this.fail('control character in a string (escape it)', i);
      i++;
    }
    this.fail('unterminated string', this.i);
  }
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function fieldKeep(keep: Keep, key: string): Keep {
  switch (keep.k) {
    case 'struct':
      return keep.fields.get(key) ?? (keep.strict ? KEEP_ALL : DROP);
    case 'map':
      return keep.key && !keep.key(key) ? DROP : keep.of;
    case 'drop':
      return keep;
    default:
      return KEEP_ALL;
  }
}
