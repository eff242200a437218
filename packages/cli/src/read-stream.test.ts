import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { generateCluster, genOptionsForPods, podDumpChunks } from '@netpol/core/gen';
import { stringify } from 'yaml';
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

  test('YAML past the threshold is read as a stream too: the same answer, errors at their file:line:col', async () => {
    // As `kubectl get -o yaml` writes a List: items at column 0, `kind: List` after them.
    const yaml = stringify(JSON.parse(DUMP), { indentSeq: false, lineWidth: 0 });
    writeFileSync(join(dir, 'dump.yaml'), yaml);
    const args = ['matrix', '--group-by', 'namespace', '--port', '8080', '-o', 'json', '-f', 'dump.yaml'];
    const whole = await netpol(args);
    const streamed = await netpol(args, STREAM);
    assert.equal(streamed.code, 0, streamed.err);
    assert.match(streamed.err, /dump\.yaml: note: read as a stream \(\d+ MiB\)/);
    assert.deepEqual(JSON.parse(streamed.out), JSON.parse(whole.out));
    // stdin too, cut anywhere.
    const bytes = new TextEncoder().encode(yaml);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 777) }, (_, k) =>
      bytes.subarray(k * 777, (k + 1) * 777),
    );
    const piped = await netpol([...args.slice(0, -1), '-'], STREAM, chunks);
    assert.equal(piped.code, 0, piped.err);
    assert.deepEqual(JSON.parse(piped.out), JSON.parse(whole.out));
    // A bad field deep in the stream: the same file:line:col as reading the whole text.
    const broken = yaml.replace('containerPort: 8080', 'containerPort: 80800');
    writeFileSync(join(dir, 'broken.yaml'), broken);
    const line = broken.slice(0, broken.indexOf('80800')).split('\n').length;
    const errors: string[] = [];
    for (const env of [STREAM, { NO_COLOR: '1' }]) {
      const r = await netpol(['validate', '-f', 'broken.yaml'], env);
      assert.equal(r.code, 2);
      const first = r.err.split('\n').find((l) => /^broken\.yaml:\d+:/.test(l));
      assert.match(first ?? '', new RegExp(`^broken\\.yaml:${line}:\\d+: \\w+ [\\w/-]+: spec\\.\\S*containerPort: `));
      errors.push(first ?? '');
    }
    assert.equal(errors[0], errors[1]);
  });
});
