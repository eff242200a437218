import { type Document, isMap, isSeq, parseAllDocuments } from 'yaml';
import { at, first } from '../at.js';
import type { IssueCode } from '../issue-codes.js';
import { type Collected, collected, type FieldPath, formatPath, type Issue, type Range } from '../issues.js';
import {
  expansionBudget,
  flowNestingExcess,
  jsonDuplicateKey,
  MAX_NESTING,
  type Measure,
  measureValue,
} from './bound-document.js';
import type { LoadedObject } from './loaded-object.js';
import { createJsonLocator } from './locate-json.js';
import { notAManifest, unrenderedTemplate } from './not-a-manifest.js';
import { PositionTape } from './position-tape.js';
import { readFastYaml, readFastYamlDocuments } from './read-fast-yaml.js';
import type { SourceFile } from './source.js';

/**
 * Text → objects, as `kubectl apply -f` reads it: YAML (1.1, like sigs.k8s.io/yaml) or JSON,
 * multi-document streams, `kind: List` and typed lists (`PodList`, whose items may lack
 * `kind`). Each object gets a `locate` that finds the range of a field path when someone
 * asks: from ranges the fast YAML reader records while reading (a `PositionTape`), else
 * from the text only then (JSON, and YAML the fast reader declines, which `yaml` parses).
 * A file with no Kubernetes object at all (Helm values, kustomization) is skipped with a note.
 */
export function loadDocuments(source: SourceFile): Collected<LoadedObject[]> {
  return loadDocumentsTaped(source).loaded;
}

/** What the fast reader recorded of a whole text: its tape and each document's value and root entry. */
export interface TapedRead {
  tape: PositionTape;
  docs: { value: unknown; root: number }[];
}

/** `loadDocuments`, and the tape when the fast reader read the whole text (`list-layout` lays a List out by item from it). */
export function loadDocumentsTaped(source: SourceFile): { loaded: Collected<LoadedObject[]>; taped?: TapedRead } {
  const issues: Issue[] = [];
  const objects: LoadedObject[] = [];
  const kept: { taped?: TapedRead } = {};
  const docs = parseSource(source, issues, kept);
  const skip =
    unrenderedTemplate(source, issues) ??
    (issues.length === 0
      ? notAManifest(
          source,
          docs.map((doc) => doc.value),
        )
      : undefined);
  if (skip) return { loaded: collected(objects, [skip]) };
  docs.forEach((doc, docIndex) => {
    collectObjects(source, doc, docIndex, issues, objects);
  });
  return { loaded: collected(objects, issues), ...kept };
}

interface ParsedDoc {
  value: unknown;
  /** Range of a field path in the document, or of its nearest existing ancestor. */
  locate(path: FieldPath): Range | undefined;
  /** Offset where the document starts (for issues about the whole document). */
  start: number;
}

// `logLevel: 'error'`: yaml would print a process warning for a collection used as a key; the
// validator reports the stringified key where it matters, with its position.
const YAML_OPTIONS = { version: '1.1', merge: true, uniqueKeys: true, prettyErrors: false, logLevel: 'error' } as const;

function parseSource(source: SourceFile, issues: Issue[], kept: { taped?: TapedRead } = {}): ParsedDoc[] {
  const json = parseJson(source, issues);
  if (json) return json;
  const m = newMeasure(expansionBudget(source.text));
  return (
    parseTapedYaml(source, m, issues, kept) ?? parseFastYaml(source, m, issues) ?? parseYamlLibrary(source, m, issues)
  );
}

/**
 * Fast path for `kubectl get -o json`: native JSON.parse, positions only on demand. Undefined
 * when the text is not one JSON value (a JSON stream, or broken: the YAML parser says where).
 */
