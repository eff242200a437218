import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AppInput } from '../protocol.js';
import { reloadWords, staleLinkWords } from './reload-words.js';

const input = (files: Record<string, string>): AppInput => ({
  mode: 'serve',
  files: Object.entries(files).map(([name, text]) => ({ name, text })),
  namespace: 'default',
  canSave: true,
  version: 1,
});

describe('reloadWords: what a reload did to the unsaved edits', () => {
  const before = input({ 'a.yaml': 'a', 'b.yaml': 'b' });
  const cases: { name: string; after: AppInput; edited: Record<string, string>; words: RegExp | undefined }[] = [
    { name: 'no edits', after: input({ 'a.yaml': 'a2', 'b.yaml': 'b' }), edited: {}, words: undefined },
    {
      name: 'another file changed on disk',
      after: input({ 'a.yaml': 'a', 'b.yaml': 'b2' }),
      edited: { 'a.yaml': 'a+' },
      words: undefined,
    },
    {
      name: 'the edited file changed on disk',
      after: input({ 'a.yaml': 'a2', 'b.yaml': 'b' }),
      edited: { 'a.yaml': 'a+' },
      words: /^Changed on disk while you had unsaved edits: a\.yaml\. Your edited text is kept \(Save overwrites/,
    },
    {
      name: 'our own Save: the disk holds the edited text',
      after: input({ 'a.yaml': 'a+', 'b.yaml': 'b' }),
      edited: { 'a.yaml': 'a+' },
      words: undefined,
    },
    {
      name: 'the edited file left the input',
      after: input({ 'b.yaml': 'b' }),
      edited: { 'a.yaml': 'a+' },
      words: /^No longer in the input: a\.yaml; its unsaved edits are dropped\.$/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const edited = Object.entries(c.edited).map(([name, text]) => ({ name, text }));
      const words = reloadWords(
        before,
        c.after,
        edited,
        c.after.files.map((f) => f.name),
      );
      if (c.words === undefined) assert.equal(words, undefined);
      else assert.match(words ?? '', c.words);
    });
  }

  test('a link whose edits were made on another text of their file says so', () => {
    assert.equal(staleLinkWords([]), undefined);
    assert.match(
      staleLinkWords(['a.yaml']) ?? '',
      /^This link's unsaved edits of a\.yaml were made on another version/,
    );
  });
});
