import { at } from '../at.js';
import { type Collected, collected, type FieldPath, formatPath, type Issue, type Range } from '../issues.js';
import { expansionBudget, measureValue } from './bound-document.js';
import { commonPrefix, commonSuffix } from './common-span.js';
import {
  type CollectContext,
  collectObject,
  describeType,
  loadDocumentsTaped,
  type TapedRead,
} from './load-documents.js';
import type { LoadedObject } from './loaded-object.js';
import { notAManifest } from './not-a-manifest.js';
import { PositionTape } from './position-tape.js';
import { readFastYamlDocuments } from './read-fast-yaml.js';
import { anchorEnd } from './read-flow-yaml.js';
import type { SourceFile } from './source.js';

/**
 * A `kind: List` read from a text of one YAML document (`netpol gen`, `kubectl get -o yaml`),
 * laid out by item: where each item's dash line starts, and the objects each item gave. An
 * edit of the text then re-reads only the items whose lines changed (`rereadList`): the web
 * UI's what-if on a 3 MB file reads one item, not 6,000, and the items it did not touch keep
 * their objects (so their decoded forms and models are kept too).
 */
export interface ListLayout {
  text: string;
  /**
   * The source the List was read whole from: objects of its items may stay in later layouts
   * (its text is the input's). An object an edit read is placed in each later text instead.
   */
  whole: SourceFile;
  /** The column of every item's dash. */
  column: number;
  /** Where each item's line starts (the line of its dash). */
  starts: number[];
  /** Where the items end (past the last item's last line break): the rest is the List's tail. */
  end: number;
  /** What the List's value spends of a text's expansion budget (`measureValue`): an edit adds and takes items' costs. */
  spent: number;
  root: Record<string, unknown>;
  items: unknown[];
  /** The objects of each item (a List inside a List gives several, an item that is no object none). */
  objects: LoadedObject[][];
  itemKind: string;
  itemApi: string;
}

/**
 * Where a re-read object's ranges come from: `locate` answers in some coordinates (the whole
 * text's once, or the re-read lines'), whose 0 is at `origin` in the current text. An object
 * moved by a later edit gets the same `locate` and another origin, never a locate of a locate.
 */
interface Placed {
  locate(path: FieldPath): Range | undefined;
  origin: number;
}

const placements = new WeakMap<LoadedObject, Placed>();

function placed(object: LoadedObject): Placed {
  return placements.get(object) ?? { locate: object.locate, origin: 0 };
}

function shift(range: Range | undefined, by: number): Range | undefined {
  return range && [range[0] + by, range[1] + by];
}

/** `loadDocuments`, with the layout of a List of one YAML document that read without issues. */
export function loadDocumentsLaidOut(source: SourceFile): {
  loaded: Collected<LoadedObject[]>;
  layout?: ListLayout;
} {
  const { loaded, taped } = loadDocumentsTaped(source);
  const layout = taped && loaded.issues.length === 0 ? layoutOf(source, taped, loaded.value) : undefined;
  return layout ? { loaded, layout } : { loaded };
}

function layoutOf(source: SourceFile, taped: TapedRead, objects: readonly LoadedObject[]): ListLayout | undefined {
  const { text } = source;
  if (taped.docs.length !== 1) return undefined;
  const { value, root: entry } = at(taped.docs, 0);
  const list = listOf(value);
  if (!list || entry < 0) return undefined;
  const { root, items } = list;
  const starts: number[] = [];
  let column = -1;
  for (let k = 0; k < items.length; k++) {
    const start = taped.tape.locate(entry, root, ['items', k])[0];
    const line = text.lastIndexOf('\n', start - 1) + 1;
    const dash = dashColumn(text, line);
    if (dash < 0 || (column >= 0 && dash !== column) || line + dash > start) return undefined;
    column = dash;
    starts.push(line);
  }
  const grouped: LoadedObject[][] = items.map(() => []);
  for (const object of objects) {
    const k = object.basePath[1];
    if (object.docIndex !== 0 || object.basePath[0] !== 'items' || typeof k !== 'number') return undefined;
    at(grouped, k).push(object);
  }
  const end = taped.tape.locate(entry, root, ['items'])[1];
  const spent = costOf(root);
  return { text, whole: source, column, starts, end, spent, root, items, objects: grouped, ...itemKinds(root) };
}

/** A non-empty List: what `collectObject` flattens at the root, by the same rules. */
function listOf(value: unknown): { root: Record<string, unknown>; items: unknown[] } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const root = value as Record<string, unknown>;
  const { kind, items } = root;
  if (typeof kind !== 'string' || !kind.endsWith('List') || !Array.isArray(items) || items.length === 0)
    return undefined;
  return { root, items };
}