function parseJson(source: SourceFile, issues: Issue[]): ParsedDoc[] | undefined {
  const { text } = source;
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const doc: ParsedDoc = { value, start: text.length - trimmed.length, locate: createJsonLocator(text) };
  const m = newMeasure(Number.POSITIVE_INFINITY);
  if (!measureValue(value, m)) return excess(source, doc, m, issues);
  const duplicate = jsonDuplicateKey(text, m);
  if (!duplicate) return [doc];
  issues.push({
    code: 'syntax',
    severity: 'error',
    path: [],
    // The words of the YAML parser for the same mistake: both inputs read alike.
    message: `Map keys must be unique: "${duplicate.key}" is repeated${duplicate.path.length ? ` in ${formatPath(duplicate.path)}` : ''}`,
    file: source.name,
    range: [duplicate.offset, duplicate.offset + JSON.stringify(duplicate.key).length],
  });
  return [];
}

/**
 * The fast reader with ranges recorded while reading (12 bytes a node): a lookup walks the
 * tape, with no second parse of the text (`yaml`'s of a 3 MB file takes seconds and ~100 MB).
 * Undefined when the fast reader declines the text.
 */
function parseTapedYaml(
  source: SourceFile,
  m: Measure,
  issues: Issue[],
  kept: { taped?: TapedRead },
): ParsedDoc[] | undefined {
  const tape = new PositionTape();
  const taped = readFastYamlDocuments(source.text, tape);
  if (!taped) return undefined;
  const docs = taped.map(
    ({ value, root }): ParsedDoc => ({
      value,
      locate: (path) => (root < 0 ? undefined : tape.locate(root, value, path)),
      start: root < 0 ? 0 : tape.range(root)[0],
    }),
  );
  for (const doc of docs) if (!measureValue(doc.value, m)) return excess(source, doc, m, issues);
  kept.taped = { tape, docs: taped };
  return docs;
}

/**
 * The fast reader without positions; `yaml` parses the text only when a range is first asked
 * for (to print an issue), so ranges are exactly those of the path below. Undefined when the
 * fast reader declines the text.
 */
function parseFastYaml(source: SourceFile, m: Measure, issues: Issue[]): ParsedDoc[] | undefined {
  const { text } = source;
  const fast = readFastYaml(text);
  if (!fast) return undefined;
  let yamlDocs: Document.Parsed[] | undefined;
  const yamlDoc = (index: number) => {
    yamlDocs ??= parseAllDocuments(text, YAML_OPTIONS) as Document.Parsed[];
    return at(yamlDocs, index);
  };
  const docs = fast.map(
    (value, index): ParsedDoc => ({
      value,
      locate: (path) => locateInYaml(yamlDoc(index), path),
      get start() {
        return yamlDoc(index).range[0];
      },
    }),
  );
  for (const doc of docs) if (!measureValue(doc.value, m)) return excess(source, doc, m, issues);
  return docs;
}

/** What the fast reader declines: `yaml` reads it, and says where it is wrong. */
function parseYamlLibrary(source: SourceFile, m: Measure, issues: Issue[]): ParsedDoc[] {
  const tooDeep = flowNestingExcess(source.text);
  if (tooDeep !== undefined) return nestedTooDeep(source, tooDeep, issues);
  const docs = parseAllWithinStack(source.text);
  if (!docs) return nestedTooDeep(source, 0, issues);
  // An empty stream parses to an EmptyStream: no documents, no errors.
  if (!Array.isArray(docs)) return [];
  const parsed: ParsedDoc[] = [];
  for (const doc of docs) {
    const one = yamlDocument(source, doc, issues);
    if (!one) continue;
    if (!measureValue(one.value, m)) return [...parsed, ...excess(source, one, m, issues)];
    parsed.push(one);
  }
  return parsed;
}

