import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { first } from '@netpol/core';
import { patchOf } from '../engine/edit-patch.js';
import { decodeEdits, encodeEdits } from './edit-codec.js';

const input = [
  { name: 'a.yaml', text: `kind: List\nitems:\n${'  - kind: Pod\n'.repeat(5000)}` },
  { name: 'b.yaml', text: 'kind: Namespace\n' },
];

async function legacy(files: { name: string; text: string }[]): Promise<string> {
  const json = new Blob([JSON.stringify(files)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return Buffer.from(await new Response(json).arrayBuffer()).toString('base64url');
}

describe('edits in the share link', () => {
  test('a one-line edit of a large file round-trips as a short patch', async () => {
    const edited = `# note\n${first(input).text}`;
    const link = await encodeEdits([patchOf('a.yaml', first(input).text, edited)]);
    assert.ok(link.length < 100, `link part is ${link.length} characters`);
    assert.deepEqual(await decodeEdits(link, input), [{ name: 'a.yaml', text: edited }]);
  });

  test('a file edited in two places far apart round-trips as two short patches', async () => {
    const original = first(input).text;
    const edited = `# note\n${original.slice(0, -14)}  - kind: Job\n`;
    const patches = [patchOf('a.yaml', original, `# note\n${original}`), patchOf('a.yaml', original, edited.slice(7))];
    const link = await encodeEdits(patches);
    assert.ok(link.length < 100, `link part is ${link.length} characters`);
    assert.deepEqual(await decodeEdits(link, input), [{ name: 'a.yaml', text: edited }]);
  });

  test('links made before patches (whole files) still open', async () => {
    const link = await legacy([{ name: 'b.yaml', text: 'kind: Pod\n' }]);
    assert.deepEqual(await decodeEdits(link, input), [{ name: 'b.yaml', text: 'kind: Pod\n' }]);
  });

  test('a patch of an unknown file or outside its text is dropped, not applied', async () => {
    const bad = [
      { file: 'gone.yaml', from: 0, to: 0, insert: 'x' },
      { file: 'b.yaml', from: 3, to: 1, insert: 'x' },
      { file: 'b.yaml', from: 0, to: 999, insert: 'x' },
      { file: 'b.yaml', from: 0, to: 0, insert: 'x' },
    ];
    assert.deepEqual(await decodeEdits(await encodeEdits(bad), input), [
      { name: 'b.yaml', text: 'xkind: Namespace\n' },
    ]);
  });

  test("a link opened on another text of its file leaves that file's patches out and names it", async () => {
    const original = first(input).text;
    const link = await encodeEdits(
      [patchOf('a.yaml', original, `# note\n${original}`), patchOf('b.yaml', 'kind: Namespace\n', 'kind: Pod\n')],
      input,
    );
    const same: string[] = [];
    assert.deepEqual(await decodeEdits(link, input, same), [
      { name: 'a.yaml', text: `# note\n${original}` },
      { name: 'b.yaml', text: 'kind: Pod\n' },
    ]);
    assert.deepEqual(same, []);
    // a.yaml changed since (one line more at its top): its patch would land at the old offsets.
    const changed = [{ name: 'a.yaml', text: `# on disk\n${original}` }, input[1] as (typeof input)[1]];
    const stale: string[] = [];
    assert.deepEqual(await decodeEdits(link, changed, stale), [{ name: 'b.yaml', text: 'kind: Pod\n' }]);
    assert.deepEqual(stale, ['a.yaml']);
  });

  test('no edits, no link part', async () => {
    assert.equal(await encodeEdits([]), '');
    assert.deepEqual(await decodeEdits('', input), []);
  });
});
