import type { MatrixResult } from '../matrix/compute-matrix.js';
import { matrixPortLabel } from '../matrix/matrix-json.js';
import { CELL, cellOf, type Write } from './matrix-writer.js';

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1f2328; }
h1 { font-size: 1.3rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d7de; padding: 2px 6px; text-align: center; }
th.src { text-align: left; font-weight: normal; white-space: nowrap; position: sticky; left: 0; background: #f6f8fa; }
thead th { position: sticky; top: 0; background: #f6f8fa; font-weight: normal; }
td.y { background: #dafbe1; color: #116329; } td.n { background: #ffebe9; color: #a40e26; } td.x { color: #8c959f; }
ol { columns: 3; font-family: ui-monospace, monospace; }
`;

/** `-o html`: one self-contained page (inline CSS, no scripts, no network references). */
export function renderMatrixHtml(result: MatrixResult, write: Write, title = 'netpol connectivity matrix'): void {
  const n = result.endpoints.length;
  const ids = result.endpoints.map((e) => escapeHtml(e.id));
  write(`<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(title)}</title>\n`);
  write(`<style>${STYLE}</style>\n</head>\n<body>\n<h1>${escapeHtml(title)}</h1>\n`);
  write(
    `<p>Rows are sources, columns destinations (numbered as in the list below). ${CELL.allowed} allowed, ${CELL.denied} denied, ${CELL.none} not applicable (both ends external).</p>\n`,
  );
  write('<ol start="0">\n');
  for (const id of ids) write(`<li>${id}</li>\n`);
  write('</ol>\n');
  result.ports.forEach((port, p) => {
    write(
      `<h2>Port ${escapeHtml(matrixPortLabel(port))}</h2>\n<table data-port="${escapeHtml(String(port.port))}" data-protocol="${port.protocol}">\n<thead><tr><th></th>`,
    );
    for (let j = 0; j < n; j++) write(`<th title="${ids[j]}">${j}</th>`);
    write('</tr></thead>\n<tbody>\n');
    for (let i = 0; i < n; i++) {
      const cells = new Array<string>(n);
      for (let j = 0; j < n; j++) {
        const v = result.allowed(i, j, p);
        cells[j] = `<td class="${v === null ? 'x' : v ? 'y' : 'n'}">${cellOf(v)}</td>`;
      }
      write(`<tr><th class="src">${i} ${ids[i]}</th>${cells.join('')}</tr>\n`);
    }
    write('</tbody>\n</table>\n');
  });
  write('</body>\n</html>\n');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
