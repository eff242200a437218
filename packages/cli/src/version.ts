import { createRequire } from 'node:module';

// The one place the version is written is package.json; a bundle inlines it from there.
const manifest = createRequire(import.meta.url)('../package.json') as { version: string };

/** netpol's version, from packages/cli/package.json. */
export const VERSION: string = manifest.version;

/** What `netpol version` and `--version` print: ours, Node's, and the platform. */
export function versionInfo() {
  return { netpol: VERSION, node: process.version, platform: `${process.platform}/${process.arch}` };
}

export function versionLine(): string {
  const { netpol, node, platform } = versionInfo();
  return `netpol ${netpol} (node ${node}, ${platform})`;
}
