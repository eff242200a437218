/** @netpol/core/format: every output's wording and rendering (check, diff, matrix, words). */

export { adminDirectionWords, adminPolicyName, adminTierWords } from './admin-words.js';
export { checkHeadline, checkReasonLines, checkToJson, citeField, formatCheck } from './check-report.js';
export { hasChanges, renderDiff } from './diff-report.js';
export type { GroupedMatrixFormat } from './grouped-matrix-format.js';
export { GROUPED_MATRIX_FORMATS, groupedMatrixChunks } from './grouped-matrix-format.js';
export { renderToString } from './matrix-writer.js';
export type { MatrixFormat } from './render-matrix.js';
export { isStreamedMatrixFormat, MAX_DRAWN_MATRIX_CELLS, matrixChunks, renderMatrix } from './render-matrix.js';
export { peerWord, plural, podListWords, portQueryWords, portSpansWords, ruleMatchWords } from './words.js';