/** The kind and apiVersion a List names for its items (as `collectObject` derives them). */
function itemKinds(root: Record<string, unknown>): { itemKind: string; itemApi: string } {
  const kind = root.kind as string;
  return {
    itemKind: kind === 'List' ? '' : kind.slice(0, -'List'.length),
    itemApi: typeof root.apiVersion === 'string' ? root.apiVersion : '',
  };
}

/** The column of the `- ` that starts the line at `line`, or -1. */
function dashColumn(text: string, line: number): number {
  let i = line;
  while (text.charCodeAt(i) === 0x20) i++;
  const next = text.charCodeAt(i + 1);
  return text.charCodeAt(i) === 0x2d && (next === 0x20 || next === 0x0a || Number.isNaN(next)) ? i - line : -1;
}

/**
 * The List of `layout` after its text became `source.text`, reading only the lines that
 * changed: the items from the one holding the first changed character to the one holding the
 * last, read on their own as a sequence at the items' column, with the fast reader (whose
 * every node ends at a line less indented, so lines after them read as before). Items before
 * keep their objects; items after get their objects back, moved to their new offsets.
 * `undefined` when that would not be what reading the whole text gives: the change reaches
 * the List's head or tail, a document marker or directive, an anchor aliased outside the
 * re-read lines, text the fast reader declines, or leaves no item. The caller then reads the
 * whole text. `carried`: each moved object and the object it was.
 */
export function rereadList(
  layout: ListLayout,
  source: SourceFile,
): { loaded: Collected<LoadedObject[]>; layout?: ListLayout; carried: Map<LoadedObject, LoadedObject> } | undefined {
  const old = layout.text;
  const { text } = source;
  const { starts, column } = layout;
  const common = commonPrefix(old, text);
  const q = old.length - commonSuffix(old, text, common); // the changed characters of the old text are [common, q)
  // From the changed line's start: an inserted line may align its common spaces with the next
  // line's indentation ("  " + "x: 1\n  " before "- a"), which is not where the change is.
  const p = old.lastIndexOf('\n', common - 1) + 1;
  const delta = text.length - old.length;
  const n = starts.length;
  if (q <= at(starts, 0) && p < at(starts, 0)) return rereadHead(layout, source, delta);
  if (p < at(starts, 0) || q > layout.end) return undefined;
  // The first item touched: the one whose lines hold `p`; text inserted at an item's line
  // start may continue the item before it (more indented lines), so that one is read too.
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (at(starts, mid) < p) lo = mid;
    else hi = mid - 1;
  }
  const i = lo;
  let j = i + 1;
  while (j < n && at(starts, j) < q) j++;
  const from = at(starts, i);
  const oldTo = j < n ? at(starts, j) : layout.end;
  const to = oldTo + delta;
  // The lines after the re-read ones must start where they did: at a line start.
  if (to < text.length && text.charCodeAt(to - 1) !== 0x0a) return undefined;
  // A copy, not a slice: the strings read from a slice of `text` would keep this whole text
  // (V8 slices keep their parent) as long as the items stay, past later edits.
  const chunk = ` ${text.slice(from, to)}`.slice(1);
  if (/(?:^|\n)(?:---|\.\.\.|%)/.test(chunk)) return undefined;
  if (!anchorsStayInside(old, from, oldTo, text, to)) return undefined;
  const tape = new PositionTape();
  const docs = readFastYamlDocuments(chunk, tape);
  if (!docs || docs.length > 1) return undefined;
  const read = docs[0];
  const fresh = read === undefined || read.value === null ? [] : read.value;
  if (!Array.isArray(fresh) || (fresh.length > 0 && firstColumn(chunk) !== column)) return undefined;
  const items = [...layout.items.slice(0, i), ...fresh, ...layout.items.slice(j)];
  if (items.length === 0) return undefined;
  const root = { ...layout.root, items };
  // The budget `measureValue` would spend on the whole value: its cost is the sum of its nodes'.
  let spent = layout.spent;
  for (let k = i; k < j; k++) spent -= itemCost(at(layout.items, k));
  for (const item of fresh) spent += itemCost(item);
  if (!(spent <= expansionBudget(text))) return undefined;
  if (notAManifest(source, [root])) return undefined;

  const issues: Issue[] = [];
  const carried = new Map<LoadedObject, LoadedObject>();
  // Items before the edit keep their objects (so their decoded forms and models are kept too).
  const objects: LoadedObject[][] = layout.objects.slice(0, i);
  for (const list of objects) for (const object of list) repoint(object, layout.whole, source);
  const context: CollectContext = {
    source,
    docIndex: 0,
    // The re-read lines' coordinates: their objects are placed at `from` below.
    locate: chunkLocate(tape, read?.root, fresh, i),
    issues,
    out: [],
  };
  fresh.forEach((item, k) => {
    const path = ['items', i + k];
    context.out = [];
    if (item !== null && typeof item === 'object' && !Array.isArray(item))
      collectObject(item as Record<string, unknown>, path, layout.itemKind, layout.itemApi, context);
    else
      issues.push({
        code: 'not-an-object',
        severity: 'error',
        path,
        message: `${formatPath(path)}: expected a Kubernetes object, found ${describeType(item)}`,
        file: source.name,
        range: context.locate(path),
      });
    // Not the object's own locate: it keeps the context, and so this text, past the next edit.
    objects.push(
      context.out.map((object) =>
        place(object, source, object.basePath, within(context.locate, object.basePath), from),
      ),
    );
  });
  for (const issue of issues) issue.range = shift(issue.range, from);
  // Items after the edit stay where they were when it kept their index and every line start
  // after it (a character replaced by another: 8080 -> 8087): kept as the items before.
  const stay = fresh.length === j - i && sameLineStarts(old, text, common, q);
  for (let k = j; k < n; k++) {
    const index = k - j + i + fresh.length;
    const list = at(layout.objects, k);
    if (stay) for (const object of list) repoint(object, layout.whole, source);
    objects.push(
      stay
        ? list
        : list.map((object) =>
            moveObject(object, source, ['items', index, ...object.basePath.slice(2)], delta, carried),
          ),
    );
  }
  const starts2 = [
    ...starts.slice(0, i),
    ...(read ? itemLines(chunk, tape, read.root, fresh).map((line) => line + from) : []),
    ...starts.slice(j).map((start) => start + delta),
  ];
  const all = objects.flat();
  const loaded = collected(all, issues);
  const next: ListLayout | undefined =
    issues.length === 0 && starts2.length === items.length
      ? { ...layout, text, starts: starts2, end: layout.end + delta, spent, root, items, objects }
      : undefined;
  return next ? { loaded, layout: next, carried } : { loaded, carried };
}

