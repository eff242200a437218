import type { FieldPath } from '../issues.js';

/**
 * Limits on what one source may expand to once parsed, checked before anything else reads
 * the values: nesting (recursive readers, `structuredClone`, `JSON.stringify` would overflow
 * the stack on an unknown field nested 100,000 deep) and alias expansion (a 218 KB YAML file
 * whose anchor of 2,500 strings is aliased 899 times expands to 2.2 million values: the
 * "billion laughs" shape). The budget is relative to the text: without aliases a value costs
 * at most about one unit per character, so honest files, merge keys and a few shared
 * anchors stay far below it.
 */
export const MAX_NESTING = 512;

export interface DocumentExcess {
  /** Where the limit was crossed (the deepest or the expanding value). */
  path: FieldPath;
  message: string;
}

export interface Measure {
  /** Units of expansion left for the rest of the source. */
  budget: number;
  /** Keys of every mapping, and `:` inside every string (keys and values): see `jsonDuplicates`. */
  keys: number;
  colons: number;
  excess?: DocumentExcess;
}

/** The budget of a source text: four units a character, plus some room for tiny files. */
export function expansionBudget(text: string): number {
  return 4 * text.length + 100_000;
}

/** Walk `value` once (recursion bounded by MAX_NESTING), spending `m.budget`; false: stop. */
export function measureValue(value: unknown, m: Measure): boolean {
  const { budget, keys, colons } = m;
  if (measureFast(value, m, 0)) return true;
  // Over a limit (rare): walk again from the same budget, keeping the path to say where.
  m.budget = budget;
  m.keys = keys;
  m.colons = colons;
  return measureAt(value, m, []);
}

/** `measureAt` without the path: every value of every document goes through here. */
function measureFast(value: unknown, m: Measure, depth: number): boolean {
  m.budget -= 1;
  if (typeof value === 'string') {
    m.budget -= value.length >> 4;
    m.colons += countColons(value);
  } else if (typeof value === 'object' && value !== null) {
    if (depth >= MAX_NESTING) return false;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (!measureFast(value[i], m, depth + 1)) return false;
    } else {
      for (const key in value) {
        m.keys += 1;
        m.colons += countColons(key);
        if (!measureFast((value as Record<string, unknown>)[key], m, depth + 1)) return false;
      }
    }
  }
  return m.budget >= 0;
}

function measureAt(value: unknown, m: Measure, path: (string | number)[]): boolean {
  m.budget -= 1;
  if (typeof value === 'string') {
    m.budget -= value.length >> 4;
    m.colons += countColons(value);
  } else if (typeof value === 'object' && value !== null) {
    if (path.length >= MAX_NESTING) {
      m.excess = { path: [...path], message: `values nested more than ${MAX_NESTING} levels deep` };
      return false;
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        const ok = measureAt(value[i], m, path);
        path.pop();
        if (!ok) return false;
      }
    } else {
      for (const key in value) {
        m.keys += 1;
        m.colons += countColons(key);
        path.push(key);
        const ok = measureAt((value as Record<string, unknown>)[key], m, path);
        path.pop();
        if (!ok) return false;
      }
    }
  }
  if (m.budget < 0) {
    m.excess = {
      path: [...path],
      message: 'aliases expand to far more values than the text holds (a resource exhaustion attack?)',
    };
    return false;
  }
  return true;
}

function countColons(s: string): number {
  let n = 0;
  for (let i = s.indexOf(':'); i >= 0; i = s.indexOf(':', i + 1)) n++;
  return n;
}

/**
 * The first repeated key of a JSON text, or undefined. JSON.parse keeps the last of
 * repeated keys silently, where the same YAML is an error and the API server's strict
 * decoding rejects it; both inputs must be read alike. Cheap when there is none: every `:`
 * of JSON text is a key's or inside a string, so when the text has as many as the parsed
 * value's keys and strings do (and no `\u003a` escape), no key was dropped; only otherwise
 * is the text scanned for the repeated key.
 */
export function jsonDuplicateKey(
  text: string,
  m: Pick<Measure, 'keys' | 'colons'>,
): { path: FieldPath; key: string; offset: number } | undefined {
  if (countColons(text) === m.keys + m.colons && !/\\u003a/i.test(text)) return undefined;
  return scanDuplicates(text);
}

