import { type FieldPath, formatPath, type Issue } from '../issues.js';

/**
 * The API server decodes a request body into Go structs before it validates anything; a
 * JSON value of the wrong type (a string where an int32 goes, a map where a list goes) fails
 * that decode with encoding/json's message. `decodeObject` does the same walk over a schema
 * of the fields we read, reporting each mismatch at its exact field path, and returns a
 * sanitised copy (mismatches replaced by the Go zero value) for the semantic validators.
 * Unknown fields inside structs whose schema is complete (`strict`) are refused, as kubectl's
 * default `--validate=strict` makes the API server do; elsewhere they are kept and ignored.
 */

/**
 * Each schema node also carries, at the type level only, the TypeScript type of what it
 * decodes to (zod's inference, on our own schema: see packages/core/README.md); `Infer<S>`
 * reads it back. Decoded values never hold `null`: a JSON null is the Go zero value, and an
 * absent struct field stays absent (so every struct field is optional). Nodes are
 * interfaces so declarations print them by name.
 */
interface Decodes<T> {
  /** Never present at run time: only carries the decoded type (covariant). */
  readonly __decodesTo?: () => T;
}
export interface StringSchema<T extends string = string> extends Decodes<T> {
  t: 'string';
  go?: string;
}
export interface Int32Schema extends Decodes<number> {
  t: 'int32';
}
export interface Int64Schema extends Decodes<number> {
  t: 'int64';
}
export interface BoolSchema extends Decodes<boolean> {
  t: 'bool';
}
export interface IntOrStringSchema extends Decodes<number | string> {
  t: 'intOrString';
}
export interface AnySchema extends Decodes<unknown> {
  t: 'any';
}
export interface ListSchema<T = unknown> extends Decodes<T[]> {
  t: 'list';
  of: Schema;
}
export interface MapSchema<T = unknown> extends Decodes<Record<string, T>> {
  t: 'map';
  of: Schema;
}
export interface StructSchema<T = unknown> extends Decodes<T> {
  t: 'struct';
  go: string;
  fields: Readonly<Record<string, Schema>>;
  /** Every field of the Go type is listed: others are refused, as strict decoding does. */
  strict?: boolean;
}

/** The runtime description the decoder walks. */
export type Schema =
  | StringSchema
  | Int32Schema
  | Int64Schema
  | BoolSchema
  | IntOrStringSchema
  | AnySchema
  | ListSchema
  | MapSchema
  | StructSchema;

export type Infer<S> = S extends Decodes<infer T> ? T : unknown;

/** The decoded type of a struct with these field schemas: every field optional. */
export type StructOf<F extends Readonly<Record<string, Schema>>> = { [K in keyof F]?: Infer<F[K]> };

/** A decode error: the JSON type does not fit the Go type (the API server rejects the body). */
function typeMismatch(path: FieldPath, message: string): Issue {
  return { code: 'field-type', severity: 'error', path, message };
}

/** A field the Go type does not have (`kubectl apply` validates strictly by default). */
export function unknownField(path: FieldPath): Issue {
  return {
    code: 'field-unknown',
    severity: 'error',
    path,
    message: `strict decoding error: unknown field ${JSON.stringify(formatPath(path))}`,
  };
}

const INT32: [number, number] = [-(2 ** 31), 2 ** 31 - 1];
const INT64: [number, number] = [-(2 ** 63), 2 ** 63];

export function goTypeName(schema: Schema): string {
  switch (schema.t) {
    case 'string':
      return schema.go ?? 'string';
    case 'list':
      return `[]${goTypeName(schema.of)}`;
    case 'map':
      return `map[string]${goTypeName(schema.of)}`;
    case 'struct':
      return schema.go;
    case 'intOrString':
      return 'intstr.IntOrString';
    case 'any':
      return 'interface {}';
    default:
      return schema.t;
  }
}

/** The JSON kind encoding/json names in `cannot unmarshal X`. */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'string';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'object';
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function zeroOf(schema: Schema): unknown {
  switch (schema.t) {
    case 'string':
      return '';
    case 'int32':
    case 'int64':
    case 'intOrString':
      return 0;
    case 'bool':
      return false;
    case 'list':
      return [];
    case 'map':
    case 'struct':
      return {};
    default:
      return undefined;
  }
}

/**
 * Walk state. Paths and field stacks are mutable stacks (pushed and popped around each
 * child) and copied only when an issue is reported: a 10,000-pod list is walked without
 * allocating a path per field.
 */
