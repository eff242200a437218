import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { type EditPatch, OUT_OF_STEP, type TextChange } from '../protocol.js';
import { applyChanges, applyPatch, applyPatches, composePatches, patchAround, patchOf } from './edit-patch.js';

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

describe('the patches of a sequence of edits (each span typed in stays its own)', () => {
  /** The patches after each text in turn, from `original`, each edit as the editor sends it (the whole text). */
  const editsOf = (original: string, texts: string[]): EditPatch[] => {
    let patches: EditPatch[] = [];
    let before = original;
    for (const text of texts) {
      patches = composePatches(patches, patchOf('f', before, text), original, text);
      before = text;
    }
    return patches;
  };
  const spans = (patches: EditPatch[]) => patches.map((p) => [p.from, p.to, p.insert]);
  const original = 'apiVersion: v1\nkind: List\nitems:\n- port: 8080\n- port: 9090\n';
  const cases: { name: string; texts: string[]; patches: [number, number, string][] }[] = [
    {
      name: 'a comment on the first line, then a port far below: two patches',
      texts: [original.replace('v1', 'v1 #'), original.replace('v1', 'v1 #').replace('8080', '8087')],
      patches: [
        [14, 14, ' #'],
        [44, 45, '7'],
      ],
    },
    {
      name: 'typing on, right after a patch: the same patch grows',
      texts: [original.replace('v1', 'v1 #'), original.replace('v1', 'v1 # x')],
      patches: [[14, 14, ' # x']],
    },
    {
      name: 'an edit over two patches and the text between them: one patch',
      texts: [
        original.replace('v1', 'v1 #').replace('8080', '8087'),
        `apiVersion: X${original.slice(original.indexOf('8080') + 3)}`,
      ],
      patches: [[12, 44, 'X']],
    },
    {
      name: 'an edit undone: no patch left',
      texts: [original.replace('9090', '9091'), original],
      patches: [],
    },
    {
      name: 'one of two edits undone: the other stays',
      texts: [
        original.replace('v1', 'v2'),
        original.replace('v1', 'v2').replace('9090', '9091'),
        original.replace('9090', '9091'),
      ],
      patches: [[57, 58, '1']],
    },
    {
      name: 'the text before a patch shortened: the patch keeps its place in the input',
      texts: [original.replace('9090', '9091'), original.replace('9090', '9091').replace('List', 'L')],
      patches: [
        [22, 25, ''],
        [57, 58, '1'],
      ],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const patches = editsOf(original, c.texts);
      assert.deepEqual(spans(patches), c.patches);
      assert.equal(applyPatches(original, patches), c.texts.at(-1));
    });
  }

  test('after any edits, the patches give the text, sorted and apart, each changing its ends', () => {
    const edit = fc.record({
      at: fc.nat(),
      cut: fc.nat({ max: 6 }),
      insert: fc.string({ maxLength: 4, unit: fc.constantFrom('a', 'b', '\n') }),
    });
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40, unit: fc.constantFrom('a', 'b', '\n') }),
        fc.array(edit, { maxLength: 12 }),
        (original, edits) => {
          let text = original;
          let patches: EditPatch[] = [];
          for (const e of edits) {
            const from = text.length === 0 ? 0 : e.at % (text.length + 1);
            const next = text.slice(0, from) + e.insert + text.slice(Math.min(text.length, from + e.cut));
            patches = composePatches(patches, patchOf('f', text, next), original, next);
            text = next;
            assert.equal(applyPatches(original, patches), text);
            for (let k = 1; k < patches.length; k++)
              assert.ok((patches[k - 1] as EditPatch).to < (patches[k] as EditPatch).from, 'apart');
            // Trimmed: neither end puts back what the input has there.
            for (const p of patches) {
              const replaced = original.slice(p.from, p.to);
              assert.ok(p.insert !== replaced, 'a patch that changes nothing');
              assert.ok(!(p.insert && replaced) || p.insert[0] !== replaced[0], "its first character is the input's");
              assert.ok(
                !(p.insert && replaced) || p.insert.at(-1) !== replaced.at(-1),
                "its last character is the input's",
              );
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("an edit sent as the editor's changes (the worker makes the text and its patch)", () => {
  /** Changes of a text of `length` characters, sorted and apart or touching, from random picks. */
  const changesOf = (length: number, picks: { at: number; cut: number; insert: string }[]): TextChange[] => {
    const changes: TextChange[] = [];
    let at = 0;
    for (const p of picks) {
      const from = at + (length - at === 0 ? 0 : p.at % (length - at + 1));
      const to = Math.min(length, from + p.cut);
      changes.push({ from, to, insert: p.insert });
      at = to;
    }
    return changes;
  };
  // Few letters, so a change often puts back what it replaced or borders on the same letters.
  const letters = fc.constantFrom('a', 'b', '\n');
  const pick = fc.record({ at: fc.nat(), cut: fc.nat({ max: 5 }), insert: fc.string({ maxLength: 4, unit: letters }) });

  test("the patch found from the changes' span is patchOf's, and the text is the changes made", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: letters }), fc.array(pick, { maxLength: 4 }), (before, picks) => {
        const changes = changesOf(before.length, picks);
        const text = applyChanges(before, changes, before.length);
        let expected = before;
        for (let k = changes.length - 1; k >= 0; k--) {
          const { from, to, insert } = changes[k] as TextChange;
          expected = expected.slice(0, from) + insert + expected.slice(to);
        }
        assert.equal(text, expected);
        const first = changes[0];
        const last = changes.at(-1);
        if (!first || !last) return;
        assert.deepEqual(patchAround('f', before, text, first.from, last.to), patchOf('f', before, text));
      }),
      { numRuns: 1000 },
    );
  });

  const refused: { name: string; changes: TextChange[]; length: number }[] = [
    { name: 'the text is of another length', changes: [{ from: 0, to: 0, insert: 'x' }], length: 9 },
    { name: 'a change past the end', changes: [{ from: 4, to: 9, insert: '' }], length: 8 },
    {
      name: 'changes out of order',
      changes: [
        { from: 4, to: 5, insert: '' },
        { from: 1, to: 2, insert: '' },
      ],
      length: 8,
    },
    {
      name: 'overlapping changes',
      changes: [
        { from: 1, to: 4, insert: '' },
        { from: 3, to: 5, insert: '' },
      ],
      length: 8,
    },
    { name: 'a backwards change', changes: [{ from: 4, to: 2, insert: '' }], length: 8 },
    { name: 'a position that is no integer', changes: [{ from: 1.5, to: 2, insert: '' }], length: 8 },
  ];
  for (const c of refused) {
    test(`refused (the page then sends the whole text): ${c.name}`, () => {
      assert.throws(
        () => applyChanges('abcdefgh', c.changes, c.length),
        (e: Error) => e.message.startsWith(OUT_OF_STEP),
      );
    });
  }
  test('touching changes apply in turn', () => {
    const changes = [
      { from: 1, to: 2, insert: 'X' },
      { from: 2, to: 3, insert: 'Y' },
      { from: 8, to: 8, insert: '!' },
    ];
    assert.equal(applyChanges('abcdefgh', changes, 8), 'aXYdefgh!');
  });
});
