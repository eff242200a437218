#!/usr/bin/env node
// `npm run bundle` (part of `npm run build`): the `netpol` npm package's code in dist/bin/,
// from the workspaces' tsc output. core, lab, commander, yaml, picocolors and
// @kubernetes/client-node are bundled, so the package installs with no dependency and no
// registry (`npm install -g netpol-<v>.tgz --offline`); client-node stays a chunk of its own,
// imported only when a command reads a live cluster. The lab's agent is an entry of its own
// (the lab starts it as `node agent-main.js`), and its helper programs are copied to
// dist/helpers/, where the lab finds them relative to its code (../helpers/). The web UI
// (packages/web/dist, built before) is copied to dist/web/ for `serve` and `report`.
import { cpSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

rmSync(out, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    netpol: 'packages/cli/bin/netpol.js',
    'kubectl_complete-netpol': 'packages/cli/bin/kubectl_complete-netpol.js',
    'agent-main': 'packages/lab/dist/agent-main.js',
  },
  outdir: join(out, 'bin'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Chunks sit beside agent-main.js: the lab starts it from its own directory.
  chunkNames: '[name]-[hash]',
  define: { NETPOL_VERSION: JSON.stringify(version) },
  // ws's optional native speed-ups: absent is fine (ws checks with try/require).
  external: ['bufferutil', 'utf-8-validate'],
  // Some bundled CommonJS calls require() on Node built-ins; ESM output needs a require.
  banner: {
    js: "import { createRequire as __netpolRequire } from 'node:module'; const require = __netpolRequire(import.meta.url);",
  },
  minify: true,
  keepNames: true,
  legalComments: 'linked',
  plugins: [webAssetsAt('../web/')],
  logLevel: 'warning',
});
const web = join(root, 'packages/web/dist');
if (existsSync(web)) cpSync(web, join(out, 'web'), { recursive: true });
const helpers = join(root, 'packages/lab/helpers');
if (existsSync(helpers)) cpSync(helpers, join(out, 'helpers'), { recursive: true });
const size = statSync(join(out, 'bin/netpol.js')).size;
console.log(`dist/bin: netpol ${version} bundled (${Math.round(size / 1024)} KiB entry)`);

/** `@netpol/web/assets` names where the built UI is: in the package, `url` from the bundle. */
function webAssetsAt(url) {
  return {
    name: 'netpol-web-assets',
    setup(b) {
      b.onResolve({ filter: /^@netpol\/web\/assets$/ }, () => ({ path: 'web-assets', namespace: 'netpol' }));
      b.onLoad({ filter: /.*/, namespace: 'netpol' }, () => ({
        contents: `export const webDistUrl = new URL(${JSON.stringify(url)}, import.meta.url);`,
        loader: 'js',
      }));
    },
  };
}
