import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NAME = `netpol-${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`;

/**
 * `npm run build:binary` (its script, after the build `npm test` and CI do first): the
 * single-file executable runs with no Node and no repository beside it, and the krew
 * manifest and checksums describe the files made. It builds into a directory of its own
 * (`--out`): under load its subtests were once all cancelled because the build failed in
 * dist/, which a concurrent `npm run build` in the same checkout empties; a failed build now
 * says why (its output is in the error).
 */
describe('the single-file executable (Node SEA)', {
  skip: process.platform === 'win32' && 'built on Linux/macOS',
}, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'netpol-binary-'));
  const RELEASE = join(tmp, 'release');
  const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

  before(() => {
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build-binary.mjs'), '--out', RELEASE], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(
      build.status,
      0,
      `build:binary failed (${build.error?.message ?? `exit ${build.status}`}):\n${build.stdout}\n${build.stderr}`,
    );
    cpSync(join(ROOT, 'examples/001-frontend-backend'), join(tmp, 'k8s'), { recursive: true });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  // An empty PATH: no node to fall back on.
  const run = (binary: string, ...args: string[]) =>
    spawnSync(binary, args, { cwd: tmp, encoding: 'utf8', env: { PATH: '' } });

  test('checks an example with no Node on PATH (exit 0 allowed, 1 denied)', () => {
    const binary = join(RELEASE, NAME);
    const allowed = run(
      binary,
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
    assert.match(allowed.stdout, /^ALLOWED: default\/frontend\[Deployment\] -> default\/backend\[Deployment\]/);
    const denied = run(
      binary,
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
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    assert.ok(run(binary, 'version').stdout.startsWith(`netpol ${version} `));
  });

  test('named kubectl-netpol it is the kubectl plugin; the lab says it needs the npm package', () => {
    const plugin = join(tmp, 'kubectl-netpol');
    copyFileSync(join(RELEASE, NAME), plugin);
    execFileSync('chmod', ['+x', plugin]);
    assert.match(run(plugin, '--help').stdout, /^Usage: kubectl netpol/);
    const lab = run(plugin, 'lab', 'status');
    assert.equal(lab.status, 2);
    assert.match(lab.stderr, /the lab is not part of the single-file executable/);
    assert.match(lab.stderr, /npm install -g netpol/);
  });

  test('named kubectl_complete-netpol it answers kubectl netpol <TAB>', () => {
    const completer = join(tmp, 'kubectl_complete-netpol');
    copyFileSync(join(RELEASE, NAME), completer);
    execFileSync('chmod', ['+x', completer]);
    const r = run(completer, 'lint', '-o', 's');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'sarif\n:4\n');
  });

  test('SHA256SUMS and the krew manifest describe the files made', () => {
    const archive = `${NAME}.tar.gz`;
    const sums = readFileSync(join(RELEASE, 'SHA256SUMS'), 'utf8');
    assert.equal(sums, `${sha256(join(RELEASE, NAME))}  ${NAME}\n${sha256(join(RELEASE, archive))}  ${archive}\n`);
    const manifest = parse(readFileSync(join(RELEASE, 'plugins/netpol.yaml'), 'utf8'));
    assert.equal(manifest.kind, 'Plugin');
    assert.equal(manifest.metadata.name, 'netpol');
    const [platform] = manifest.spec.platforms;
    assert.equal(platform.sha256, sha256(join(RELEASE, archive)));
    assert.ok(platform.uri.endsWith(`/${archive}`));
    assert.equal(platform.bin, 'kubectl-netpol');
    const listed = execFileSync('tar', ['-tzf', join(RELEASE, archive)], { encoding: 'utf8' });
    assert.deepEqual(listed.trim().split('\n').sort(), ['LICENSE', 'kubectl-netpol']);
  });
});
