import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readInputs } from './read-inputs.js';
import { cliSandbox } from './test-helpers.js';

const { dir, fakeIo, netpol } = cliSandbox('netpol-read-inputs-');

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

describe('no -f at all', () => {
  // Every command once said validate's example: `netpol serve` with no input was told to run
  // `netpol validate -f policies/`. Now the hint is the command's own first example with -f.
  const rows: [string[], string][] = [
    [['serve'], 'netpol serve -f examples/003-default-deny-dns'],
    [['report', '-o', 'r.html'], 'netpol report -f k8s/ -o report.html'],
    [['validate'], 'netpol validate -f policies/'],
    [['lint'], 'netpol lint -f policies/ -f workloads.yaml'],
    [
      ['check', '--from', 'a/b', '--to', 'a/c', '--port', '80'],
      'netpol check -f k8s/ --from web/frontend --to backend.shop.svc.cluster.local --port 80',
    ],
  ];
  for (const [argv, example] of rows) {
    it(`netpol ${argv[0]}: exit 2, the hint names ${argv[0]}`, async () => {
      const r = await netpol(...argv);
      assert.equal(r.code, 2);
      assert.equal(r.err, `netpol: no input: give at least one -f PATH\nhint: e.g. ${example}\n`);
      assert.equal(r.out, '');
    });
  }
});