/**
 * An edit of the List's head only (the lines before its first item: `apiVersion`, `kind`,
 * `items:`, comments): read alone, the head must give the same value as before (a comment
 * or spacing changed), end with an empty `items:`, keep its column (the tail's keys continue
 * its mapping), and hold no anchor or alias. Every item is then as it was, moved by `delta`.
 */
function rereadHead(
  layout: ListLayout,
  source: SourceFile,
  delta: number,
): { loaded: Collected<LoadedObject[]>; layout?: ListLayout; carried: Map<LoadedObject, LoadedObject> } | undefined {
  const first = at(layout.starts, 0);
  const head = source.text.slice(0, first + delta);
  if (!head.endsWith('\n') || /[&*]/.test(head)) return undefined;
  const before = headValue(layout.text.slice(0, first));
  if (before === undefined || headValue(head) !== before) return undefined;
  if (firstColumn(head) !== firstColumn(layout.text)) return undefined;
  // The same values, but the budget is the new text's.
  if (!(layout.spent <= expansionBudget(source.text))) return undefined;
  const carried = new Map<LoadedObject, LoadedObject>();
  const objects = layout.objects.map((list) =>
    list.map((object) => moveObject(object, source, object.basePath, delta, carried)),
  );
  const next: ListLayout = {
    ...layout,
    text: source.text,
    starts: layout.starts.map((start) => start + delta),
    end: layout.end + delta,
    objects,
  };
  return { loaded: collected(objects.flat(), []), layout: next, carried };
}

/** A head read alone: its value as JSON when it is one mapping whose last key is an empty `items`. */
function headValue(head: string): string | undefined {
  const docs = readFastYamlDocuments(head, new PositionTape());
  const value = docs?.length === 1 ? at(docs, 0).value : undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys[keys.length - 1] !== 'items' || (value as Record<string, unknown>).items !== null) return undefined;
  return JSON.stringify(value);
}

/**
 * An object an edit keeps where it was, read from `source` from now on: its ranges lie where
 * the text before and `source` are the same and so are their line starts up to there, so they
 * read the same line:col in both (and in every earlier text holding the object, by the same
 * argument). Kept as the same object, its decoded form and models are kept; pointed at the
 * new text, it keeps no earlier edit's text alive (the input's, `whole`, stays anyway).
 */
function repoint(object: LoadedObject, whole: SourceFile, source: SourceFile): void {
  if (object.source !== whole) object.source = source;
}

/**
 * Whether offsets from `q` on have the same line and column in `a` and `b`, which differ
 * only in the characters [p, q) (as many in each): their line breaks are at the same places.
 */
function sameLineStarts(a: string, b: string, p: number, q: number): boolean {
  if (a.length !== b.length) return false;
  for (let k = p; k < q; k++) if ((a.charCodeAt(k) === 0x0a) !== (b.charCodeAt(k) === 0x0a)) return false;
  return true;
}

