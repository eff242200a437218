import type { FieldPath, Range } from '../issues.js';

/**
 * Field path → source range inside a JSON text, without building a syntax tree: each
 * container is scanned once, the first time a path goes through it, and its children's
 * offsets are kept. A 10k-pod `kubectl get -o json` list costs one pass over the items
 * array, not a full YAML parse. Ranges follow the YAML locator: a member runs from its key
 * to the end of its value, an element is its value; a path that leaves the document stops
 * at the nearest existing ancestor. The text must be valid JSON (JSON.parse accepted it).
 */
export function createJsonLocator(text: string): (path: FieldPath) => Range | undefined {
  const children = new Map<number, Map<string, Child> | Child[]>();
  const childrenOf = (start: number) => {
    let index = children.get(start);
    if (!index) {
      index = text.charCodeAt(start) === OPEN_BRACE ? indexObject(text, start) : indexArray(text, start);
      children.set(start, index);
    }
    return index;
  };
  const start = skipSpace(text, 0);
  let rootEnd: number | undefined;
  return (path) => {
    if (start >= text.length) return undefined;
    rootEnd ??= skipValue(text, start);
    let valueStart = start;
    let range: Range = [start, rootEnd];
    for (const key of path) {
      const c = text.charCodeAt(valueStart);
      let child: Child | undefined;
      if (c === OPEN_BRACE) {
        const members = childrenOf(valueStart) as Map<string, Child>;
        child = members.get(String(key));
      } else if (c === OPEN_BRACKET && typeof key === 'number') {
        child = (childrenOf(valueStart) as Child[])[key];
      }
      if (!child) return range;
      range = [child.start, child.end];
      valueStart = child.value;
    }
    return range;
  };
}

interface Child {
  /** Where the member's key (or the element) starts. */
  start: number;
  /** Where its value starts. */
  value: number;
  /** Just after its value. */
  end: number;
}

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/** Members by key; a repeated key keeps its last occurrence, as JSON.parse does. */
function indexObject(text: string, open: number): Map<string, Child> {
  const members = new Map<string, Child>();
  let i = skipSpace(text, open + 1);
  while (i < text.length && text.charCodeAt(i) !== CLOSE_BRACE) {
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    const value = skipSpace(text, skipSpace(text, keyEnd) + 1); // past ':'
    const end = skipValue(text, value);
    members.set(key, { start: i, value, end });
    i = skipSpace(text, end);
    if (text.charCodeAt(i) === COMMA) i = skipSpace(text, i + 1);
  }
  return members;
}

function indexArray(text: string, open: number): Child[] {
  const elements: Child[] = [];
  let i = skipSpace(text, open + 1);
  while (i < text.length && text.charCodeAt(i) !== CLOSE_BRACKET) {
    const end = skipValue(text, i);
    elements.push({ start: i, value: i, end });
    i = skipSpace(text, end);
    if (text.charCodeAt(i) === COMMA) i = skipSpace(text, i + 1);
  }
  return elements;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** `i` at an opening quote → just after the closing quote. */
function skipString(text: string, i: number): number {
  i++;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === QUOTE) return i + 1;
    else i++;
  }
  return i;
}

/** `i` at the start of a value → just after it. */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return skipString(text, i);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0;
    while (i < text.length) {
      const d = text.charCodeAt(i);
      if (d === QUOTE) {
        i = skipString(text, i);
        continue;
      }
      if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
      else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return i;
  }
  // number, true, false, null
  while (i < text.length) {
    const d = text.charCodeAt(i);
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || d <= 0x20) break;
    i++;
  }
  return i;
}
