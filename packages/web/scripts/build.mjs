#!/usr/bin/env node
// Builds the web UI into dist/ (typecheck, then Vite). Skipped when dist/ is newer than every
// input (web and core sources, configs), so `npm test` and `prepare` stay fast on a warm tree.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(web, 'dist', 'app.js');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    max = Math.max(max, newest(join(path, entry)));
  }
  return max;
}

const inputs = [
  join(web, 'src'),
  join(web, 'index.html'),
  join(web, 'vite.config.ts'),
  join(web, 'package.json'),
  join(web, '..', 'core', 'src'),
  // The Learn view bundles the examples.
  join(web, '..', '..', 'examples'),
];
if (!process.argv.includes('--force') && existsSync(stamp)) {
  const built = statSync(stamp).mtimeMs;
  if (inputs.every((p) => !existsSync(p) || newest(p) <= built)) process.exit(0);
}
const run = (bin, args) => {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: web, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
// npm workspaces hoist the tools to the repository's node_modules.
const tools = join(web, '..', '..', 'node_modules');
run(join(tools, 'typescript', 'bin', 'tsc'), ['-p', 'tsconfig.json']);
run(join(tools, 'vite', 'bin', 'vite.js'), ['build', '--logLevel', 'warn']);
