import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readInputs } from './read-inputs.js';
import { cliSandbox } from './test-helpers.js';

const { dir, fakeIo } = cliSandbox('netpol-read-inputs-');

function write(path: string, text: string) {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\n`;

describe('readInputs', () => {
  it('names, in one note, the subfolders with manifests that -f DIR skips without -R', async () => {
    write('tree/top.yaml', pod('top'));
    write('tree/apps/web.yaml', pod('web'));
    write('tree/deep/er/db.json', '{}');
    write('tree/docs/README.md', '# not a manifest');
    const io = fakeIo();
    const sources = await readInputs(['tree'], io);
    assert.deepEqual(
      sources.map((s) => s.name),
      [join('tree', 'top.yaml')],
    );
    assert.equal(io.err(), 'tree: note: subfolders not read without -R: apps/, deep/\n');
    const recursive = fakeIo();
    const all = await readInputs(['tree'], recursive, { recursive: true });
    assert.equal(all.length, 3);
    assert.equal(recursive.err(), '');
  });
});
