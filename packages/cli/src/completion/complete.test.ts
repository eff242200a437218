import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { first } from '@netpol/core';
import { run } from '../run.js';
import { fakeIo, runCli } from '../test-helpers.js';

const EXAMPLE = fileURLToPath(new URL('../../../../examples/001-frontend-backend', import.meta.url));

/** `netpol __complete ...words`: the candidate values and the directive. */
async function complete(...words: string[]) {
  const r = await runCli(['__complete', ...words]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  const directive = lines.pop();
  assert.match(directive ?? '', /^:\d+$/);
  return { values: lines.map((l) => first(l.split('\t'))), directive: Number(directive?.slice(1)) };
}

describe('netpol __complete (cobra protocol, as kubectl_complete-netpol speaks it)', () => {
  const rows: { words: string[]; includes: string[]; excludes?: string[]; directive: number }[] = [
    {
      words: [''],
      includes: ['check', 'lint', 'lab', 'completion', 'version'],
      excludes: ['__complete'],
      directive: 4,
    },
    { words: ['l'], includes: ['lint', 'lab'], excludes: ['check'], directive: 4 },
    { words: ['lab', ''], includes: ['up', 'down', 'probe'], excludes: ['check'], directive: 4 },
    { words: ['check', '--f'], includes: ['--from', '--filename'], excludes: ['--to'], directive: 4 },
    { words: ['check', '-'], includes: ['-f', '-n', '-o', '--port', '--color'], directive: 4 },
    { words: ['lint', '-o', ''], includes: ['text', 'json', 'sarif'], directive: 4 },
    { words: ['matrix', '--output', 'm'], includes: ['md', 'mermaid'], excludes: ['json'], directive: 4 },
    { words: ['lint', '--fail-on', ''], includes: ['error', 'warning'], directive: 4 },
    { words: ['lint', '--output=s'], includes: ['--output=sarif'], directive: 4 },
    { words: ['--color', ''], includes: ['auto', 'always', 'never'], directive: 4 },
    { words: ['completion', ''], includes: ['bash', 'zsh', 'fish'], directive: 4 },
    // Files are the shell's to complete (directive 0).
    { words: ['check', '-f', ''], includes: [], directive: 0 },
    { words: ['diff', ''], includes: [], directive: 0 },
    // Names from the -f input.
    {
      words: ['check', '-f', EXAMPLE, '--from', ''],
      includes: ['default/deployment/frontend', 'default/other-app', 'kube-dns.kube-system.svc.cluster.local'],
      directive: 4,
    },
    {
      words: ['check', '-f', EXAMPLE, '--to', 'default/d'],
      includes: ['default/deployment/backend'],
      excludes: ['default/other-app'],
      directive: 4,
    },
    { words: ['explain', '-f', EXAMPLE, '-n', ''], includes: ['default', 'kube-system'], directive: 4 },
    {
      words: ['explain', '-f', EXAMPLE, '--policy', ''],
      includes: ['default/allow-frontend-to-backend'],
      directive: 4,
    },
    // No input, or input read from stdin: nothing to offer (never a wait for stdin).
    { words: ['check', '--from', ''], includes: [], directive: 4 },
    { words: ['check', '-f', '-', '--from', ''], includes: [], directive: 4 },
  ];
  for (const row of rows) {
    test(`${row.words.join(' ') || "''"} → ${row.includes.slice(0, 3).join(', ') || 'nothing'}`, async () => {
      const { values, directive } = await complete(...row.words);
      for (const v of row.includes) assert.ok(values.includes(v), `${v} missing from ${values.join(' ')}`);
      for (const v of row.excludes ?? []) assert.ok(!values.includes(v), `${v} offered`);
      if (row.includes.length === 0) assert.deepEqual(values, []);
      assert.equal(directive, row.directive);
    });
  }

  test('run as kubectl_complete-netpol, the words alone are completed (how kubectl calls it)', async () => {
    const f = fakeIo();
    const code = await run(['lint', '-o', 's'], { ...f.io, program: 'kubectl_complete-netpol' });
    assert.equal(code, 0);
    assert.equal(f.stdout(), 'sarif\n:4\n');
  });

  test('every completed endpoint resolves in check (the names offered are names netpol takes)', async () => {
    const { values } = await complete('check', '-f', EXAMPLE, '--from', '');
    assert.ok(values.length >= 4);
    for (const endpoint of values) {
      const r = await runCli(['check', '-f', EXAMPLE, '--from', endpoint, '--to', '203.0.113.10', '--port', '80']);
      assert.ok(r.code === 0 || r.code === 1, `${endpoint}: ${r.stderr}`);
    }
  });
});

describe('netpol completion SHELL', () => {
  for (const [shell, check] of [
    ['bash', ['bash', '-n']],
    ['zsh', ['zsh', '-n']],
    ['fish', ['fish', '--no-execute']],
  ] as const) {
    test(`${shell}: a script that calls netpol __complete (syntax-checked when ${shell} is installed)`, async (t) => {
      const r = await runCli(['completion', shell]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /__complete/);
      const file = join(mkdtempSync(join(tmpdir(), 'netpol-completion-')), `netpol.${shell}`);
      writeFileSync(file, r.stdout);
      const parsed = spawnSync(check[0], [...check.slice(1), file], { encoding: 'utf8' });
      rmSync(dirname(file), { recursive: true });
      if ((parsed.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
        return t.skip(`${shell} is not installed`);
      assert.equal(parsed.status, 0, parsed.stderr);
    });
  }

  test('bash: TAB after -o lists the formats, after -f the files (the script run as bash runs it)', async () => {
    const bin = fileURLToPath(new URL('../../bin/netpol.js', import.meta.url));
    const script = (await runCli(['completion', 'bash'])).stdout;
    const tab = (...words: string[]) => {
      const r = spawnSync(
        'bash',
        [
          '-c',
          `${script}\nCOMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _netpol; printf '%s\\n' "\${COMPREPLY[@]}"`,
          'bash',
          bin,
          ...words,
        ],
        { encoding: 'utf8', cwd: fileURLToPath(new URL('../../../..', import.meta.url)) },
      );
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split('\n').filter(Boolean);
    };
    assert.deepEqual(tab('lint', '-o', ''), ['text', 'json', 'sarif']);
    assert.deepEqual(tab('check', '-f', 'exam'), ['examples']);
    assert.deepEqual(tab('lab', 'pr'), ['probe']);
  });

  test('an unknown shell is a usage error naming the shells', async () => {
    const r = await runCli(['completion', 'tcsh']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown shell "tcsh"/);
    assert.match(r.stderr, /bash, zsh, fish/);
  });
});

describe('kubectl-like entry points', () => {
  test('netpol with no arguments prints help on stdout, exit 0 (as kubectl)', async () => {
    const r = await runCli([]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: netpol/);
    assert.match(r.stdout, /completion/);
    assert.equal(r.stderr, '');
  });

  test('a command group without its subcommand prints its help on stdout, exit 0', async () => {
    const r = await runCli(['lab']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: netpol lab/);
    assert.equal(r.stderr, '');
  });

  test('a usage error still goes to stderr with exit 2', async () => {
    const r = await runCli(['chek']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /did you mean 'check'/);
  });

  test('netpol version and --version name netpol, Node and the platform', async () => {
    for (const argv of [['version'], ['--version'], ['-V']]) {
      const r = await runCli(argv);
      assert.equal(r.code, 0, argv.join(' '));
      assert.match(
        r.stdout,
        /^netpol \d+\.\d+\.\d+\S* \(node v\d+\.\d+\.\d+, [a-z0-9]+\/[a-z0-9]+\)\n$/,
        argv.join(' '),
      );
    }
    const json = JSON.parse((await runCli(['version', '-o', 'json'])).stdout);
    assert.deepEqual(Object.keys(json), ['netpol', 'node', 'platform']);
    assert.equal(json.node, process.version);
  });
});