/** `object` at its place moved by `delta` in `source`, as item `basePath` (noted in `carried`). */
function moveObject(
  object: LoadedObject,
  source: SourceFile,
  basePath: FieldPath,
  delta: number,
  carried: Map<LoadedObject, LoadedObject>,
): LoadedObject {
  const where = placed(object);
  const moved = place(object, source, basePath, where.locate, where.origin + delta);
  carried.set(moved, object);
  return moved;
}

/** An object of `source` whose ranges are `locate`'s, moved by `origin`. */
function place(
  object: LoadedObject,
  source: SourceFile,
  basePath: FieldPath,
  locate: Placed['locate'],
  origin: number,
): LoadedObject {
  const moved: LoadedObject = {
    source,
    docIndex: 0,
    basePath,
    kind: object.kind,
    apiVersion: object.apiVersion,
    value: object.value,
    locate: (relative) => shift(locate(relative), origin),
  };
  placements.set(moved, { locate, origin });
  return moved;
}

/**
 * Ranges of the re-read lines (path from the List's root, item `first` at the chunk's first).
 * Made apart from `rereadList`: a closure there would keep all of its scope (the layout before,
 * its text) as long as the objects it reads live, and so every edit's layout before it.
 */
function chunkLocate(
  tape: PositionTape,
  root: number | undefined,
  fresh: unknown[],
  first: number,
): CollectContext['locate'] {
  return (path) =>
    root === undefined ? [0, 1] : tape.locate(root, fresh, [Number(path[1]) - first, ...path.slice(2)]);
}

/** `locate` of the object at `path` (as `collectObject` makes it, keeping nothing else). */
function within(locate: CollectContext['locate'], path: FieldPath): Placed['locate'] {
  return (relative) => locate([...path, ...relative]);
}

/** The line starts of the re-read items (relative to the chunk), or fewer when one does not start a dash line. */
function itemLines(chunk: string, tape: PositionTape, root: number, items: unknown[]): number[] {
  const lines: number[] = [];
  for (let k = 0; k < items.length; k++) {
    const start = tape.locate(root, items, [k])[0];
    const line = chunk.lastIndexOf('\n', start - 1) + 1;
    if (dashColumn(chunk, line) < 0 || line + dashColumn(chunk, line) > start) return lines;
    lines.push(line);
  }
  return lines;
}

/** The indentation of the first line with content (not blank, not a comment). */
function firstColumn(chunk: string): number {
  let line = 0;
  while (line < chunk.length) {
    let i = line;
    while (chunk.charCodeAt(i) === 0x20) i++;
    const c = chunk.charCodeAt(i);
    if (c !== 0x0a && c !== 0x23 && i < chunk.length) return i - line;
    const nl = chunk.indexOf('\n', i);
    if (nl < 0) break;
    line = nl + 1;
  }
  return -1;
}

/**
 * No anchor of the re-read lines (as they were, or are now) is aliased outside them: an item
 * read again would otherwise change a value another item shares. Conservative: any `&name`
 * in those lines and any `*name` elsewhere count (also inside quoted strings).
 */
function anchorsStayInside(old: string, from: number, oldTo: number, text: string, to: number): boolean {
  const names = new Set<string>();
  const collect = (t: string, a: number, b: number) => {
    for (let k = t.indexOf('&', a); k >= 0 && k < b; k = t.indexOf('&', k + 1)) {
      const end = nameEnd(t, k + 1);
      if (end > k + 1) names.add(t.slice(k + 1, end));
    }
  };
  collect(old, from, oldTo);
  collect(text, from, to);
  for (const name of names) {
    const alias = `*${name}`;
    for (let k = text.indexOf(alias); k >= 0; k = text.indexOf(alias, k + 1)) {
      if (k >= from && k < to) continue;
      if (nameEnd(text, k + 1) === k + alias.length) return false;
    }
  }
  return true;
}

/** Where an anchor or alias name starting at `i` ends (`i`: no name there). */
function nameEnd(text: string, i: number): number {
  try {
    return anchorEnd(text, i);
  } catch {
    return i; // an `&` or `*` with no name after it
  }
}

/** The budget `measureValue` spends on `value` at the root (Infinity: nested too deep). */
function costOf(value: unknown): number {
  const budget = Number.MAX_SAFE_INTEGER;
  const m = { budget, keys: 0, colons: 0 };
  return measureValue(value, m) ? budget - m.budget : Number.POSITIVE_INFINITY;
}

/** An item's cost where a List holds it (two levels down, as in `[[item]]`: nesting counts). */
function itemCost(item: unknown): number {
  return costOf([[item]]) - 2;
}