interface Context {
  issues: Issue[];
  /** The field path of the value being decoded. */
  path: (string | number)[];
  /** JSON field names from the root, without indices (encoding/json's FieldStack). */
  fields: string[];
  /** Name of the innermost Go struct being decoded ('' inside IntOrString). */
  struct: string;
}

function mismatch(ctx: Context, kind: string, schema: Schema): void {
  const into = ctx.fields.length > 0 ? `Go struct field ${ctx.struct}.${ctx.fields.join('.')}` : 'Go value';
  ctx.issues.push(
    typeMismatch([...ctx.path], `json: cannot unmarshal ${kind} into ${into} of type ${goTypeName(schema)}`),
  );
}

function numberLiteral(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}

const isInt32 = (value: number) => Number.isInteger(value) && value >= INT32[0] && value <= INT32[1];

/** Decode `value` as `schema`; returns the value itself when nothing had to change. */
function walk(value: unknown, schema: Schema, ctx: Context): unknown {
  if (value === null || value === undefined) return value; // JSON null: the zero value, no error
  switch (schema.t) {
    case 'any':
      return value;
    case 'string':
      return decodeString(value, schema, ctx);
    case 'bool':
      if (typeof value === 'boolean') return value;
      mismatch(ctx, jsonKind(value), schema);
      return false;
    case 'int32':
    case 'int64':
      return decodeInteger(value, schema, ctx);
    case 'intOrString':
      return decodeIntOrString(value, ctx);
    case 'list':
      return decodeList(value, schema, ctx);
    case 'map':
      return decodeMap(value, schema, ctx);
    case 'struct':
      return decodeStruct(value, schema, ctx);
  }
}

function decodeString(value: unknown, schema: StringSchema, ctx: Context): string {
  if (typeof value === 'string') return value;
  // YAML 1.1 timestamps: sigs.k8s.io/yaml keeps them as strings.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  mismatch(ctx, jsonKind(value), schema);
  return '';
}

function decodeInteger(value: unknown, schema: Int32Schema | Int64Schema, ctx: Context): number {
  if (typeof value !== 'number') {
    mismatch(ctx, jsonKind(value), schema);
    return 0;
  }
  const [lo, hi] = schema.t === 'int32' ? INT32 : INT64;
  if (Number.isInteger(value) && value >= lo && value <= hi) return value;
  mismatch(ctx, `number ${numberLiteral(value)}`, schema);
  return 0;
}

/**
 * IntOrString.UnmarshalJSON: a JSON string is a name, anything else decodes as int32 with a
 * fresh decoder (so the message names no struct field).
 */
function decodeIntOrString(value: unknown, ctx: Context): number | string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && isInt32(value)) return value;
  if (value instanceof Date) return value.toISOString();
  const inner: Context = { issues: ctx.issues, path: ctx.path, fields: [], struct: '' };
  mismatch(inner, typeof value === 'number' ? `number ${numberLiteral(value)}` : jsonKind(value), { t: 'int32' });
  return 0;
}

/** Each item decoded; a copy only when one changed (a null item is its type's zero value). */
function decodeList(value: unknown, schema: ListSchema, ctx: Context): unknown[] {
  if (!Array.isArray(value)) {
    mismatch(ctx, jsonKind(value), schema);
    return [];
  }
  let out: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    ctx.path.push(i);
    let decoded = walk(value[i], schema.of, ctx);
    ctx.path.pop();
    if (decoded === null || decoded === undefined) decoded = zeroOf(schema.of);
    if (decoded !== value[i]) {
      out ??= [...value];
      out[i] = decoded;
    }
  }
  return out ?? value;
}

/** Each value decoded; a copy only when one changed (a null value is its type's zero value). */
function decodeMap(value: unknown, schema: MapSchema, ctx: Context): Record<string, unknown> {
  if (!isPlainObject(value)) {
    mismatch(ctx, jsonKind(value), schema);
    return {};
  }
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    ctx.path.push(key);
    let decoded = walk(value[key], schema.of, ctx);
    ctx.path.pop();
    if (decoded === null || decoded === undefined) decoded = zeroOf(schema.of);
    if (decoded !== value[key]) {
      out ??= { ...value };
      setOwn(out, key, decoded);
    }
  }
  return out ?? value;
}

/**
 * The fields the schema knows decoded (a null one dropped: an absent field), the others kept
 * and ignored, or refused when the struct is strict; a copy only when something changed.
 */