/** One document `yaml` parsed, or undefined (its errors in `issues`) when it cannot be read. */
function yamlDocument(source: SourceFile, doc: Document.Parsed, issues: Issue[]): ParsedDoc | undefined {
  const { text } = source;
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      issues.push({
        code: 'syntax',
        severity: 'error',
        path: [],
        // The yaml library recurses: a stack overflow means nesting far beyond any manifest.
        message: /call stack/i.test(error.message) ? 'values nested too deep to read' : cleanYamlMessage(error.message),
        file: source.name,
        // yaml may point one past the end (at EOF): keep ranges inside the text.
        range: [Math.min(error.pos[0], text.length), Math.min(error.pos[1], text.length)],
      });
    }
    return undefined;
  }
  try {
    const value = doc.toJS({ maxAliasCount: 1000 });
    return { value, start: doc.range?.[0] ?? 0, locate: (path) => locateInYaml(doc, path) };
  } catch (error) {
    issues.push({
      code: 'syntax',
      severity: 'error',
      path: [],
      message:
        error instanceof RangeError
          ? 'values nested too deep to read'
          : error instanceof Error
            ? error.message
            : String(error),
      file: source.name,
      range: doc.range ? [doc.range[0], doc.range[1]] : undefined,
    });
    return undefined;
  }
}

