import { unknownField } from '../decode/decode.js';
import { type FieldPath, formatPath, type Issue } from '../issues.js';
import { duplicate, invalid, notSupported, quote, required } from './messages.js';

/**
 * A CustomResourceDefinition's structural OpenAPI schema (the subset the
 * policy.networking.k8s.io CRDs use) and the API server's validation of a custom resource
 * against it. Unlike the built-in kinds (decoded into Go structs, `decode.ts`), a custom
 * resource is checked by kube-openapi's schema validator; apiextensions-apiserver turns its
 * errors into field errors (apiserver/validation/validation.go `ConvertSchemaErrors`):
 * required → Required, enum → NotSupported, maxItems/maxProperties → TooMany, a wrong type
 * → TypeInvalid, anything else → Invalid with kube-openapi's sentence
 * (`spec.priority in body should be less than or equal to 1000`). Then the list-type `set`
 * uniqueness check, then the `x-kubernetes-validations` (CEL) rules, which the API server
 * skips, with one error, when the schema check found a wrong type or an unsupported value
 * (customresource/strategy.go `hasBlockingErr`).
 */

/** One `x-kubernetes-validations` rule: the CEL text (for readers), its meaning, its message. */
export interface CelRule {
  rule: string;
  message: string;
  /** The rule's meaning on a schema-valid value (nulls already dropped). */
  holds(self: unknown): boolean;
  /** Where upstream writes it: `file:line` at a commit (see docs/admin-tiers.md). */
  source: string;
}

export type CrdSchema =
  | { type: 'string'; enum?: readonly string[]; maxLength?: number; pattern?: string; rules?: readonly CelRule[] }
  | { type: 'integer'; minimum?: number; maximum?: number }
  | {
      type: 'array';
      items: CrdSchema;
      minItems?: number;
      maxItems?: number;
      /** `x-kubernetes-list-type: set`: items must be unique. */
      set?: boolean;
    }
  | {
      type: 'object';
      properties: Readonly<Record<string, CrdSchema>>;
      required?: readonly string[];
      minProperties?: number;
      maxProperties?: number;
      rules?: readonly CelRule[];
    }
  /** `additionalProperties`: a map of string keys. */
  | { type: 'map'; values: CrdSchema }
  /** Not checked here (metadata is validated as ObjectMeta; status is not ours). */
  | { type: 'any' };

export const SOME_RULES_NOT_CHECKED =
  'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

interface Walk {
  issues: Issue[];
  /** A type or enum error was found: CEL rules are not evaluated. */
  blocking: boolean;
  /** CEL rules to run after the schema pass, with the value and path they apply to. */
  pending: { rules: readonly CelRule[]; value: unknown; path: FieldPath; type: string }[];
}

/**
 * Validate `value` (a custom resource, apiVersion/kind/metadata included) against `schema`.
 * Returns the issues in the API server's order: schema, list sets, then CEL rules.
 */
export function validateCustomResource(value: unknown, schema: CrdSchema): Issue[] {
  const walk: Walk = { issues: [], blocking: false, pending: [] };
  check(value, schema, [], walk);
  // Every CRD netpol validates has CEL rules, so the API server always has a CEL validator.
  if (walk.blocking) {
    walk.issues.push(invalid([], null, SOME_RULES_NOT_CHECKED));
    return walk.issues;
  }
  for (const { rules, value: self, path, type } of walk.pending) {
    for (const rule of rules) {
      if (!rule.holds(self)) walk.issues.push(invalid(path, type, rule.message));
    }
  }
  return walk.issues;
}

/** kube-openapi names a field in its sentences as the path printed, `in body`. */
const inBody = (path: FieldPath) => `${formatPath(path)} in body`;

const OPENAPI_TYPE: Record<string, string> = { map: 'object', any: '' };

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  if (value instanceof Date) return 'string';
  return 'object';
}

function typeFits(value: unknown, schemaType: string): boolean {
  const actual = jsonType(value);
  if (schemaType === 'object') return actual === 'object';
  return actual === schemaType;
}

