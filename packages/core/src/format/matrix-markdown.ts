import type { MatrixResult } from '../matrix/compute-matrix.js';
import { matrixPortLabel } from '../matrix/matrix-json.js';
import { CELL, cellOf, type Write } from './matrix-writer.js';

/** `-o md`: per port a heading and a table, sources down, destinations across. */
export function renderMatrixMarkdown(result: MatrixResult, write: Write): void {
  const n = result.endpoints.length;
  const ids = result.endpoints.map((e) => mdCell(e.id));
  write(
    `Connectivity: ${CELL.allowed} allowed, ${CELL.denied} denied, ${CELL.none} not applicable (both ends external). Rows are sources, columns destinations.\n`,
  );
  result.ports.forEach((port, p) => {
    write(`\n### ${mdCell(matrixPortLabel(port))}\n\n`);
    write(`| from \\ to | ${ids.join(' | ')} |\n`);
    write(`|---|${ids.map(() => ':-:').join('|')}|\n`);
    for (let i = 0; i < n; i++) {
      const cells = new Array<string>(n);
      for (let j = 0; j < n; j++) cells[j] = cellOf(result.allowed(i, j, p));
      write(`| ${ids[i]} | ${cells.join(' | ')} |\n`);
    }
  });
}

export function mdCell(text: string): string {
  return text.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`);
}
