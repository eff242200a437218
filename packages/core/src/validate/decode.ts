import type { FieldPath, Issue } from '../issues.js';
import { typeMismatch, unknownField } from './messages.js';

/**
 * The API server decodes a request body into Go structs before it validates anything; a
 * JSON value of the wrong type (a string where an int32 goes, a map where a list goes) fails
 * that decode with encoding/json's message. `decodeObject` does the same walk over a schema
 * of the fields we read, reporting each mismatch at its exact field path, and returns a
 * sanitised copy (mismatches replaced by the Go zero value) for the semantic validators.
 * Unknown fields inside structs whose schema is complete (`strict`) are refused, as kubectl's
 * default `--validate=strict` makes the API server do; elsewhere they are kept and ignored.
 */

export type Schema =
  | { t: 'string'; go?: string }
  | { t: 'int32' }
  | { t: 'int64' }
  | { t: 'bool' }
  | { t: 'intOrString' }
  | { t: 'any' }
  | { t: 'list'; of: Schema }
  | { t: 'map'; of: Schema }
  | {
      t: 'struct';
      go: string;
      fields: Readonly<Record<string, Schema>>;
      /** Every field of the Go type is listed: others are refused, as strict decoding does. */
      strict?: boolean;
    };

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

interface Context {
  issues: Issue[];
  /** JSON field names from the root, without indices (encoding/json's FieldStack). */
  fields: string[];
  /** Name of the innermost Go struct being decoded. */
  struct: string;
}

function mismatch(ctx: Context, path: FieldPath, kind: string, schema: Schema): void {
  const into = ctx.fields.length > 0 ? `Go struct field ${ctx.struct}.${ctx.fields.join('.')}` : `Go value`;
  ctx.issues.push(typeMismatch(path, `json: cannot unmarshal ${kind} into ${into} of type ${goTypeName(schema)}`));
}

function numberLiteral(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}

function walk(value: unknown, schema: Schema, path: FieldPath, ctx: Context): unknown {
  if (value === null || value === undefined) return value; // JSON null: the zero value, no error
  switch (schema.t) {
    case 'any':
      return value;
    case 'string':
      if (typeof value === 'string') return value;
      // YAML 1.1 timestamps: sigs.k8s.io/yaml keeps them as strings.
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
      mismatch(ctx, path, jsonKind(value), schema);
      return zeroOf(schema);
    case 'bool':
      if (typeof value === 'boolean') return value;
      mismatch(ctx, path, jsonKind(value), schema);
      return false;
    case 'int32':
    case 'int64': {
      if (typeof value === 'number') {
        const [lo, hi] = schema.t === 'int32' ? INT32 : INT64;
        if (Number.isInteger(value) && value >= lo && value <= hi) return value;
        mismatch(ctx, path, `number ${numberLiteral(value)}`, schema);
        return 0;
      }
      mismatch(ctx, path, jsonKind(value), schema);
      return 0;
    }
    case 'intOrString': {
      // IntOrString.UnmarshalJSON: a JSON string is a name, anything else decodes as int32
      // with a fresh decoder (so the message names no struct field).
      if (typeof value === 'string') return value;
      if (value instanceof Date) return value.toISOString();
      const inner: Context = { issues: ctx.issues, fields: [], struct: '' };
      if (typeof value === 'number') {
        if (Number.isInteger(value) && value >= INT32[0] && value <= INT32[1]) return value;
        mismatch(inner, path, `number ${numberLiteral(value)}`, { t: 'int32' });
        return 0;
      }
      mismatch(inner, path, jsonKind(value), { t: 'int32' });
      return 0;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        mismatch(ctx, path, jsonKind(value), schema);
        return [];
      }
      return value.map((item, index) => {
        const out = walk(item, schema.of, [...path, index], ctx);
        return out === null || out === undefined ? zeroOf(schema.of) : out;
      });
    }
    case 'map': {
      if (!isPlainObject(value)) {
        mismatch(ctx, path, jsonKind(value), schema);
        return {};
      }
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const decoded = walk(item, schema.of, [...path, key], ctx);
        out[key] = decoded === null || decoded === undefined ? zeroOf(schema.of) : decoded;
      }
      return out;
    }
    case 'struct': {
      if (!isPlainObject(value)) {
        mismatch(ctx, path, jsonKind(value), schema);
        return {};
      }
      const out: Record<string, unknown> = { ...value };
      if (schema.strict) {
        for (const key of Object.keys(value)) {
          if (!Object.hasOwn(schema.fields, key)) ctx.issues.push(unknownField([...path, key]));
        }
      }
      const structName = schema.go.slice(schema.go.lastIndexOf('.') + 1);
      for (const [key, fieldSchema] of Object.entries(schema.fields)) {
        if (!(key in value)) continue;
        const child: Context = { issues: ctx.issues, fields: [...ctx.fields, key], struct: structName };
        const decoded = walk(value[key], fieldSchema, [...path, key], child);
        if (decoded === null || decoded === undefined) delete out[key];
        else out[key] = decoded;
      }
      return out;
    }
  }
}

export interface Decoded {
  /** The object with every mistyped value replaced by its Go zero value. */
  value: Record<string, unknown>;
  /** `field-type` issues, one per mistyped value, at its field path. */
  issues: Issue[];
}

/** Check `value` against a struct schema as encoding/json would decode it. */
export function decodeObject(value: Record<string, unknown>, schema: Schema & { t: 'struct' }): Decoded {
  const ctx: Context = { issues: [], fields: [], struct: '' };
  const out = walk(value, schema, [], ctx) as Record<string, unknown>;
  return { value: out, issues: ctx.issues };
}

/** Whether `path` is `prefix` or lies under it (to drop consequences of a decode error). */
export function isUnder(path: FieldPath, prefix: FieldPath): boolean {
  if (path.length < prefix.length) return false;
  return prefix.every((part, i) => part === path[i]);
}
