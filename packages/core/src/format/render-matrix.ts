import type { MatrixResult } from '../matrix/compute-matrix.js';
import { matrixCsvChunks, renderMatrixCsv } from './matrix-csv.js';
import { renderMatrixDot, renderMatrixMermaid } from './matrix-graph.js';
import { renderMatrixHtml } from './matrix-html.js';
import { matrixJsonChunks, renderMatrixJson } from './matrix-json-format.js';
import { renderMatrixMarkdown } from './matrix-markdown.js';
import { renderMatrixTable, type TableOptions } from './matrix-table.js';
import type { Write } from './matrix-writer.js';

export const MATRIX_FORMATS = ['table', 'json', 'csv', 'md', 'dot', 'mermaid', 'html'] as const;
export type MatrixFormat = (typeof MATRIX_FORMATS)[number];

/** Every format renders the same truth table. */
export function renderMatrix(
  result: MatrixResult,
  format: MatrixFormat,
  write: Write,
  options: TableOptions = {},
): void {
  const renderers: Record<MatrixFormat, () => void> = {
    table: () => renderMatrixTable(result, write, options),
    json: () => renderMatrixJson(result, write),
    csv: () => renderMatrixCsv(result, write),
    md: () => renderMatrixMarkdown(result, write),
    dot: () => renderMatrixDot(result, write),
    mermaid: () => renderMatrixMermaid(result, write),
    html: () => renderMatrixHtml(result, write),
  };
  renderers[format]();
}

/**
 * Formats drawn for people grow with the square of the endpoints and are built whole
 * (a 30,000-workload grid is 900M cells): past this many cells (rows × columns × ports)
 * they are refused with a hint (`--group-by namespace`, `-n`, `-o json|csv`, which stream).
 */
export const MAX_DRAWN_MATRIX_CELLS = 1_000_000;

export function isStreamedMatrixFormat(format: string): boolean {
  return format === 'json' || format === 'csv';
}

/**
 * `renderMatrix` as chunks, for a caller that writes at the pace of its output: json and
 * csv are produced row by row (bounded memory however large); the drawn formats at once.
 */
export function* matrixChunks(
  result: MatrixResult,
  format: MatrixFormat,
  options: TableOptions = {},
): Generator<string> {
  if (format === 'json') yield* matrixJsonChunks(result);
  else if (format === 'csv') yield* matrixCsvChunks(result);
  else {
    const parts: string[] = [];
    renderMatrix(result, format, (chunk) => parts.push(chunk), options);
    yield* parts;
  }
}