function check(value: unknown, schema: CrdSchema, path: FieldPath, walk: Walk): void {
  if (schema.type === 'any') return;
  const expected = OPENAPI_TYPE[schema.type] ?? schema.type;
  // The API server drops nulls of non-nullable fields before validating (structural
  // defaulting, PruneNonNullableNullsWithoutDefaults): a null is an absent field.
  if (value === null || value === undefined) return;
  if (!typeFits(value, expected)) {
    const actual = jsonType(value);
    walk.blocking = true;
    walk.issues.push({
      code: 'field-type',
      severity: 'error',
      path: [...path],
      message: `Invalid value: ${quote(actual)}: ${inBody(path)} must be of type ${expected}: ${quote(actual)}`,
    });
    return;
  }
  switch (schema.type) {
    case 'string':
      checkString(value as string, schema, path, walk);
      return;
    case 'integer': {
      const n = value as number;
      if (schema.maximum !== undefined && n > schema.maximum) {
        walk.issues.push(invalid(path, n, `${inBody(path)} should be less than or equal to ${schema.maximum}`));
      }
      if (schema.minimum !== undefined && n < schema.minimum) {
        walk.issues.push(invalid(path, n, `${inBody(path)} should be greater than or equal to ${schema.minimum}`));
      }
      return;
    }
    case 'array': {
      const items = value as unknown[];
      if (schema.maxItems !== undefined && items.length > schema.maxItems) {
        walk.issues.push(tooMany(path, items.length, schema.maxItems));
      }
      if (schema.minItems !== undefined && items.length < schema.minItems) {
        walk.issues.push(invalid(path, items.length, `${inBody(path)} should have at least ${schema.minItems} items`));
      }
      items.forEach((item, i) => {
        check(item, schema.items, [...path, i], walk);
      });
      if (schema.set) {
        const seen = new Set<string>();
        items.forEach((item, i) => {
          const key = JSON.stringify(item);
          if (seen.has(key)) walk.issues.push(duplicate([...path, i], typeof item === 'string' ? item : key));
          seen.add(key);
        });
      }
      return;
    }
    case 'map':
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        check(item, schema.values, [...path, key], walk);
      }
      return;
    case 'object': {
      const fields = value as Record<string, unknown>;
      const present = Object.keys(fields).filter((key) => fields[key] !== null && fields[key] !== undefined);
      for (const key of schema.required ?? []) {
        if (!present.includes(key)) walk.issues.push(required([...path, key]));
      }
      if (schema.maxProperties !== undefined && present.length > schema.maxProperties) {
        walk.issues.push(tooMany(path, present.length, schema.maxProperties));
      }
      if (schema.minProperties !== undefined && present.length < schema.minProperties) {
        walk.issues.push(
          invalid(path, present.length, `${inBody(path)} should have at least ${schema.minProperties} properties`),
        );
      }
      for (const key of Object.keys(fields)) {
        const child = schema.properties[key];
        // kubectl's default --validate=strict: a field the schema lacks is refused.
        if (!child) walk.issues.push(unknownField([...path, key]));
        else check(fields[key], child, [...path, key], walk);
      }
      if (schema.rules) walk.pending.push({ rules: schema.rules, value, path: [...path], type: 'object' });
      return;
    }
  }
}

function checkString(value: string, schema: Extract<CrdSchema, { type: 'string' }>, path: FieldPath, walk: Walk) {
  if (schema.maxLength !== undefined && [...value].length > schema.maxLength) {
    // field.TooLongMaxLength
    walk.issues.push({
      code: 'field-too-long',
      severity: 'error',
      path: [...path],
      message: `Too long: may not be more than ${schema.maxLength} bytes`,
    });
  }
  if (schema.enum && !schema.enum.includes(value)) {
    walk.blocking = true;
    walk.issues.push(notSupported(path, value, schema.enum));
  }
  if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
    walk.issues.push(invalid(path, value, `${inBody(path)} should match '${schema.pattern}'`));
  }
  if (schema.rules) walk.pending.push({ rules: schema.rules, value, path: [...path], type: 'string' });
}

/** field.TooMany */
function tooMany(path: FieldPath, actual: number, max: number): Issue {
  return {
    code: 'field-invalid',
    severity: 'error',
    path: [...path],
    message: `Too many: ${actual}: must have at most ${max} items`,
  };
}
