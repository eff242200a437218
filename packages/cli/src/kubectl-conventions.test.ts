import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { CommandSpec } from './command-spec.js';
import { COMMANDS } from './command-table.js';
import { runCli } from './test-helpers.js';

/** kubectl's conventions, command by command (docs/kubectl-conventions.md). */
const EXAMPLE = fileURLToPath(new URL('../../../examples/001-frontend-backend', import.meta.url));

function spec(path: string): CommandSpec {
  let specs: readonly CommandSpec[] = COMMANDS;
  let found: CommandSpec | undefined;
  for (const name of path.split(' ')) {
    found = specs.find((s) => s.name === name);
    assert.ok(found, path);
    specs = found.subcommands ?? [];
  }
  return found as CommandSpec;
}
const flags = (path: string) =>
  (spec(path).options ?? []).flatMap((o) => o.flags.split(/[ ,]+/).filter((f) => f.startsWith('-')));

describe('kubectl conventions', () => {
  test('every command that reads a cluster takes --context and --kubeconfig; -n is -n wherever a namespace is meant', () => {
    for (const path of ['validate', 'check', 'explain', 'matrix', 'lint']) {
      assert.ok(flags(path).includes('--context'), path);
      assert.ok(flags(path).includes('--kubeconfig'), path);
    }
    for (const path of ['check', 'explain', 'matrix', 'lab run', 'lab exec', 'lab delete', 'lab label']) {
      assert.ok(flags(path).includes('-n') && flags(path).includes('--namespace'), path);
    }
  });

  test('help examples need no quoting in zsh or bash (no brackets, globs or unbalanced quotes)', () => {
    const all = (specs: readonly CommandSpec[]): CommandSpec[] =>
      specs.flatMap((s) => [s, ...all(s.subcommands ?? [])]);
    for (const command of all(COMMANDS)) {
      for (const example of command.examples ?? []) {
        const unquoted = example.replace(/'[^']*'|"[^"]*"/g, '').replace(/#.*$/, '');
        assert.doesNotMatch(unquoted, /[[\]*?]/, `${command.name}: ${example}`);
      }
    }
  });

  const endpoints = async (...args: string[]) => {
    const r = await runCli(['matrix', '-f', EXAMPLE, '--port', '80', '-o', 'json', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).endpoints as string[];
  };

  test('matrix -l filters endpoints by their pod labels, in kubectl selector syntax', async () => {
    assert.deepEqual(await endpoints('-l', 'app=frontend'), ['default/frontend[Deployment]']);
    assert.deepEqual(await endpoints('--selector', 'app in (frontend,backend)'), [
      'default/backend[Deployment]',
      'default/frontend[Deployment]',
    ]);
    const notFrontend = await endpoints('-l', 'app!=frontend');
    assert.ok(
      !notFrontend.includes('default/frontend[Deployment]') && notFrontend.includes('default/backend[Deployment]'),
    );
    // Outside addresses are not pods: -l keeps them.
    assert.deepEqual(await endpoints('-l', 'app=backend', '--external', '203.0.113.10'), [
      'default/backend[Deployment]',
      '203.0.113.10',
    ]);
    const none = await runCli(['matrix', '-f', EXAMPLE, '-l', 'app=nope']);
    assert.equal(none.code, 0);
    assert.match(none.stderr, /no endpoint matches -l app=nope/);
    const bad = await runCli(['matrix', '-f', EXAMPLE, '-l', 'app in frontend']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /-l: "app in frontend" is not a label requirement/);
  });

  test('matrix -A is every namespace (as without -n); with -n it is a usage error', async () => {
    assert.deepEqual(await endpoints('-A'), await endpoints());
    const both = await runCli(['matrix', '-f', EXAMPLE, '-A', '-n', 'default']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give -n NAMESPACE or -A, not both/);
  });

  test('validate -o name prints resource/name as kubectl does; problems still on stderr, exit unchanged', async () => {
    const r = await runCli([
      'validate',
      '-f',
      `${EXAMPLE}/deployments.yaml`,
      '-f',
      `${EXAMPLE}/deny-all-ingress-to-backend.yaml`,
      '-o',
      'name',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').sort(), [
      'deployment.apps/backend',
      'deployment.apps/frontend',
      'networkpolicy.networking.k8s.io/deny-all-ingress-to-backend',
    ]);
  });

  test('endpoints as kubectl names objects: deploy/NAME with -n, NS/deploy/NAME, pod/NAME', async () => {
    const rows: [string[], number][] = [
      [['--from', 'deploy/frontend', '--to', 'deployment/backend'], 0],
      [['-n', 'default', '--from', 'deploy/frontend', '--to', 'default/deploy/backend'], 0],
      [['--from', 'default/pod/frontend-0', '--to', 'deploy/backend'], 0],
      [['--from', 'deploy/other-app', '--to', 'deploy/backend'], 2],
    ];
    for (const [args, code] of rows) {
      const r = await runCli(['check', '-f', EXAMPLE, '--port', '80', ...args]);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    }
    const explained = await runCli(['explain', '-f', EXAMPLE, '--pod', 'deploy/backend', '-o', 'json']);
    assert.equal(explained.code, 0, explained.stderr);
  });
});
