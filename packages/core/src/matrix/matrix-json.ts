import type { MatrixResult } from './compute-matrix.js';

/** `matrix -o json` (SPEC "CLI contract"): endpoint ids, and per port the truth table. */
export interface MatrixJson {
  endpoints: string[];
  results: { port: number | string; protocol: string; allowed: (boolean | null)[][] }[];
}

export function matrixToJson(result: MatrixResult): MatrixJson {
  const n = result.endpoints.length;
  return {
    endpoints: result.endpoints.map((e) => e.id),
    results: result.ports.map((port, p) => ({
      port: port.port,
      protocol: port.protocol,
      allowed: Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => result.allowed(i, j, p))),
    })),
  };
}

/** `80/TCP`, `http/UDP` (the one port label of every report). */
export { formatPortQuery as matrixPortLabel } from '../endpoints/parse-port-query.js';
