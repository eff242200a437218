import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './test-helpers.js';

const BIN = fileURLToPath(new URL('../bin/netpol.js', import.meta.url));

test('a reader that goes away early (| head) ends netpol quietly, no stack', async () => {
  const child = spawn(process.execPath, [BIN, 'gen', '--namespaces', '40', '--policies', '10'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  let chunks = 0;
  child.stdout.on('data', () => {
    chunks++;
    child.stdout.destroy();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.ok(chunks > 0);
  assert.doesNotMatch(stderr, /EPIPE|\n\s+at /);
  assert.equal(code, 0);
});

test('--help of every command documents options without "(default: [])" noise, instantly', async () => {
  for (const command of ['check', 'explain', 'matrix', 'gen']) {
    const r = await runCli([command, '--help']);
    assert.equal(r.code, 0, command);
    assert.match(r.stdout, /-f, --filename|--namespaces/, command);
    assert.doesNotMatch(r.stdout, /\(default: \[\]\)/, command);
  }
  // Repeatable options still arrive as lists when absent: matrix without --port works.
  const r = await runCli(['matrix', '-f', '-', '-o', 'json'], {
    stdin: 'kind: Pod\napiVersion: v1\nmetadata: {name: a}\nspec: {containers: [{name: c, image: i}]}\n',
  });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).endpoints, ['default/a']);
});
