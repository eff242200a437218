import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Option } from 'commander';
import type { CommandSpec } from './command-spec.js';
import { COMMANDS } from './command-table.js';
import { runCli } from './test-helpers.js';
import { VERSION } from './version.js';

function* everyCommand(specs: readonly CommandSpec[], parent = ''): Generator<[string, CommandSpec]> {
  for (const spec of specs) {
    const path = `${parent}${spec.name}`;
    yield [path, spec];
    yield* everyCommand(spec.subcommands ?? [], `${path} `);
  }
}

test('every option key is the one commander parses it into (the typed options are the parsed ones)', () => {
  let options = 0;
  for (const [path, spec] of everyCommand(COMMANDS)) {
    for (const option of spec.options ?? []) {
      assert.equal(option.key, new Option(option.flags).attributeName(), `${path} ${option.flags}`);
      options++;
    }
  }
  assert.ok(options > 40, `only ${options} options seen`);
});

test('no command declares one flag twice', () => {
  for (const [path, spec] of everyCommand(COMMANDS)) {
    const keys = (spec.options ?? []).map((o) => o.key);
    assert.deepEqual(keys, [...new Set(keys)], path);
  }
});

test('--color takes auto|always|never and nothing else (exit 2, no silent fallback)', async () => {
  const r = await runCli(['--color', 'sometimes', 'lint', '--list-rules']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /argument 'sometimes' is invalid/);
  assert.equal((await runCli(['--color', 'never', 'lint', '--list-rules'])).code, 0);
});

test('the version is the one in package.json', async () => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.equal(VERSION, manifest.version);
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.ok(r.stdout.startsWith(`netpol ${VERSION} `), r.stdout);
});
