import { Decline, plainKey, resolvePlainScalar } from './resolve-plain-scalar.js';

/**
 * The one-line pieces of the fast YAML reader (see read-fast-yaml.ts): scalars, flow
 * collections, anchors and aliases. Each reads from `at` and returns the value and the
 * offset just past it, or throws Decline when `yaml` might see it differently.
 */
export interface Read {
  value: unknown;
  end: number;
}

export interface Anchors {
  values: Map<string, unknown>;
  uses: Map<string, number>;
  /** Anchored nodes being read: an alias inside one is declined (toJS counts those apart). */
  open: number;
}

/** toJS() refuses an anchor aliased about 1000 times (an exhaustion attack); stay well below. */
const MAX_ALIASES = 900;

const NL = 0x0a;
const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;
const COLON = 0x3a;
const COMMA = 0x2c;

/**
 * A node on one line: `&anchor node`, `*alias`, a quoted or plain scalar, or a flow
 * collection. `flow` says whether we are inside `[...]`/`{...}` (where `,[]{}` end a plain
 * scalar) or in block context (where a plain scalar runs to the end of the line).
 */
export function readFlowNode(text: string, at: number, flow: boolean, anchors: Anchors): Read {
  const c = text.charCodeAt(at);
  if (c === 0x26) {
    // &anchor: the anchored node follows on the same line.
    const end = anchorEnd(text, at + 1);
    if (text.charCodeAt(end) !== SPACE) throw new Decline();
    const start = skipSpaces(text, end);
    const c2 = text.charCodeAt(start);
    // Nothing anchored, or a second anchor, or an anchored alias: an error or a subtlety.
    if (Number.isNaN(c2) || '\n#&*'.includes(text.charAt(start)) || (flow && ',]}'.includes(text.charAt(start))))
      throw new Decline();
    anchors.open++;
    const node = readFlowNode(text, start, flow, anchors);
    anchors.open--;
    defineAnchor(anchors, text.slice(at + 1, end), node.value);
    return node;
  }
  if (c === 0x2a) {
    // *alias: the very value the anchor produced (toJS shares it the same way).
    const end = anchorEnd(text, at + 1);
    const name = text.slice(at + 1, end);
    const uses = anchors.uses.get(name);
    if (anchors.open > 0 || uses === undefined || uses >= MAX_ALIASES) throw new Decline();
    anchors.uses.set(name, uses + 1);
    return { value: anchors.values.get(name), end };
  }
  if (c === 0x22 || c === 0x27) return readQuoted(text, at);
  if (c === 0x5b) return readFlowSequence(text, at, anchors);
  if (c === 0x7b) return readFlowMapping(text, at, anchors);
  if (!isPlainStart(text, at)) throw new Decline();
  const end = flow ? flowPlainEnd(text, at) : blockPlainEnd(text, at);
  if (end === at) throw new Decline(); // `[:x]`
  return { value: resolvePlainScalar(text.slice(at, end)), end };
}

export function defineAnchor(anchors: Anchors, name: string, value: unknown): void {
  anchors.values.set(name, value);
  anchors.uses.set(name, 0);
}

/** A plain scalar in block context runs to ` #` or the line end; `: ` inside is an error. */
function blockPlainEnd(text: string, at: number): number {
  let i = at;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NL || (c === HASH && text.charCodeAt(i - 1) === SPACE)) break;
    if (c === COLON && isBlank(text.charCodeAt(i + 1))) throw new Decline();
  }
  while (text.charCodeAt(i - 1) === SPACE) i--;
  return i;
}

/** In flow context `,[]{}` also end it; any `:` inside is left to `yaml`. */
function flowPlainEnd(text: string, at: number): number {
  let i = at;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NL || c === COMMA || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d) break;
    if (c === HASH && text.charCodeAt(i - 1) === SPACE) break;
    if (c === COLON) break;
  }
  while (text.charCodeAt(i - 1) === SPACE) i--;
  return i;
}

function readFlowSequence(text: string, at: number, anchors: Anchors): Read {
  const items: unknown[] = [];
  let i = skipSpaces(text, at + 1);
  if (text.charCodeAt(i) === 0x5d) return { value: items, end: i + 1 };
  for (;;) {
    const item = readFlowNode(text, i, true, anchors);
    items.push(item.value);
    i = skipSpaces(text, item.end);
    const c = text.charCodeAt(i);
    if (c === 0x5d) return { value: items, end: i + 1 };
    // `[a: b]` (a pair in a sequence), `[a, ]`, a line break: leave to `yaml`.
    if (c !== COMMA) throw new Decline();
    i = skipSpaces(text, i + 1);
    if (text.charCodeAt(i) === 0x5d) throw new Decline();
  }
}

