import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './test-helpers.js';

// Every argument that is a selector, label, namespace or name: a value no real object could
// hold would match nothing (a silent wrong answer), so it is refused with exit 2, naming the
// flag, the part and the API server's reason, without a stack.
const EXAMPLE = fileURLToPath(new URL('../../../examples/001-frontend-backend/', import.meta.url));
const F = ['-f', EXAMPLE];

const rows: { name: string; argv: string[]; message: RegExp }[] = [
  {
    name: 'check --from: a class whose label value is none',
    argv: ['check', ...F, '--from', 'prod/{app=[x]}', '--to', '*/{}', '--port', '80'],
    message: /^netpol: --from: pod label value: Invalid value: "\[x\]": a valid label must be an empty string/,
  },
  {
    name: 'check --to: a namespace label key with a bad prefix',
    argv: ['check', ...F, '--from', '*/{}', '--to', '{Team_/a=b}/{}', '--port', '80'],
    message:
      /^netpol: --to: namespace label key: Invalid value: "Team_\/a": prefix part a lowercase RFC 1123 subdomain/,
  },
  {
    name: 'check --from: a namespace name no namespace can have',
    argv: ['check', ...F, '--from', 'Prod_1/{app=web}', '--to', '*/{}', '--port', '80'],
    message: /^netpol: --from: namespace name: Invalid value: "Prod_1": a lowercase RFC 1123 label must/,
  },
  {
    name: 'check --from: a value of a set no label can have',
    argv: ['check', ...F, '--from', '*/{app notin (a,b:c)}', '--to', '*/{}', '--port', '80'],
    message: /^netpol: --from: pod label value: Invalid value: "b:c": a valid label must be/,
  },
  {
    name: 'explain --pod: a class whose label value is none',
    argv: ['explain', ...F, '--pod', 'default/{app=web:x}'],
    message: /^netpol: --pod: pod label value: Invalid value: "web:x": a valid label must be/,
  },
  {
    name: 'explain --pod: a label value too long',
    argv: ['explain', ...F, '--pod', `default/{app=${'a'.repeat(64)}}`],
    message: /^netpol: --pod: pod label value: Invalid value: "a{64}": must be no more than 63 characters$/m,
  },
  {
    name: 'matrix -l: a label value no pod can have',
    argv: ['matrix', ...F, '-l', 'app in (backend,[x])'],
    message: /^netpol: -l: label value: Invalid value: "\[x\]": a valid label must be/,
  },
  {
    name: 'matrix -l: a label key no pod can have',
    argv: ['matrix', ...F, '-l', '-app=web'],
    message: /^netpol: -l: label key: Invalid value: "-app": name part must consist/,
  },
  {
    name: 'matrix --port: a port name no container port can have',
    argv: ['matrix', ...F, '--port', 'a--b'],
    message:
      /^netpol: --port: "a--b" is not a port \(port name: Invalid value: "a--b": must not contain consecutive hyphens\)/,
  },
  {
    name: 'matrix -n: a namespace no namespace can be named',
    argv: ['matrix', ...F, '-n', 'default', '-n', 'Shop'],
    message: /^netpol: -n: namespace name: Invalid value: "Shop": a lowercase RFC 1123 label must/,
  },
  {
    name: 'check -n',
    argv: ['check', ...F, '-n', 'shop_1', '--from', 'frontend', '--to', 'backend', '--port', '80'],
    message: /^netpol: -n: namespace name: Invalid value: "shop_1"/,
  },
  {
    name: 'explain --namespace=',
    argv: ['explain', ...F, '--namespace=a.b', '--pod', 'frontend'],
    message: /^netpol: -n: namespace name: Invalid value: "a\.b": must not contain dots$/m,
  },
  {
    name: 'report -n',
    argv: ['report', ...F, '-n', '-x', '-o', '-'],
    message: /^netpol: -n: namespace name: Invalid value: "-x"/,
  },
];

describe('arguments that name labels, namespaces or classes of pods', () => {
  for (const row of rows) {
    test(row.name, async () => {
      const result = await runCli(row.argv, { env: { NO_COLOR: '1' } });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, row.message);
      assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack');
      assert.equal(result.stdout, '');
    });
  }
  test('valid values still answer', async () => {
    const ok = await runCli(['matrix', ...F, '-n', 'default', '-l', 'app in (backend,frontend)', '--port', '80'], {
      env: { NO_COLOR: '1' },
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /default\/backend\[Deployment\]/);
  });
});
