import { readFileSync } from 'node:fs';
import type { SourceFile } from '@netpol/core';
import { webDistUrl } from '@netpol/web/assets';
import { UsageError } from '../io.js';

/** The built web UI (packages/web/dist): read from disk, never fetched. */
export interface WebAssets {
  indexHtml: string;
  appJs: string;
  appCss: string;
}

export function readWebAssets(): WebAssets {
  const read = (name: string) => readFileSync(new URL(name, webDistUrl), 'utf8');
  try {
    return { indexHtml: read('index.html'), appJs: read('app.js'), appCss: read('app.css') };
  } catch {
    throw new UsageError(
      `the web UI is not built (${new URL('app.js', webDistUrl).pathname} is missing)`,
      'run npm run build (npm ci builds it too)',
    );
  }
}

/** What the page is given: the texts as the CLI names them, so reasons cite the same file:line. */
export interface PageInput {
  mode: 'serve' | 'report';
  files: SourceFile[];
  base?: SourceFile[];
  /** The paths as given, for the Diff export's `netpol diff BASE HEAD` names. */
  baseName?: string;
  headName?: string;
  namespace: string;
  canSave: boolean;
  version: number;
}

/** JSON safe inside an HTML `<script>` element (no `</script>`, no `<!--`). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
