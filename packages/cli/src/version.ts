import { createRequire } from 'node:module';

/** Set by the bundler (scripts/bundle.mjs) from the package's package.json. */
declare const NETPOL_VERSION: string | undefined;

// The one place the version is written is package.json: the workspace's when run from the
// repository, the published package's (inlined) when bundled.
const version =
  typeof NETPOL_VERSION === 'string'
    ? NETPOL_VERSION
    : (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** netpol's version, from package.json. */
export const VERSION: string = version;

/** What `netpol version` and `--version` print: ours, Node's, and the platform. */
export function versionInfo() {
  return { netpol: VERSION, node: process.version, platform: `${process.platform}/${process.arch}` };
}

export function versionLine(): string {
  const { netpol, node, platform } = versionInfo();
  return `netpol ${netpol} (node ${node}, ${platform})`;
}
