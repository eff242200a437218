import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { first } from '@netpol/core';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/001-frontend-backend');

/**
 * What a user without this repository gets: `npm pack` at the root, installed globally into
 * an empty prefix with no registry (`--offline`: everything is bundled), run from a directory
 * outside the repository on a copy of an example. Needs the workspaces built (`npm test` and
 * CI build first); the bundle is made here.
 */
describe('the netpol npm package', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'netpol-package-'));
  const prefix = join(tmp, 'prefix');
  const work = join(tmp, 'work');
  const bin = (name: string) => join(prefix, 'bin', name);
  // npm would read this repository's .npmrc and the user's config only from the repo: run
  // it from the temporary directory, with a cache of its own (nothing to fetch: --offline).
  const npm = (...args: string[]) =>
    execFileSync('npm', args, {
      cwd: tmp,
      encoding: 'utf8',
      env: { ...process.env, npm_config_cache: join(tmp, 'cache'), npm_config_update_notifier: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  let tarball = '';

  before(() => {
    execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs')], { stdio: 'ignore' });
    npm('pack', ROOT, '--ignore-scripts', '--pack-destination', tmp);
    tarball = readdirSync(tmp).find((f) => /^netpol-\d.*\.tgz$/.test(f)) ?? '';
    assert.ok(tarball, 'npm pack made no netpol-<version>.tgz');
    npm('install', '-g', `./${tarball}`, '--prefix', prefix, '--offline', '--no-audit', '--no-fund');
    cpSync(EXAMPLE, join(work, 'k8s'), { recursive: true });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const run = (name: string, ...args: string[]) =>
    spawnSync(bin(name), args, { cwd: work, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: tmp } });

  test('is named netpol at the root version, depends on nothing, ships bins, LICENSE and README', () => {
    const manifest = JSON.parse(readFileSync(join(prefix, 'lib/node_modules/netpol/package.json'), 'utf8'));
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const cli = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8'));
    assert.equal(tarball, `netpol-${root.version}.tgz`);
    assert.equal(manifest.version, cli.version, 'the CLI workspace and the package carry one version');
    assert.deepEqual(manifest.dependencies ?? {}, {});
    assert.deepEqual(Object.keys(manifest.bin).sort(), ['kubectl-netpol', 'kubectl_complete-netpol', 'netpol']);
    const files = readdirSync(join(prefix, 'lib/node_modules/netpol'));
    for (const f of ['LICENSE', 'README.md', 'CHANGELOG.md', 'dist']) assert.ok(files.includes(f), f);
    // The lab's helper programs ride along where the lab looks for them (../helpers/).
    const helpers = join(ROOT, 'packages/lab/helpers');
    const shipped = join(prefix, 'lib/node_modules/netpol/dist/helpers');
    if (existsSync(helpers)) assert.deepEqual(readdirSync(shipped).sort(), readdirSync(helpers).sort());
    assert.ok(readdirSync(join(prefix, 'lib/node_modules/netpol/dist/bin')).includes('agent-main.js'));
  });

  test('netpol check runs on an example outside the repository (exit 0 allowed, 1 denied)', () => {
    const allowed = run(
      'netpol',
      'check',
      '-f',
      'k8s',
      '--from',
      'deploy/frontend',
      '--to',
      'deploy/backend',
      '--port',
      '80',
    );
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.match(
      allowed.stdout,
      /^ALLOWED: default\/frontend\[Deployment\] -> default\/backend\[Deployment\] on 80\/TCP/,
    );
    const denied = run(
      'netpol',
      'check',
      '-f',
      'k8s',
      '--from',
      'default/other-app',
      '--to',
      'deploy/backend',
      '--port',
      '80',
    );
    assert.equal(denied.status, 1, denied.stderr);
    assert.match(denied.stdout, /^DENIED/);
  });

  test('kubectl-netpol is the same program, named as kubectl runs plugins', () => {
    const help = run('kubectl-netpol', '--help');
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: kubectl netpol/);
    const lint = run('kubectl-netpol', 'lint', '-f', 'k8s', '-o', 'json');
    assert.ok(lint.status === 0 || lint.status === 1, lint.stderr);
    assert.ok(Array.isArray(JSON.parse(lint.stdout).findings));
  });

  test('netpol report writes the web UI from the package (no repository, no network)', () => {
    const r = run('netpol', 'report', '-f', 'k8s', '-o', 'report.html');
    assert.equal(r.status, 0, r.stderr);
    const html = readFileSync(join(work, 'report.html'), 'utf8');
    assert.match(html, /<html/i);
    assert.ok(html.length > 10_000, `${html.length} characters`);
  });

  test('kubectl_complete-netpol answers kubectl netpol <TAB> in cobra protocol', () => {
    const r = run('kubectl_complete-netpol', 'check', '-f', 'k8s', '--to', 'default/deployment/b');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'default/deployment/backend\n:4\n');
  });

  test('netpol version names the package version; bare netpol prints help, exit 0', () => {
    const version = run('netpol', 'version');
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    assert.equal(version.status, 0);
    assert.ok(version.stdout.startsWith(`netpol ${root.version} (node ${process.version}`), version.stdout);
    const bare = run('netpol');
    assert.equal(bare.status, 0);
    assert.match(bare.stdout, /^Usage: netpol/);
  });

  test('the live-cluster client is bundled and loaded only when a cluster is read', () => {
    const kubeconfig = join(work, 'kubeconfig');
    // A server nobody listens on (port 1 of 127.0.0.1): the error names it; nothing else is reached.
    const config = `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`;
    writeFileSync(kubeconfig, config);
    const r = run('netpol', 'validate', '--kubeconfig', kubeconfig, '--request-timeout', '2s');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot reach the API server https:\/\/127\.0\.0\.1:1/);
    assert.doesNotMatch(r.stderr, /Cannot find module|\n\s+at /);
  });
});

