import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Io } from '../io.js';
import { run } from '../run.js';

function fakeIo(stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    stdout: { write: (s) => void out.push(s) },
    stderr: { write: (s) => void err.push(s) },
    readStdin: async () => stdin,
    cwd: process.cwd(),
    env: {},
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

const SMALL = ['--namespaces', '3', '--workloads-per-ns', '5', '--replicas', '2', '--policies', '30', '--seed', '9'];

describe('netpol gen', () => {
  test('same seed, same bytes; output passes validate and feeds matrix', async () => {
    const a = fakeIo();
    const b = fakeIo();
    assert.equal(await run(['gen', ...SMALL], a.io), 0);
    assert.equal(await run(['gen', ...SMALL], b.io), 0);
    assert.equal(a.stdout(), b.stdout());
    assert.match(a.stdout(), /^apiVersion: v1\nkind: List\n/);

    const validate = fakeIo(a.stdout());
    assert.equal(await run(['validate', '-f', '-'], validate.io), 0, validate.stderr());
    assert.match(validate.stdout(), /^\d+ objects valid/);

    const matrix = fakeIo(a.stdout());
    assert.equal(await run(['matrix', '-f', '-', '--port', '53/UDP', '-o', 'json'], matrix.io), 0, matrix.stderr());
    const json = JSON.parse(matrix.stdout());
    assert.equal(json.endpoints.length, 3 * 5 + 3);
    const dns = json.endpoints.indexOf('kube-system/coredns[Deployment]');
    // every team workload may reach the cluster DNS (allow-dns), under default deny
    assert.ok(json.results[0].allowed.every((row: boolean[]) => row[dns] === true));
  });

  test('-o json and --pods', async () => {
    const f = fakeIo();
    assert.equal(await run(['gen', '--pods', '100', '-o', 'json'], f.io), 0);
    const list = JSON.parse(f.stdout());
    assert.equal(list.kind, 'List');
    const deployments = list.items.filter((i: { kind: string }) => i.kind === 'Deployment');
    assert.equal(deployments.length, 2 * 10 + 3);
    assert.equal(list.items.filter((i: { kind: string }) => i.kind === 'NetworkPolicy').length, 20);
  });

  test('bad numbers exit 2', async () => {
    for (const argv of [
      ['gen', '--pods', '0'],
      ['gen', '--seed', '-1'],
      ['gen', '--replicas', '1.5'],
      ['gen', '-o', 'xml'],
    ]) {
      const f = fakeIo();
      assert.equal(await run(argv, f.io), 2, argv.join(' '));
      assert.ok(f.stderr().length > 0);
    }
  });
});
