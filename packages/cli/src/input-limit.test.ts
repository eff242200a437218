import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
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
      // It was read up to the limit first: 1 GiB held in memory (~1.1 GB RSS) before the refusal.
      'an endless device of NUL bytes stops at its first byte, at the default limit',
      ['-f', '/dev/zero'],
      undefined,
      2,
      /^netpol: \/dev\/zero:1:1: a NUL byte: binary data, not YAML or JSON text\n/,
    ],
    [
      'the same under a small limit',
      ['-f', '/dev/zero', '--max-input-size', '1MiB'],
      undefined,
      2,
      /\/dev\/zero:1:1: a NUL byte/,
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

describe('inputs of unknown size (pipes, devices)', () => {
  /** A named pipe fed by `sh -c SCRIPT` (which ends with SIGPIPE once netpol stops reading). */
  const pipeOf = (name: string, script: string) => {
    const fifo = `${dir}/${name}`;
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', `exec ${script} > '${fifo}'`], { stdio: 'ignore' });
    after(() => writer.kill('SIGKILL'));
    return fifo;
  };
  const rows: [string, string, string[], Record<string, string>, RegExp][] = [
    [
      'an endless text pipe is refused once past the limit, streamed past the threshold',
      "yes 'a: b'",
      ['--max-input-size', '1MiB'],
      { NETPOL_STREAM_ABOVE: '65536' },
      /^netpol: .*endless\.yaml is larger than the input limit of 1 MiB\n/,
    ],
    [
      'a NUL byte is refused where it is',
      "printf 'kind: Pod\\nab\\000cd\\n'",
      [],
      {},
      /^netpol: .*nul\.yaml:2:3: a NUL byte: binary data/,
    ],
  ];
  for (const [name, script, flags, env, message] of rows) {
    it(name, { timeout: 30_000 }, async () => {
      const file = pipeOf(name.startsWith('an endless') ? 'endless.yaml' : 'nul.yaml', script);
      const r = await runCli(['validate', '-f', file, ...flags], { env });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /internal error|at .*\.ts:/);
    });
  }
});
