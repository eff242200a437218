#!/usr/bin/env node
// `npm test` runs every part; CI runs them one by one (.ci/run). Parts:
//   unit     every test under packages/ but the lab's, two files at a time (2 cores)
//   lab      the lab's tests (packages/lab, cli lab commands): real network namespaces and
//            nftables, so root (they skip with a reason without it); one file at a time
//   package  the npm package and the single-file executable, built and run as a user would
// Usage: node scripts/run-tests.mjs [unit|lab|package|all]... (default all). Needs the
// workspaces built (npm run build) for the bins and the package.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function testFiles(dir) {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts') && !(e.parentPath ?? e.path).includes('node_modules'))
    .map((e) => relative(root, join(e.parentPath ?? e.path, e.name)))
    .sort();
}

const isLab = (file) =>
  file.startsWith('packages/lab/') || /^packages\/cli\/src\/commands\/lab[^/]*\.test\.ts$/.test(file);
const packagesTests = testFiles('packages');
const PARTS = {
  unit: { files: packagesTests.filter((f) => !isLab(f)), concurrency: 2 },
  lab: { files: packagesTests.filter(isLab), concurrency: 1 },
  package: { files: testFiles('scripts'), concurrency: 1 },
};

const asked = process.argv.slice(2);
const parts = asked.length === 0 || asked.includes('all') ? Object.keys(PARTS) : asked;
for (const part of parts) if (!PARTS[part]) throw new Error(`unknown part ${part}: ${Object.keys(PARTS).join(', ')}`);

const times = [];
let failed = false;
for (const part of parts) {
  const { files, concurrency } = PARTS[part];
  process.stdout.write(`\n== ${part}: ${files.length} test files ==\n`);
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files],
    { cwd: root, stdio: 'inherit' },
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  times.push(`${part} ${seconds} s${result.status === 0 ? '' : ' (FAILED)'}`);
  if (result.status !== 0) failed = true;
}
process.stdout.write(`\ntest parts: ${times.join(', ')}\n`);
process.exitCode = failed ? 1 : 0;
