import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Io, UsageError } from '../io.js';
import type { LiveOptions } from '../live/live-options.js';
import { loadSources } from '../load-input.js';
import { readSources } from '../read-sources.js';
import { type PageInput, readWebAssets, scriptJson, type WebAssets } from './web-assets.js';

export interface ReportOptions {
  file: string[];
  recursive?: boolean;
  live?: LiveOptions;
  output?: string;
  namespace: string;
}

/**
 * `netpol report -o FILE.html`: the `serve` app and the input in one HTML file that works
 * offline from file:// (scripts, styles and the engine worker inline; read-only).
 */
export async function reportCommand(options: ReportOptions, io: Io): Promise<number> {
  if (!options.output) throw new UsageError('-o FILE.html is required', 'e.g. netpol report -f k8s/ -o report.html');
  const files = await readSources(options, io, options.namespace);
  // A report is read-only and often made by CI: input the engine cannot use is refused here
  // with its file:line:col (exit 2), never written into a page that only shows it later.
  loadSources(files, {}, io, { defaultNamespace: options.namespace });
  const html = renderReport(readWebAssets(), {
    mode: 'report',
    files,
    namespace: options.namespace,
    canSave: false,
    version: 0,
  });
  if (options.output === '-') io.stdout.write(html);
  else {
    writeFileSync(resolve(io.cwd, options.output), html);
    io.stderr.write(
      `netpol report: wrote ${options.output} (${Math.round(html.length / 1024)} KB, ${files.length} files)\n`,
    );
  }
  return 0;
}

/** index.html with app.css, the input and app.js inlined in place of their links. */
export function renderReport(assets: WebAssets, input: PageInput): string {
  // `</script` cannot appear inside an inline script; `<\/script` means the same in JS.
  const js = assets.appJs.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
  const css = assets.appCss.replace(/<\/style/gi, '<\\/style');
  let html = assets.indexHtml
    .replace(/\s*<script type="module"[^>]*src="\.\/app\.js"><\/script>/, '')
    .replace(/<link rel="stylesheet"[^>]*href="\.\/app\.css">/, () => `<style>${css}</style>`);
  html = html.replace(
    '</body>',
    () =>
      `<script id="netpol-input" type="application/json">${scriptJson(input)}</script>\n<script type="module">${js}</script>\n</body>`,
  );
  return html;
}
