import { at } from '../at.js';
import type { MatrixResult } from '../matrix/compute-matrix.js';
import type { Write } from './matrix-writer.js';

/**
 * `-o json`, written row by row: the `matrixToJson` shape, one matrix row per line so a
 * large matrix never sits in memory as nested arrays.
 */
export function renderMatrixJson(result: MatrixResult, write: Write): void {
  for (const chunk of matrixJsonChunks(result)) write(chunk);
}

/** The same, as chunks a caller can write at the pace of its output (backpressure). */
export function* matrixJsonChunks(result: MatrixResult): Generator<string> {
  const n = result.endpoints.length;
  yield `{\n  "endpoints": ${JSON.stringify(result.endpoints.map((e) => e.id))},\n  "results": [`;
  for (let p = 0; p < result.ports.length; p++) {
    const port = at(result.ports, p);
    yield `${p === 0 ? '' : ','}\n    {\n      "port": ${JSON.stringify(port.port)},\n`;
    yield `      "protocol": ${JSON.stringify(port.protocol)},\n      "allowed": [`;
    for (let i = 0; i < n; i++) {
      const cells = new Array<string>(n);
      for (let j = 0; j < n; j++) cells[j] = String(result.allowed(i, j, p));
      yield `${i === 0 ? '' : ','}\n        [${cells.join(', ')}]`;
    }
    yield `${n === 0 ? '' : '\n      '}]\n    }`;
  }
  yield `${result.ports.length === 0 ? '' : '\n  '}]\n}\n`;
}
