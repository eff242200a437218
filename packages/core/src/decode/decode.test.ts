import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeByWalking, decodeObject, decodesToItself, type Schema, type StructSchema } from './decode.js';
import { SCHEMAS } from './schema.js';

/**
 * A value shaped by `schema`, from `random` (0 ≤ r < 1): mostly of the right types, with
 * now and then what decoding changes or refuses (a null, a wrong type, a Date, an unknown
 * field, a number out of range), so both answers of the fast check are reached.
 */
function shapedBy(schema: Schema, random: () => number, depth = 0): unknown {
  const odd = random();
  if (odd < 0.02) return null;
  if (odd < 0.03) return [42, 'x', true, {}, [], new Date(0), 2 ** 40, 1.5][Math.floor(random() * 8)];
  switch (schema.t) {
    case 'any':
      return { any: random() };
    case 'string':
      return `s${Math.floor(random() * 10)}`;
    case 'bool':
      return random() < 0.5;
    case 'int32':
    case 'int64':
      return Math.floor(random() * 70000);
    case 'intOrString':
      return random() < 0.5 ? 8080 : 'http';
    case 'list': {
      if (depth > 6) return [];
      return Array.from({ length: Math.floor(random() * 3) }, () => shapedBy(schema.of, random, depth + 1));
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (let k = Math.floor(random() * 3); k > 0; k--) out[`k${k}`] = shapedBy(schema.of, random, depth + 1);
      return out;
    }
    case 'struct': {
      const out: Record<string, unknown> = {};
      if (depth > 6) return out;
      for (const [key, field] of Object.entries(schema.fields)) {
        if (random() < 0.5) out[key] = shapedBy(field, random, depth + 1);
      }
      if (random() < 0.03) out.unknownField = 1;
      return out;
    }
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('decodeObject: the check that a value decodes to itself', () => {
  it('answers yes exactly when the walk returns the value itself with no issue (property, every kind)', () => {
    const answers = { itself: 0, changed: 0 };
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(SCHEMAS)), fc.integer(), (kind, seed) => {
        const schema = SCHEMAS[kind as keyof typeof SCHEMAS];
        const value = shapedBy(schema, mulberry32(seed)) as Record<string, unknown>;
        if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
        const walked = decodeByWalking(value, schema);
        const itself = walked.value === value && walked.issues.length === 0;
        assert.equal(decodesToItself(value, schema), itself);
        assert.deepEqual(decodeObject(value, schema), walked);
        answers[itself ? 'itself' : 'changed']++;
      }),
      { numRuns: 1500 },
    );
    assert.ok(answers.itself > 100 && answers.changed > 100, JSON.stringify(answers));
  });

  it('rows: what the walk changes or refuses is not itself', () => {
    const policy = SCHEMAS.NetworkPolicy;
    const rows: [string, Record<string, unknown>, boolean][] = [
      ['valid', { metadata: { name: 'a', labels: { x: 'y' } }, spec: { podSelector: {} } }, true],
      ['a null field is dropped', { metadata: { name: null } }, false],
      ['a null label value becomes ""', { metadata: { labels: { x: null } } }, false],
      ['a number where a string goes', { metadata: { name: 1 } }, false],
      ['an unknown field in a strict struct', { spec: { podSelector: {}, bogus: 1 } }, false],
      ['a port number out of int32', { spec: { ingress: [{ ports: [{ port: 2 ** 31 }] }] } }, false],
      ['a named port', { spec: { ingress: [{ ports: [{ port: 'http' }] }] } }, true],
    ];
    for (const [name, value, itself] of rows) {
      assert.equal(decodesToItself(value, policy), itself, name);
      const walked = decodeByWalking(value, policy);
      assert.equal(walked.value === value && walked.issues.length === 0, itself, name);
    }
    // A field of any type: anything but null (dropped) is itself.
    const loose: StructSchema = { t: 'struct', go: 'test.Loose', fields: { a: { t: 'any' } } };
    for (const [a, itself] of [
      [{ x: 1 }, true],
      ['text', true],
      [null, false],
    ] as const) {
      assert.equal(decodesToItself({ a }, loose), itself, JSON.stringify(a));
      const value = { a };
      const walked = decodeByWalking(value, loose);
      assert.equal(walked.value === value && walked.issues.length === 0, itself, JSON.stringify(a));
    }
  });
});
