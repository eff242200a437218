import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { first } from '@netpol/core';
import { parse } from 'yaml';
import { runCli } from '../../packages/cli/src/test-helpers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/001-frontend-backend');
const SCRIPT = join(ROOT, 'scripts/action/netpol-action.sh');
const NETPOL = `${process.execPath} ${join(ROOT, 'packages/cli/bin/netpol.js')}`;

/**
 * The action's script on a temporary git repository (no network): the base commit lacks the
 * policy that lets frontend reach backend, the working tree adds it.
 */
describe('the GitHub Action (action.yml, scripts/action/netpol-action.sh)', () => {
  const repo = mkdtempSync(join(tmpdir(), 'netpol-action-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], { cwd: repo });

  before(() => {
    cpSync(EXAMPLE, join(repo, 'k8s'), { recursive: true });
    rmSync(join(repo, 'k8s/allow-frontend-to-backend.yaml'));
    rmSync(join(repo, 'k8s/allow-frontend-to-backend-ingress.yaml'));
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'base');
    cpSync(join(EXAMPLE, 'allow-frontend-to-backend.yaml'), join(repo, 'k8s/allow-frontend-to-backend.yaml'));
  });
  after(() => rmSync(repo, { recursive: true, force: true }));

  /** Runs the script as the action's step does; returns its exit code and outputs. */
  function action(inputs: Record<string, string>) {
    const outputs = join(repo, 'github-output');
    const summary = join(repo, 'step-summary');
    writeFileSync(outputs, '');
    writeFileSync(summary, '');
    const r = spawnSync('bash', [SCRIPT], {
      cwd: repo,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: repo,
        NETPOL,
        GITHUB_OUTPUT: outputs,
        GITHUB_STEP_SUMMARY: summary,
        ...inputs,
      },
    });
    const values = Object.fromEntries(
      readFileSync(outputs, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(/=(.*)/s).slice(0, 2)),
    );
    return {
      status: r.status,
      stdout: r.stdout,
      stderr: r.stderr,
      outputs: values,
      summary: readFileSync(summary, 'utf8'),
    };
  }

  test('lint writes SARIF and diff writes what the change opens, as a pull request gets them', () => {
    const r = action({ INPUT_PATH: 'k8s', INPUT_BASE: 'HEAD' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.deepEqual(r.outputs, {
      sarif: 'netpol.sarif',
      'diff-file': 'netpol-diff.md',
      changed: 'true',
      'lint-status': '0',
    });
    const sarif = JSON.parse(readFileSync(join(repo, 'netpol.sarif'), 'utf8'));
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs[0].tool.driver.name, 'netpol');
    const md = readFileSync(join(repo, 'netpol-diff.md'), 'utf8');
    assert.match(md, /1 connection opened, 0 closed/);
    assert.match(md, /added `default\/allow-frontend-to-backend`/);
    assert.equal(r.summary, md, 'the diff goes to the job summary too');
  });

  test('nothing changed in the path: changed=false', () => {
    const r = action({ INPUT_PATH: 'k8s/deployments.yaml', INPUT_BASE: 'HEAD' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.outputs.changed, 'false');
  });

  test('fail-on: findings at that severity set lint-status 1 (the last step fails the job); never ignores them', (t) => {
    // A copy of a policy under another name: lint's duplicate-policy warning.
    const duplicate = join(repo, 'k8s/allow-frontend-to-backend-ingress.yaml');
    cpSync(join(EXAMPLE, 'allow-frontend-to-backend-ingress.yaml'), duplicate);
    t.after(() => rmSync(duplicate));
    assert.equal(action({ INPUT_PATH: 'k8s' }).outputs['lint-status'], '0', 'a warning does not fail fail-on error');
    const failing = action({ INPUT_PATH: 'k8s', INPUT_FAIL_ON: 'warning', INPUT_SARIF: 'w.sarif' });
    assert.equal(failing.status, 0, failing.stdout + failing.stderr);
    assert.equal(failing.outputs['lint-status'], '1');
    assert.ok(existsSync(join(repo, 'w.sarif')), 'SARIF written before the job fails');
    assert.equal(action({ INPUT_PATH: 'k8s', INPUT_FAIL_ON: 'never' }).outputs['lint-status'], '0');
    assert.equal(action({ INPUT_PATH: 'k8s', INPUT_FAIL_ON: 'sometimes' }).status, 2);
  });

  test('unreadable input or an unknown base revision fail the step with an ::error:: line', () => {
    writeFileSync(
      join(repo, 'broken.yaml'),
      'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: x}\nspec: {podSelector: 7}\n',
    );
    try {
      const broken = action({ INPUT_PATH: 'broken.yaml' });
      assert.equal(broken.status, 2);
      assert.match(broken.stdout, /^::error::netpol lint could not read broken.yaml/m);
    } finally {
      rmSync(join(repo, 'broken.yaml'));
    }
    const noBase = action({ INPUT_PATH: 'k8s', INPUT_LINT: 'false', INPUT_BASE: 'no-such-revision' });
    assert.equal(noBase.status, 2);
    assert.match(noBase.stdout, /^::error::netpol diff against no-such-revision failed/m);
  });

  test('action.yml is a composite action whose steps pass every input the script reads', () => {
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
    assert.equal(action.runs.using, 'composite');
    const step = action.runs.steps.find((s: { id?: string }) => s.id === 'netpol');
    assert.match(step.run, /scripts\/action\/netpol-action\.sh/);
    const script = readFileSync(SCRIPT, 'utf8');
    const read = [...new Set([...script.matchAll(/\$\{(INPUT_[A-Z_]+)/g)].map((m) => m[1]))].sort();
    assert.deepEqual(Object.keys(step.env).sort(), read);
    for (const value of Object.values(step.env) as string[]) {
      const input = /inputs\.([\w-]+)/.exec(value)?.[1];
      assert.ok(input && action.inputs[input], `${value} names an input`);
    }
    for (const output of Object.values(action.outputs) as { value: string }[]) {
      assert.match(output.value, /steps\.netpol\.outputs\.(sarif|diff-file|changed)/);
    }
  });
});

describe('pre-commit hooks (.pre-commit-hooks.yaml)', () => {
  const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as {
    id: string;
    entry: string;
    files: string;
  }[];

  test('netpol-validate and netpol-lint, on the files pre-commit passes (positional, as -f)', async () => {
    assert.deepEqual(
      hooks.map((h) => h.id),
      ['netpol-validate', 'netpol-lint'],
    );
    const files = ['deployments.yaml', 'dns.yaml', 'allow-frontend-to-backend.yaml'].map((f) => join(EXAMPLE, f));
    for (const hook of hooks) {
      const [program, ...args] = hook.entry.split(' ');
      assert.equal(program, 'netpol');
      for (const f of files) assert.match(f, new RegExp(hook.files));
      const r = await runCli([...args, ...files]);
      assert.equal(r.code, 0, `${hook.id}: ${r.stderr}`);
    }
  });

  test('a broken manifest fails the validate hook with its position', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-hook-'));
    try {
      const file = join(dir, 'p.yaml');
      writeFileSync(
        file,
        'kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: x}\nspec: {podSelector: 7}\n',
      );
      const r = await runCli([...first(hooks).entry.split(' ').slice(1), file]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /p\.yaml:4:\d+/);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
