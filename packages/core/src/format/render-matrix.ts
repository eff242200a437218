import type { MatrixResult } from '../matrix/compute-matrix.js';
import { renderMatrixCsv } from './matrix-csv.js';
import { renderMatrixDot, renderMatrixMermaid } from './matrix-graph.js';
import { renderMatrixHtml } from './matrix-html.js';
import { renderMatrixJson } from './matrix-json-format.js';
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