/** `yaml`'s documents, or undefined when it overflowed the stack (it recurses on nesting). */
function parseAllWithinStack(text: string) {
  try {
    return parseAllDocuments(text, YAML_OPTIONS);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

/** Text nested deeper than anything is read (`flowNestingExcess`): one error, no objects. */
function nestedTooDeep(source: SourceFile, offset: number, issues: Issue[]): ParsedDoc[] {
  issues.push({
    code: 'syntax',
    severity: 'error',
    path: [],
    message: `values nested more than ${MAX_NESTING} levels deep`,
    file: source.name,
    range: [offset, offset + 1],
  });
  return [];
}

/** A path of 512 levels is not worth printing whole. */
function shortPath(path: FieldPath): string {
  const text = formatPath(path);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function newMeasure(budget: number): Measure {
  return { budget, keys: 0, colons: 0 };
}

/** A document over the limits: one error where it went over, and no objects from it. */
function excess(source: SourceFile, doc: ParsedDoc, m: Measure, issues: Issue[]): ParsedDoc[] {
  issues.push({
    code: 'syntax',
    severity: 'error',
    path: [],
    message: `${m.excess?.message ?? 'too large'}${m.excess?.path.length ? ` (at ${shortPath(m.excess.path)})` : ''}`,
    file: source.name,
    range: doc.locate(m.excess?.path ?? []) ?? [doc.start, doc.start + 1],
  });
  return [];
}

export function cleanYamlMessage(message: string): string {
  // yaml appends a code frame after the first line; we print our own position.
  return first(message.split('\n')).replace(/ at line \d+, column \d+:?$/, '');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function collectObjects(
  source: SourceFile,
  doc: ParsedDoc,
  docIndex: number,
  issues: Issue[],
  out: LoadedObject[],
): void {
  const { value } = doc;
  if (value === null || value === undefined) return; // empty document between `---`
  const docRange = (): Range => [doc.start, doc.start + 1]; // lazy: `start` may cost a parse
  const at: CollectContext = { source, docIndex, locate: (path) => doc.locate(path) ?? docRange(), issues, out };
  if (!isObject(value)) {
    issues.push({
      code: 'not-an-object',
      severity: 'error',
      path: [],
      message: `expected a Kubernetes object (a mapping with apiVersion and kind), found ${describeType(value)}${tableHint(value)}`,
      file: source.name,
      range: at.locate([]),
    });
    return;
  }
  collectObject(value, [], '', '', at);
}

/** Where collected objects come from and go (a parsed document, or a streamed element). */
export interface CollectContext {
  source: SourceFile;
  docIndex: number;
  /** Range of a path from the document's root (never undefined: falls back to the document). */
  locate(path: FieldPath): Range;
  issues: Issue[];
  out: LoadedObject[];
}

/**
 * One object or list at `path`. `kubectl apply` flattens Lists at any depth (its
 * FlattenListVisitor), so a List inside a List yields its items too. A typed list
 * (`PodList`) names its items' kind and apiVersion when they lack them.
 */
export function collectObject(
  item: Record<string, unknown>,
  path: FieldPath,
  inheritedKind: string,
  inheritedApi: string,
  at: CollectContext,
): void {
  const kind = typeof item.kind === 'string' && item.kind !== '' ? item.kind : inheritedKind;
  const apiVersion = typeof item.apiVersion === 'string' ? item.apiVersion : inheritedApi;
  if (kind === '') {
    problem(at, 'missing-kind', [...path, 'kind'], "Object 'Kind' is missing", path);
    return;
  }
  if (!(kind.endsWith('List') && 'items' in item)) {
    at.out.push({
      source: at.source,
      docIndex: at.docIndex,
      basePath: path,
      kind,
      apiVersion,
      // A list item gets the kind and apiVersion its list gives; copied only when it lacks them.
      value:
        path.length === 0 || (item.kind === kind && item.apiVersion === apiVersion)
          ? item
          : { ...item, kind, apiVersion },
      locate: path.length === 0 ? at.locate : (relative) => at.locate([...path, ...relative]),
    });
    return;
  }
  const items = item.items;
  if (items === null || items === undefined) return;
  const itemsPath = [...path, 'items'];
  if (!Array.isArray(items)) {
    problem(at, 'field-type', itemsPath, `${formatPath(itemsPath)}: expected a list, found ${describeType(items)}`);
    return;
  }
  const itemKind = kind === 'List' ? '' : kind.slice(0, -'List'.length);
  const itemApi = typeof item.apiVersion === 'string' ? item.apiVersion : inheritedApi;
  for (let index = 0; index < items.length; index++) {
    const child: unknown = items[index];
    const childPath = [...itemsPath, index];
    if (isObject(child)) collectObject(child, childPath, itemKind, itemApi, at);
    else
      problem(
        at,
        'not-an-object',
        childPath,
        `${formatPath(childPath)}: expected a Kubernetes object, found ${describeType(child)}`,
      );
  }
}

function problem(at: CollectContext, code: IssueCode, path: FieldPath, message: string, where: FieldPath = path): void {
  at.issues.push({ code, severity: 'error', path, message, file: at.source.name, range: at.locate(where) });
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  return `${typeof value} ${String(value)}`;
}

/** The range of the node at `path`, or of its nearest existing ancestor (exported for tests). */
export function locateInYaml(yamlDoc: Document.Parsed, path: FieldPath): Range | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: walking a YAML AST of unknown shape
  let node: any = yamlDoc.contents;
  let range: Range | undefined = node?.range ? [node.range[0], node.range[1]] : undefined;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        // biome-ignore lint/suspicious/noExplicitAny: scalar keys
        const k: any = p.key;
        return k !== null && typeof k === 'object' && 'value' in k
          ? String(k.value) === String(key)
          : String(k) === String(key);
      });
      if (!pair) return range;
      // A key with no value (`port:`) is still a place the user wrote: point at the key.
      // biome-ignore lint/suspicious/noExplicitAny: yaml node
      const value: any = pair.value;
      // biome-ignore lint/suspicious/noExplicitAny: yaml node
      const keyNode: any = pair.key;
      if (value?.range) {
        range = [keyNode?.range?.[0] ?? value.range[0], value.range[1]];
        node = value;
      } else {
        if (keyNode?.range) range = [keyNode.range[0], keyNode.range[1]];
        node = value;
      }
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key];
      // biome-ignore lint/suspicious/noExplicitAny: yaml node
      const r = (item as any)?.range;
      if (!r) return range;
      range = [r[0], r[1]];
      node = item;
    } else {
      return range;
    }
  }
  return range;
}

/** `kubectl get pods` piped in prints a table, which YAML reads as one string: say what to run instead. */
function tableHint(value: unknown): string {
  return typeof value === 'string' && /^(NAMESPACE|NAME)\s{2,}\S/.test(value)
    ? "; this looks like kubectl's table output: give objects, e.g. kubectl get pods,networkpolicies -A -o yaml"
    : '';
}