function decodeStruct(value: unknown, schema: StructSchema, ctx: Context): Record<string, unknown> {
  if (!isPlainObject(value)) {
    mismatch(ctx, jsonKind(value), schema);
    return {};
  }
  if (schema.strict) {
    for (const key in value) {
      if (!Object.hasOwn(schema.fields, key)) ctx.issues.push(unknownField([...ctx.path, key]));
    }
  }
  let out: Record<string, unknown> | undefined;
  const outerStruct = ctx.struct;
  const struct = structNameOf(schema);
  for (const key in value) {
    const fieldSchema = Object.hasOwn(schema.fields, key) ? schema.fields[key] : undefined;
    if (!fieldSchema) continue;
    ctx.path.push(key);
    ctx.fields.push(key);
    ctx.struct = struct;
    const decoded = walk(value[key], fieldSchema, ctx);
    ctx.struct = outerStruct;
    ctx.fields.pop();
    ctx.path.pop();
    if (decoded === null || decoded === undefined) {
      if (value[key] !== decoded || value[key] === null) {
        out ??= { ...value };
        delete out[key];
      }
    } else if (decoded !== value[key]) {
      out ??= { ...value };
      setOwn(out, key, decoded);
    }
  }
  return out ?? value;
}

/**
 * Whether `walk` would return `value` itself and report nothing: every value has its Go
 * type, no null to drop, no unknown field in a strict struct. Conservative: anything else
 * (a null, a Date, a mismatch) is left to `walk`, which says what and where.
 */
export function decodesToItself(value: unknown, schema: Schema): boolean {
  switch (schema.t) {
    case 'any':
      return value !== null && value !== undefined;
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'int32':
      return typeof value === 'number' && isInt32(value);
    case 'int64':
      return typeof value === 'number' && Number.isInteger(value) && value >= INT64[0] && value <= INT64[1];
    case 'intOrString':
      return typeof value === 'string' || (typeof value === 'number' && isInt32(value));
    case 'list': {
      if (!Array.isArray(value)) return false;
      for (let i = 0; i < value.length; i++) if (!decodesToItself(value[i], schema.of)) return false;
      return true;
    }
    case 'map': {
      if (!isPlainObject(value)) return false;
      for (const key in value) {
        if (Object.hasOwn(value, key) && !decodesToItself(value[key], schema.of)) return false;
      }
      return true;
    }
    case 'struct': {
      if (!isPlainObject(value)) return false;
      const { fields } = schema;
      // Every key `walk` visits (for...in, as it does).
      for (const key in value) {
        const field = Object.hasOwn(fields, key) ? fields[key] : undefined;
        if (field ? !decodesToItself(value[key], field) : schema.strict) return false;
      }
      return true;
    }
  }
}

/** `target[key] = value` that stays an own property even for the key `__proto__`. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

const structNames = new WeakMap<Schema, string>();

function structNameOf(schema: StructSchema): string {
  let name = structNames.get(schema);
  if (name === undefined) {
    name = schema.go.slice(schema.go.lastIndexOf('.') + 1);
    structNames.set(schema, name);
  }
  return name;
}

export interface Decoded<T> {
  /**
   * The object with every mistyped value replaced by its Go zero value, so it has the
   * schema's type (fields the schema does not list are kept, untyped).
   */
  value: T;
  /** `field-type` and `field-unknown` issues, one per mistyped value, at its field path. */
  issues: Issue[];
}

/** Check `value` against a struct schema as encoding/json would decode it. */
export function decodeObject<S extends StructSchema>(value: Record<string, unknown>, schema: S): Decoded<Infer<S>> {
  // Almost every object decodes to itself: checked first without the walk's stacks.
  if (decodesToItself(value, schema)) return { value: value as Infer<S>, issues: [] };
  return decodeByWalking(value, schema);
}

/** `decodeObject` without the check that it decodes to itself (exported for its test). */
export function decodeByWalking<S extends StructSchema>(value: Record<string, unknown>, schema: S): Decoded<Infer<S>> {
  // One walk at a time (walk never decodes another object), so the stacks are shared: two
  // arrays per object were a tenth of a 150,000-pod load's garbage. Emptied first in case a
  // walk was cut short by an exception.
  const ctx = SHARED;
  ctx.issues = [];
  ctx.path.length = 0;
  ctx.fields.length = 0;
  ctx.struct = '';
  // walk returns a value of the schema's shape: mismatches were replaced by zero values.
  const out = walk(value, schema, ctx) as Infer<S>;
  return { value: out, issues: ctx.issues };
}

const SHARED: Context = { issues: [], path: [], fields: [], struct: '' };

/** Whether `path` is `prefix` or lies under it (to drop consequences of a decode error). */
export function isUnder(path: FieldPath, prefix: FieldPath): boolean {
  if (path.length < prefix.length) return false;
  return prefix.every((part, i) => part === path[i]);
}
