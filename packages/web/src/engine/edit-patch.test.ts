import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { applyPatch, patchOf } from './edit-patch.js';

describe('edit patches (share links carry the edited span, not the file)', () => {
  const cases: { name: string; original: string; text: string; patch: [number, number, string] }[] = [
    { name: 'a character typed at the start', original: 'kind: Pod\n', text: '#kind: Pod\n', patch: [0, 0, '#'] },
    { name: 'a line removed in the middle', original: 'a\nb\nc\n', text: 'a\nc\n', patch: [2, 4, ''] },
    { name: 'text appended', original: 'a', text: 'ab', patch: [1, 1, 'b'] },
    { name: 'a repeated character deleted', original: 'aaa', text: 'aa', patch: [2, 3, ''] },
    { name: 'everything replaced', original: 'abc', text: 'xyz', patch: [0, 3, 'xyz'] },
    { name: 'no change', original: 'same', text: 'same', patch: [4, 4, ''] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const patch = patchOf('f.yaml', c.original, c.text);
      assert.deepEqual([patch.from, patch.to, patch.insert], c.patch);
      assert.equal(applyPatch(c.original, patch), c.text);
    });
  }

  test('applying the patch of any edit gives the edited text back', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), (original, text) => {
        const patch = patchOf('f', original, text);
        assert.equal(applyPatch(original, patch), text);
        assert.ok(patch.insert.length <= text.length);
      }),
      { numRuns: 300 },
    );
  });
});
