#!/usr/bin/env node
// `npm run build:binary`: a single-file `netpol` executable for this platform with Node's
// single executable applications (SEA): the CLI bundled into one CommonJS file, a preparation
// blob made by `node --experimental-sea-config`, injected with postject into a copy of this
// Node binary. No Node is needed where it runs. Writes dist/release/:
//   netpol-<os>-<arch>            the executable (also `kubectl-netpol` in the archive)
//   netpol-<os>-<arch>.tar.gz     kubectl-netpol + LICENSE, what krew installs
//   SHA256SUMS                    checksums of both
//   plugins/netpol.yaml           the krew plugin manifest for the archive
// Other platforms: run it there (macOS also needs `codesign --remove-signature` before and
// `codesign --sign -` after injection, and postject's `--macho-segment-name NODE_SEA`;
// Windows names the output netpol.exe and signtool can re-sign it). The lab is not in the
// executable: it runs Node programs of its own (its agent and helpers) and needs the npm package.
// `--out DIR` writes there instead (an empty or new directory): the tests build into a
// directory of their own, so a build or `npm run build` (which empties dist/) running at the
// same time in this checkout cannot remove files under them. Intermediate files go to a
// fresh temporary directory, removed at the end.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { out: { type: 'string' } } });
const release = args.out ? resolve(args.out) : join(root, 'dist/release');
if (args.out && existsSync(release) && readdirSync(release).length > 0) {
  process.stderr.write(`build:binary: --out ${args.out} is not empty\n`);
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'netpol-sea-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const { version, description } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const os = { linux: 'linux', darwin: 'darwin', win32: 'windows' }[process.platform] ?? process.platform;
const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch] ?? process.arch;
const name = `netpol-${os}-${arch}${os === 'windows' ? '.exe' : ''}`;
const step = (text) => process.stdout.write(`build:binary: ${text}\n`);

if (!args.out) rmSync(release, { recursive: true, force: true });
mkdirSync(join(release, 'plugins'), { recursive: true });

step('bundling the CLI into one CommonJS file');
await build({
  absWorkingDir: root,
  entryPoints: ['scripts/binary/sea-entry.mjs'],
  outfile: join(work, 'netpol.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  define: { NETPOL_VERSION: JSON.stringify(version), NETPOL_SINGLE_EXECUTABLE: 'true' },
  external: ['bufferutil', 'utf-8-validate'],
  plugins: [noWebUi()],
  logLevel: 'warning',
});

step('making the preparation blob');
const config = join(work, 'sea-config.json');
writeFileSync(
  config,
  JSON.stringify({
    main: join(work, 'netpol.cjs'),
    output: join(work, 'sea-prep.blob'),
    disableExperimentalSEAWarning: true,
  }),
);
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });

step(`injecting it into a copy of ${process.execPath} (${process.version})`);
const binary = join(release, name);
copyFileSync(process.execPath, binary);
chmodSync(binary, 0o755);
const postject = join(root, 'node_modules/postject/dist/cli.js');
execFileSync(
  process.execPath,
  [
    postject,
    binary,
    'NODE_SEA_BLOB',
    join(work, 'sea-prep.blob'),
    '--sentinel-fuse',
    'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
    ...(os === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : []),
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);

step('packing the krew archive');
const staging = join(work, 'archive');
mkdirSync(staging);
copyFileSync(binary, join(staging, 'kubectl-netpol'));
copyFileSync(join(root, 'LICENSE'), join(staging, 'LICENSE'));
const archive = `${name.replace(/\.exe$/, '')}.tar.gz`;
// Fixed owner, order and times (gzip's header time is 0 too): the same binary gives the same
// archive and checksum.
const tar = join(work, 'archive.tar');
execFileSync('tar', [
  '--sort=name',
  '--owner=0',
  '--group=0',
  '--numeric-owner',
  '--mtime=@0',
  '-cf',
  tar,
  '-C',
  staging,
  'kubectl-netpol',
  'LICENSE',
]);
writeFileSync(join(release, archive), gzipSync(readFileSync(tar), { level: 9 }));

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const sums = [name, archive].map((f) => `${sha256(join(release, f))}  ${f}\n`).join('');
writeFileSync(join(release, 'SHA256SUMS'), sums);

// Where the release's files are downloaded from: set NETPOL_RELEASE_URL when publishing.
const base = process.env.NETPOL_RELEASE_URL ?? `https://github.com/OWNER/netpol/releases/download/v${version}`;
writeFileSync(
  join(release, 'plugins/netpol.yaml'),
  krewManifest({ uri: `${base}/${archive}`, sha256: sha256(join(release, archive)) }),
);
step(`done: ${release}/${name}, ${archive}, SHA256SUMS, plugins/netpol.yaml`);

/** The web UI's files are not in the executable: `serve` and `report` say where they are missing. */
function noWebUi() {
  return {
    name: 'netpol-no-web-ui',
    setup(b) {
      b.onResolve({ filter: /^@netpol\/web\/assets$/ }, () => ({ path: 'web-assets', namespace: 'netpol' }));
      b.onLoad({ filter: /.*/, namespace: 'netpol' }, () => ({
        contents: `export const webDistUrl = new URL('file:///netpol-single-executable/web-ui-is-in-the-npm-package/');`,
        loader: 'js',
      }));
    },
  };
}

function krewManifest({ uri, sha256 }) {
  return `apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: netpol
spec:
  version: v${version}
  homepage: https://github.com/OWNER/netpol
  shortDescription: Can A reach B? Explain, lint and diff NetworkPolicies
  description: |
    ${description}
    Reads manifests (-f) or the current context's cluster (read-only LIST calls):
      kubectl netpol check -n shop --from frontend --to backend --port 80
      kubectl netpol lint
      kubectl netpol matrix -n shop --port 80
  platforms:
    - selector:
        matchLabels:
          os: ${os}
          arch: ${arch}
      uri: ${uri}
      sha256: ${sha256}
      bin: kubectl-netpol
      files:
        - from: kubectl-netpol
          to: .
        - from: LICENSE
          to: .
`;
}
