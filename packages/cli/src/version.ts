import { createRequire } from 'node:module';

// The one place the version is written is package.json; a bundle inlines it from there.
const manifest = createRequire(import.meta.url)('../package.json') as { version: string };

/** netpol's version, from packages/cli/package.json. */
export const VERSION: string = manifest.version;
