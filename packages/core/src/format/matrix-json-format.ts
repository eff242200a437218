import type { MatrixResult } from '../matrix/compute-matrix.js';
import type { Write } from './matrix-writer.js';

/**
 * `-o json`, written row by row: the `matrixToJson` shape, one matrix row per line so a
 * large matrix never sits in memory as nested arrays.
 */
export function renderMatrixJson(result: MatrixResult, write: Write): void {
  const n = result.endpoints.length;
  write(`{\n  "endpoints": ${JSON.stringify(result.endpoints.map((e) => e.id))},\n  "results": [`);
  result.ports.forEach((port, p) => {
    write(`${p === 0 ? '' : ','}\n    {\n      "port": ${JSON.stringify(port.port)},\n`);
    write(`      "protocol": ${JSON.stringify(port.protocol)},\n      "allowed": [`);
    for (let i = 0; i < n; i++) {
      const cells = new Array<string>(n);
      for (let j = 0; j < n; j++) cells[j] = String(result.allowed(i, j, p));
      write(`${i === 0 ? '' : ','}\n        [${cells.join(', ')}]`);
    }
    write(`${n === 0 ? '' : '\n      '}]\n    }`);
  });
  write(`${result.ports.length === 0 ? '' : '\n  '}]\n}\n`);
}
