import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { generateCluster, genOptionsForPods, podDumpChunks } from '@netpol/core/gen';
import { run } from './run.js';
import { fakeIo } from './test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'netpol-stream-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// A small `kubectl get pods,ns,svc,netpol -A -o json`-style dump (the bench makes a 150,000-pod one).
const DUMP = [...podDumpChunks(generateCluster(genOptionsForPods(40, { seed: 9 })) as { items: [] })].join('');
writeFileSync(join(dir, 'dump.json'), DUMP);
const STREAM = { NETPOL_STREAM_ABOVE: '4096', NO_COLOR: '1' };

async function netpol(argv: string[], env: Record<string, string> = { NO_COLOR: '1' }, stdin?: Uint8Array[]) {
  const f = fakeIo({ cwd: dir, env });
  if (stdin) {
    f.io.readStdinChunks = async function* () {
      yield* stdin;
    };
  }
  const code = await run(argv, f.io);
  return { code, out: f.stdout(), err: f.stderr() };
}

describe('inputs too large for one string are read as a stream', () => {
  for (const command of [
    ['matrix', '--group-by', 'namespace', '--port', '8080', '-o', 'json'],
    [
      'check',
      '--from',
      'ingress-nginx/ingress-nginx-controller[Deployment]',
      '--to',
      '10.128.0.7',
      '--port',
      '8080',
      '-o',
      'json',
    ],
    ['lint', '-o', 'json'],
  ]) {
    test(`${command[0]}: the same answer as reading the text, with a note`, async () => {
      const whole = await netpol([...command, '-f', 'dump.json']);
      const streamed = await netpol([...command, '-f', 'dump.json'], STREAM);
      assert.equal(streamed.code, whole.code, streamed.err);
      assert.deepEqual(JSON.parse(streamed.out), JSON.parse(whole.out));
      assert.match(streamed.err, /dump\.json: note: read as a stream \(\d+ MiB\): kept only the fields netpol reads/);
      assert.doesNotMatch(whole.err, /read as a stream/);
    });
  }

  test('stdin past the threshold goes on as a stream, however it is cut', async () => {
    const bytes = new TextEncoder().encode(DUMP);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 1000) }, (_, k) =>
      bytes.subarray(k * 1000, (k + 1) * 1000),
    );
    const args = ['matrix', '--group-by', 'namespace', '--port', '8080', '-o', 'json', '-f', '-'];
    const streamed = await netpol(args, STREAM, chunks);
    const whole = await netpol(args, { NO_COLOR: '1' }, chunks);
    assert.equal(streamed.code, 0, streamed.err);
    assert.match(streamed.err, /^-: note: read as a stream/m);
    assert.deepEqual(JSON.parse(streamed.out), JSON.parse(whole.out));
  });

  test('an error in a streamed file prints file:line:col of the field, exit 2', async () => {
    const broken = DUMP.replace('"containerPort": 8080', '"containerPort": 80800');
    writeFileSync(join(dir, 'broken.json'), broken);
    const line = broken.slice(0, broken.indexOf('80800')).split('\n').length;
    for (const env of [STREAM, { NO_COLOR: '1' }]) {
      const r = await netpol(['validate', '-f', 'broken.json'], env);
      assert.equal(r.code, 2);
      assert.match(r.err, new RegExp(`^broken\\.json:${line}:\\d+: \\w+ [\\w/-]+: spec\\.\\S*containerPort: `, 'm'));
    }
    writeFileSync(join(dir, 'cut.json'), DUMP.slice(0, 9000));
    const cut = await netpol(['validate', '-f', 'cut.json'], STREAM);
    assert.equal(cut.code, 2);
    assert.match(cut.err, /^cut\.json:\d+:\d+: unexpected end of input/m);
    assert.doesNotMatch(cut.err, /\n\s+at /);
  });

  test('YAML past the threshold is refused with a hint, never read into a too-long string', async () => {
    writeFileSync(
      join(dir, 'big.yaml'),
      `apiVersion: v1\nkind: List\nitems:\n${'- {kind: Namespace, metadata: {name: a}}\n'.repeat(200)}`,
    );
    const r = await netpol(['validate', '-f', 'big.yaml'], STREAM);
    assert.equal(r.code, 2);
    assert.match(r.err, /big\.yaml: 0 MiB of YAML is more than netpol reads at once/);
    assert.match(r.err, /-o json/);
  });
});
