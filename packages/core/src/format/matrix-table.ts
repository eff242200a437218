import { at } from '../at.js';
import type { MatrixResult } from '../matrix/compute-matrix.js';
import { matrixPortLabel } from '../matrix/matrix-json.js';
import { CELL, cellOf, type Write } from './matrix-writer.js';

export interface TableStyle {
  allowed(text: string): string;
  denied(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export interface TableOptions {
  /** Colours (the CLI passes them only for a TTY); plain text by default. */
  style?: TableStyle;
  /** Longest endpoint name before it is shortened in the middle (default 40). */
  nameWidth?: number;
  /**
   * Widest line (the CLI passes the terminal's width); a grid wider than that is cut into
   * blocks of destination columns, each under the row names again. Unlimited by default.
   */
  width?: number;
}

const PLAIN: TableStyle = { allowed: (s) => s, denied: (s) => s, dim: (s) => s, bold: (s) => s };

/**
 * `-o table`: per port, one numbered row per source; columns are destinations by number
 * (so the grid stays narrow), with long names shortened in the middle.
 */
export function renderMatrixTable(result: MatrixResult, write: Write, options: TableOptions = {}): void {
  const style = options.style ?? PLAIN;
  const n = result.endpoints.length;
  const numberWidth = String(Math.max(0, n - 1)).length;
  const names = result.endpoints.map((e) => truncateMiddle(e.id, options.nameWidth ?? 40));
  const nameWidth = Math.max(0, ...names.map((s) => s.length));
  const color = (v: boolean | null) => {
    const text = cellOf(v).padStart(numberWidth);
    return v === null ? style.dim(text) : v ? style.allowed(text) : style.denied(text);
  };
  if (n === 0) {
    write('no endpoints (no pods in the input, or none in the chosen namespaces)\n');
    return;
  }
  const prefixWidth = numberWidth + 1 + nameWidth + 2;
  const perBlock =
    options.width && options.width > prefixWidth
      ? Math.max(1, Math.floor((options.width - prefixWidth + 1) / (numberWidth + 1)))
      : n;
  result.ports.forEach((port, p) => {
    if (p > 0) write('\n');
    write(
      `${style.bold(`port ${matrixPortLabel(port)}`)}  ${style.dim(`rows: from, columns: to  ${CELL.allowed} allowed  ${CELL.denied} denied  ${CELL.none} n/a`)}\n`,
    );
    for (let from = 0; from < n; from += perBlock) {
      const to = Math.min(n, from + perBlock);
      if (perBlock < n) write(`${from > 0 ? '\n' : ''}${style.dim(`columns ${from}-${to - 1} of ${n}`)}\n`);
      const header = Array.from({ length: to - from }, (_, k) => String(from + k).padStart(numberWidth)).join(' ');
      write(`${' '.repeat(prefixWidth)}${style.dim(header)}\n`);
      for (let i = 0; i < n; i++) {
        const cells = new Array<string>(to - from);
        for (let j = from; j < to; j++) cells[j - from] = color(result.allowed(i, j, p));
        write(`${String(i).padStart(numberWidth)} ${at(names, i).padEnd(nameWidth)}  ${cells.join(' ')}\n`);
      }
    }
  });
}

/** `payments-prod-0…/api-1[Deployment]`: keeps both ends, which carry the meaning. */
export function truncateMiddle(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  const keep = width - 1;
  const head = Math.ceil(keep / 2);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (keep - head)).join('')}`;
}
