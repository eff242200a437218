import type { Schema } from './decode.js';
import { isKindName, SCHEMAS } from './schema.js';

/**
 * What a streamed read keeps of an object: the fields netpol reads (the decode schema of
 * validate/schema.ts, which lists every field validation, the model and lint look at) and
 * nothing else. A `kubectl get pods -A -o json` dump is mostly managedFields, status
 * conditions, env, volumes and resources: dropped as they are read.
 *
 * - `all`: the whole value (scalars; anything of a kind netpol has no schema for).
 * - `drop`: skipped (its syntax is still checked).
 * - `struct`: listed fields kept; unknown fields dropped, except in a strict struct, where
 *   they are kept so validation refuses them exactly as it does when the whole file is read.
 */
export type Keep =
  | { k: 'all' }
  | { k: 'drop' }
  | { k: 'list'; of: Keep }
  | { k: 'map'; of: Keep; key?: (key: string) => boolean }
  | { k: 'struct'; fields: ReadonlyMap<string, Keep>; strict: boolean };

export const KEEP_ALL: Keep = { k: 'all' };
export const DROP: Keep = { k: 'drop' };

/**
 * Annotations are validated (sizes, key syntax) but only netpol's own (`netpol.dev/...`,
 * lint-disable) change what netpol says; kubectl's last-applied-configuration can be large.
 */
const OWN_ANNOTATION = (key: string) => key.startsWith('netpol.dev/');

function fromSchema(schema: Schema, path: readonly string[]): Keep {
  switch (schema.t) {
    case 'list':
      return { k: 'list', of: fromSchema(schema.of, [...path, '[]']) };
    case 'map':
      return path.join('.').endsWith('metadata.annotations')
        ? { k: 'map', of: fromSchema(schema.of, [...path, '*']), key: OWN_ANNOTATION }
        : { k: 'map', of: fromSchema(schema.of, [...path, '*']) };
    case 'struct':
      return {
        k: 'struct',
        strict: schema.strict === true,
        fields: new Map(
          Object.entries(schema.fields).map(([name, field]) => [name, fromSchema(field, [...path, name])]),
        ),
      };
    default:
      return KEEP_ALL;
  }
}

const byKind = new Map<string, Keep>();

/** Kinds netpol skips: enough to name them in the "skipped" note. */
const SKIPPED_KIND: Keep = {
  k: 'struct',
  strict: false,
  fields: new Map<string, Keep>([
    ['apiVersion', KEEP_ALL],
    ['kind', KEEP_ALL],
    [
      'metadata',
      {
        k: 'struct',
        strict: false,
        fields: new Map([
          ['name', KEEP_ALL],
          ['namespace', KEEP_ALL],
        ]),
      },
    ],
  ]),
};

/**
 * What to keep of an object of this kind: per its schema; all of a kind netpol reads but has
 * no schema for (never drop what is not understood); a name of a kind netpol skips.
 */
export function keepForKind(kind: string, supported: boolean): Keep {
  if (!supported) return SKIPPED_KIND;
  let keep = byKind.get(kind);
  if (!keep) {
    const schema = isKindName(kind) ? SCHEMAS[kind] : undefined;
    keep = schema ? fromSchema(schema, []) : KEEP_ALL;
    byKind.set(kind, keep);
  }
  return keep;
}

/**
 * A copy of a parsed value with only what `keep` keeps (the live reader prunes each page of
 * a list this way, as the streamed reader does while it reads).
 */
export function pruneToKeep(value: unknown, keep: Keep): unknown {
  if (keep.k === 'all' || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return keep.k === 'list' ? value.map((v) => pruneToKeep(v, keep.of)) : value;
  if (keep.k !== 'struct' && keep.k !== 'map') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    const fieldKeep =
      keep.k === 'map'
        ? keep.key && !keep.key(key)
          ? DROP
          : keep.of
        : (keep.fields.get(key) ?? (keep.strict ? KEEP_ALL : DROP));
    if (fieldKeep.k !== 'drop') out[key] = pruneToKeep(field, fieldKeep);
  }
  return out;
}
