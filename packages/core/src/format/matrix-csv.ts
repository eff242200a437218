import { at } from '../at.js';
import type { MatrixResult } from '../matrix/compute-matrix.js';
import type { Write } from './matrix-writer.js';

/**
 * `-o csv`: one header, then one line per port and source:
 * `port,protocol,source,<destination ids...>` with `true`, `false`, or empty where both
 * ends are external.
 */
export function renderMatrixCsv(result: MatrixResult, write: Write): void {
  for (const chunk of matrixCsvChunks(result)) write(chunk);
}

/** The same, as chunks a caller can write at the pace of its output (backpressure). */
export function* matrixCsvChunks(result: MatrixResult): Generator<string> {
  const n = result.endpoints.length;
  yield `${['port', 'protocol', 'source', ...result.endpoints.map((e) => e.id)].map(csvField).join(',')}\n`;
  for (let p = 0; p < result.ports.length; p++) {
    const port = at(result.ports, p);
    const prefix = `${csvField(String(port.port))},${port.protocol}`;
    for (let i = 0; i < n; i++) {
      const cells = new Array<string>(n);
      for (let j = 0; j < n; j++) {
        const v = result.allowed(i, j, p);
        cells[j] = v === null ? '' : String(v);
      }
      yield `${prefix},${csvField(at(result.endpoints, i).id)},${cells.join(',')}\n`;
    }
  }
}

/** RFC 4180: quote when the field holds a comma, quote or line break. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