/** Recursive descent over text JSON.parse accepted, nested at most MAX_NESTING deep. */
function scanDuplicates(text: string): { path: FieldPath; key: string; offset: number } | undefined {
  let i = 0;
  const path: (string | number)[] = [];
  const skipSpace = () => {
    while (i < text.length && ' \t\r\n\ufeff'.includes(text.charAt(i))) i++;
  };
  const readString = (): string => {
    const start = i;
    for (let q = text.indexOf('"', i + 1); ; q = text.indexOf('"', q + 1)) {
      let backslashes = 0;
      while (text[q - 1 - backslashes] === '\\') backslashes++;
      if (backslashes % 2 === 0) {
        i = q + 1;
        return JSON.parse(text.slice(start, i)) as string;
      }
    }
  };
  const readValue = (): { path: FieldPath; key: string; offset: number } | undefined => {
    skipSpace();
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      const keys = c === '{' ? new Set<string>() : undefined;
      skipSpace();
      if (text[i] === (keys ? '}' : ']')) {
        i++;
        return undefined;
      }
      for (let index = 0; ; index++) {
        if (keys) {
          skipSpace();
          const offset = i;
          const key = readString();
          if (keys.has(key)) return { path: [...path], key, offset };
          keys.add(key);
          skipSpace();
          i++; // ':'
          path.push(key);
        } else path.push(index);
        const found = readValue();
        path.pop();
        if (found) return found;
        skipSpace();
        if (text[i++] !== ',') return undefined;
      }
    }
    if (c === '"') readString();
    else while (i < text.length && !',}] \t\r\n'.includes(text.charAt(i))) i++;
    return undefined;
  };
  return readValue();
}

/**
 * The offset of the first `[` or `{` that opens a YAML flow collection more than MAX_NESTING
 * deep, or undefined. `yaml` composes nested flow collections recursively and slowly (100,000
 * levels written one per line take ~10 s, then overflow the stack), so such text is refused
 * before it is parsed. One pass over the text; it skips comments, quoted scalars and block
 * scalars, and counts an opening bracket only where a collection can start (after
 * indentation, `- `, `? `, `: `, an anchor or tag, another opening bracket or `,`), so a
 * bracket inside a plain scalar does not count (except at the start of a continuation line
 * of a multi-line plain scalar: 513 of those unclosed are no manifest).
 */
export function flowNestingExcess(text: string): number | undefined {
  let depth = 0;
  /** Whether a collection may start here: nothing but indentation or indicators before it on this node. */
  let tokenStart = true;
  /** Indentation of the current line, and of the line that opened a block scalar (-1: none). */
  let indent = 0;
  let blockScalarIndent = -1;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (lineStart) {
      let j = i;
      while (text.charCodeAt(j) === 0x20) j++;
      const blank = j >= text.length || text.charCodeAt(j) === 0x0a || text.charCodeAt(j) === 0x0d;
      if (blockScalarIndent >= 0 && (blank || j - i > blockScalarIndent)) {
        // A line of block scalar content: skip it whole.
        const end = text.indexOf('\n', i);
        if (end < 0) return undefined;
        i = end;
        continue;
      }
      blockScalarIndent = -1;
      indent = j - i;
      lineStart = false;
      if (depth === 0) tokenStart = true;
      i = j - 1;
      continue;
    }
    if (c === 0x0a) {
      lineStart = true;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
    if (c === 0x23 && (i === 0 || /\s/.test(text.charAt(i - 1)))) {
      // A comment, to the end of the line.
      const end = text.indexOf('\n', i);
      if (end < 0) return undefined;
      i = end - 1;
      continue;
    }
    if (tokenStart && (c === 0x22 || c === 0x27)) {
      i = quotedEnd(text, i);
      if (i < 0) return undefined;
      tokenStart = false;
      continue;
    }
    if (tokenStart && (c === 0x26 || c === 0x21)) {
      // An anchor or a tag before a node: the node may still open a collection.
      while (i + 1 < text.length && !' \t\r\n[]{},'.includes(text.charAt(i + 1))) i++;
      continue;
    }
    if (tokenStart && (c === 0x5b || c === 0x7b)) {
      if (++depth > MAX_NESTING) return i;
      continue;
    }
    if (depth > 0 && (c === 0x5d || c === 0x7d)) {
      depth--;
      tokenStart = false;
      continue;
    }
    if (depth > 0 && c === 0x2c) {
      tokenStart = true;
      continue;
    }
    const next = text.charCodeAt(i + 1);
    const spaceAfter = Number.isNaN(next) || next === 0x20 || next === 0x0a || next === 0x0d || next === 0x09;
    if ((c === 0x2d || c === 0x3f || c === 0x3a) && (spaceAfter || (depth > 0 && c === 0x3a))) {
      tokenStart = true;
      continue;
    }
    if (depth === 0 && tokenStart && (c === 0x7c || c === 0x3e)) {
      // `|` or `>` where a value starts: a block scalar; its content lines are more indented.
      blockScalarIndent = indent;
      const end = text.indexOf('\n', i);
      if (end < 0) return undefined;
      i = end - 1;
      continue;
    }
    tokenStart = false;
  }
  return undefined;
}

/** The offset of the quote that ends the quoted scalar opened at `start`, or -1. */
function quotedEnd(text: string, start: number): number {
  const quote = text.charAt(start);
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote === '"' && c === '\\') i++;
    else if (c === quote) {
      if (quote === "'" && text.charAt(i + 1) === "'") i++;
      else return i;
    }
  }
  return -1;
}
