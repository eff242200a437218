import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, describe, it } from 'node:test';
import { formatSize, parseSize } from './input-limit.js';
import { runCli } from './test-helpers.js';

const dir = mkdtempSync(`${tmpdir()}/netpol-limit-`);
after(() => rmSync(dir, { recursive: true, force: true }));
const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: i}]}\n';
writeFileSync(`${dir}/a.yaml`, POD);
writeFileSync(`${dir}/b.yaml`, POD.replace('name: a', 'name: b'));

describe('input size limit (issue 16, item 12)', () => {
  it('reads sizes as kubectl quantities do', () => {
    assert.deepEqual(['512MiB', '2GiB', '1G', '10k', '300'].map(parseSize), [
      512 * 1024 ** 2,
      2 * 1024 ** 3,
      1e9,
      10_000,
      300,
    ]);
    for (const bad of ['', '0', '-1', '1x', 'MiB', '1e3']) assert.throws(() => parseSize(bad), /expected a size/, bad);
    assert.equal(formatSize(1024 ** 3), '1 GiB');
  });

  const rows: [string, string[], string | undefined, number, RegExp | undefined][] = [
    [
      'an endless device stops at the limit',
      ['-f', '/dev/zero', '--max-input-size', '1MiB'],
      undefined,
      2,
      /\/dev\/zero is larger than the input limit of 1 MiB/,
    ],
    [
      'a file over the limit is refused before it is read',
      ['-f', `${dir}/a.yaml`, '--max-input-size', '10'],
      undefined,
      2,
      /a\.yaml is larger than the input limit of 10 bytes/,
    ],
    [
      'files under the limit each but over it together',
      ['-f', `${dir}/a.yaml`, '-f', `${dir}/b.yaml`, '--max-input-size', String(POD.length + 10)],
      undefined,
      2,
      /the inputs together \(with .*b\.yaml\) are larger/,
    ],
    [
      'stdin over the limit',
      ['-f', '-', '--max-input-size', '20'],
      POD,
      2,
      /standard input is larger than the input limit/,
    ],
    [
      'under the limit reads as before',
      ['-f', `${dir}/a.yaml`, '-f', '-', '--max-input-size', '1KiB'],
      POD.replace('name: a', 'name: c'),
      0,
      undefined,
    ],
    ['the default limit lets ordinary files through', ['-f', `${dir}/a.yaml`], undefined, 0, undefined],
    [
      'a bad size is a usage error',
      ['-f', `${dir}/a.yaml`, '--max-input-size', 'lots'],
      undefined,
      2,
      /expected a size such as 512MiB/,
    ],
  ];
  for (const [name, argv, stdin, code, message] of rows) {
    it(name, async () => {
      const r = await runCli(['validate', ...argv], stdin === undefined ? {} : { stdin });
      assert.equal(r.code, code, r.stderr);
      if (message) assert.match(r.stderr, message);
      if (code === 2) assert.doesNotMatch(r.stderr, /internal error|at .*\.ts:/);
    });
  }
});