describe('@netpol/core as a package of its own', () => {
  test('bundles for a browser (no Node built-ins) from its exports; the size the README states', async () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages/core/package.json'), 'utf8'));
    // Every entry point (`@netpol/core`, `@netpol/core/format`, ...), as the package's user imports it.
    const entries = Object.keys(manifest.exports).map((subpath) => `@netpol/core${subpath.slice(1)}`);
    const result = await build({
      absWorkingDir: ROOT,
      stdin: { contents: entries.map((entry) => `export * from '${entry}';`).join('\n'), resolveDir: ROOT },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      minify: true,
      write: false,
      logLevel: 'silent',
    });
    const bytes = first(result.outputFiles).contents.length;
    assert.ok(bytes > 50_000, `${bytes} bytes`);
    const readme = readFileSync(join(ROOT, 'packages/core/README.md'), 'utf8');
    const stated = /about (\d+) KiB minified/.exec(readme);
    assert.ok(stated, 'packages/core/README.md states the bundle size');
    // Within a factor of two: the README is refreshed when it drifts further.
    const kib = bytes / 1024;
    assert.ok(kib < Number(stated[1]) * 2 && kib > Number(stated[1]) / 2, `${Math.round(kib)} KiB vs ${stated[1]}`);
  });

  test('packs dist and src, no tests or fixtures, and is not private', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages/core/package.json'), 'utf8'));
    assert.equal(manifest.private, undefined);
    assert.equal(manifest.type, 'module');
    assert.ok(manifest.exports['.'].types);
    const listed = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: join(ROOT, 'packages/core'),
        encoding: 'utf8',
      }),
    )[0].files.map((f: { path: string }) => f.path) as string[];
    const targets = Object.values(manifest.exports as Record<string, { types: string; default: string }>);
    assert.ok(targets.length > 1, 'entry points beside the main one');
    for (const target of targets) {
      for (const file of [target.types, target.default]) assert.ok(listed.includes(file.slice(2)), file);
    }
    assert.deepEqual(
      listed.filter((p) => /\.test\.|fixtures\/|test-helpers/.test(p)),
      [],
    );
  });
});