function readFlowMapping(text: string, at: number, anchors: Anchors): Read {
  const map: Record<string, unknown> = {};
  let i = skipSpaces(text, at + 1);
  if (text.charCodeAt(i) === 0x7d) return { value: map, end: i + 1 };
  for (;;) {
    let key: string;
    const q = text.charCodeAt(i);
    if (q === 0x22 || q === 0x27) {
      const read = readQuoted(text, i);
      key = read.value;
      i = skipSpaces(text, read.end);
    } else {
      if (!isPlainStart(text, i)) throw new Decline();
      const end = flowPlainEnd(text, i);
      if (end === i) throw new Decline(); // `{:x: 1}`
      key = plainKey(text.slice(i, end));
      i = skipSpaces(text, end);
    }
    // Only `key: value` and `key:` (null); `{a}` or `"a":b` are left to `yaml`.
    if (text.charCodeAt(i) !== COLON || text.charCodeAt(i + 1) !== SPACE) {
      const next = text.charCodeAt(i + 1);
      if (text.charCodeAt(i) !== COLON || (next !== COMMA && next !== 0x7d)) throw new Decline();
    }
    i = skipSpaces(text, i + 1);
    let value: unknown = null;
    const c = text.charCodeAt(i);
    if (c !== COMMA && c !== 0x7d) {
      const read = readFlowNode(text, i, true, anchors);
      value = read.value;
      i = skipSpaces(text, read.end);
    }
    setKey(map, key, value);
    const d = text.charCodeAt(i);
    if (d === 0x7d) return { value: map, end: i + 1 };
    if (d !== COMMA) throw new Decline();
    i = skipSpaces(text, i + 1);
    if (text.charCodeAt(i) === 0x7d) throw new Decline();
  }
}

/** Adds a member as toJS() does; a repeated key is an error `yaml` reports (uniqueKeys). */
export function setKey(map: Record<string, unknown>, key: string, value: unknown): void {
  // Values are never undefined (an empty node is null), so undefined means a new key; a
  // defined one is a duplicate or an inherited name (`__proto__`, `constructor`), which
  // toJS() makes an own property rather than calling the prototype's setter.
  if (map[key] === undefined) map[key] = value;
  else if (Object.hasOwn(map, key)) throw new Decline();
  else Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
}

/** A one-line 'single' or "double" quoted scalar; a line break inside is declined. */
export function readQuoted(text: string, at: number): { value: string; end: number } {
  const quote = text.charCodeAt(at);
  let value = '';
  let from = at + 1;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NL) break;
    if (c === quote) {
      if (quote === 0x27 && text.charCodeAt(i + 1) === 0x27) {
        value += text.slice(from, i + 1); // '' is one '
        from = i + 2;
        i++;
        continue;
      }
      return { value: value + text.slice(from, i), end: i + 1 };
    }
    if (c === 0x5c && quote === 0x22) {
      value += text.slice(from, i) + decodeEscape(text, i);
      const e = text[i + 1];
      i += e === 'x' ? 3 : e === 'u' ? 5 : e === 'U' ? 9 : 1;
      from = i + 1;
    }
  }
  throw new Decline();
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};

/** The escape at `i` (a backslash) in a double-quoted scalar, as `yaml` decodes it. */
function decodeEscape(text: string, i: number): string {
  const e = text.charAt(i + 1);
  const simple = ESCAPES[e];
  if (simple !== undefined) return simple;
  const length = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
  const hex = text.slice(i + 2, i + 2 + length);
  if (length === 0 || !/^[0-9a-fA-F]+$/.test(hex) || hex.length !== length) throw new Decline();
  const code = Number.parseInt(hex, 16);
  if (code > 0x10ffff) throw new Decline();
  return String.fromCodePoint(code);
}

export function skipSpaces(text: string, i: number): number {
  while (text.charCodeAt(i) === SPACE) i++;
  return i;
}

/** Space, line break or the end of the text (charCodeAt's NaN). */
export function isBlank(c: number): boolean {
  return c === SPACE || c === NL || Number.isNaN(c);
}

/** A plain scalar may start here: not an indicator, but `-x`, `?x`, `:x` are scalars. */
export function isPlainStart(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (Number.isNaN(c)) return false;
  if (c === DASH || c === COLON || c === 0x3f)
    return !isBlank(text.charCodeAt(at + 1)) && !',[]{}'.includes(text.charAt(at + 1));
  return !INDICATORS.includes(text.charAt(at));
}
const INDICATORS = '-?:,[]{}#&*!|>\'"%@` \n';

/** Anchor and alias names we accept (letters, digits, `_.-`): returns the end of the name. */
export function anchorEnd(text: string, i: number): number {
  const start = i;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ok =
      (c >= 0x30 && c <= 0x39) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      c === 0x5f ||
      c === 0x2e ||
      c === DASH;
    if (!ok) break;
  }
  if (i === start) throw new Decline();
  return i;
}
