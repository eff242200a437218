import { at } from '../at.js';
import { type GroupedMatrix, groupVerdict } from '../matrix/group-by-namespace.js';
import { matrixPortLabel } from '../matrix/matrix-json.js';
import { csvField } from './matrix-csv.js';
import { mdCell } from './matrix-markdown.js';
import { type TableOptions, truncateMiddle } from './matrix-table.js';

/** The formats a grouped matrix has: text for people, json/csv for tools. */
export const GROUPED_MATRIX_FORMATS = ['table', 'md', 'csv', 'json'] as const;
export type GroupedMatrixFormat = (typeof GROUPED_MATRIX_FORMATS)[number];

/** `all`, `none`, `some 3/10` (allowed pairs of all pairs), `·` where both ends are external. */
export function groupCellText(allowed: number, pairs: number): string {
  const verdict = groupVerdict(allowed, pairs);
  return verdict === null ? '·' : verdict === 'some' ? `some ${allowed}/${pairs}` : verdict;
}

/** Rows are computed one at a time, so every format is written as chunks, row by row. */
export function* groupedMatrixChunks(
  grouped: GroupedMatrix,
  format: GroupedMatrixFormat,
  options: TableOptions = {},
): Generator<string> {
  switch (format) {
    case 'json':
      yield* jsonChunks(grouped);
      return;
    case 'csv':
      yield* csvChunks(grouped);
      return;
    case 'md':
      yield* markdownChunks(grouped);
      return;
    default:
      yield* tableChunks(grouped, options);
  }
}

function cells(grouped: GroupedMatrix, a: number, p: number): string[] {
  const row = grouped.allowedRow(a, p);
  return Array.from(row, (allowed, b) => groupCellText(allowed, grouped.pairs(a, b)));
}

/**
 * `{"groupBy":"namespace","groups":[...],"sizes":[...],"results":[{"port","protocol",
 * "allowed":[["all","some","none",null]],"allowedPairs":[[n]]}]}`: verdicts as in the
 * endpoint matrix's `allowed[i][j]`, with the counts beside them (pairs = sizes[i] × sizes[j]).
 */
function* jsonChunks(grouped: GroupedMatrix): Generator<string> {
  const { groups, ports } = grouped;
  yield `{\n  "groupBy": "namespace",\n  "groups": ${JSON.stringify(groups)},\n  "sizes": ${JSON.stringify(grouped.sizes)},\n  "results": [`;
  for (let p = 0; p < ports.length; p++) {
    yield `${p === 0 ? '' : ','}\n    {\n      "port": ${JSON.stringify(at(ports, p).port)},\n      "protocol": ${JSON.stringify(at(ports, p).protocol)},\n`;
    // Two passes over the rows (verdicts, then counts) keep one row in memory at a time.
    for (const key of ['allowed', 'allowedPairs'] as const) {
      yield `      ${JSON.stringify(key)}: [`;
      for (let a = 0; a < groups.length; a++) {
        const row = grouped.allowedRow(a, p);
        const values = Array.from(row, (allowed, b) =>
          key === 'allowedPairs' ? String(allowed) : JSON.stringify(groupVerdict(allowed, grouped.pairs(a, b))),
        );
        yield `${a === 0 ? '' : ','}\n        [${values.join(', ')}]`;
      }
      yield `${groups.length === 0 ? '' : '\n      '}]${key === 'allowed' ? ',' : ''}\n`;
    }
    yield '    }';
  }
  yield `${ports.length === 0 ? '' : '\n  '}]\n}\n`;
}

function* csvChunks(grouped: GroupedMatrix): Generator<string> {
  yield `${['port', 'protocol', 'source', ...grouped.groups].map(csvField).join(',')}\n`;
  for (let p = 0; p < grouped.ports.length; p++) {
    const port = at(grouped.ports, p);
    const prefix = `${csvField(String(port.port))},${port.protocol}`;
    for (let a = 0; a < grouped.groups.length; a++) {
      const row = cells(grouped, a, p).map((text) => (text === '·' ? '' : text));
      yield `${prefix},${csvField(at(grouped.groups, a))},${row.join(',')}\n`;
    }
  }
}

function* markdownChunks(grouped: GroupedMatrix): Generator<string> {
  const names = grouped.groups.map(mdCell);
  yield 'Connectivity by namespace: all, some (allowed pairs/pairs) or none of the endpoint pairs are allowed. Rows are sources, columns destinations.\n';
  for (let p = 0; p < grouped.ports.length; p++) {
    yield `\n### ${mdCell(matrixPortLabel(at(grouped.ports, p)))}\n\n`;
    yield `| from \\ to | ${names.join(' | ')} |\n|---|${names.map(() => ':-:').join('|')}|\n`;
    for (let a = 0; a < names.length; a++) yield `| ${names[a]} | ${cells(grouped, a, p).join(' | ')} |\n`;
  }
}

function* tableChunks(grouped: GroupedMatrix, options: TableOptions): Generator<string> {
  const style = options.style;
  const dim = (s: string) => style?.dim(s) ?? s;
  const bold = (s: string) => style?.bold(s) ?? s;
  const count = grouped.groups.length;
  if (count === 0) {
    yield 'no endpoints (no pods in the input, or none in the chosen namespaces)\n';
    return;
  }
  const names = grouped.groups.map((g, a) => `${truncateMiddle(g, options.nameWidth ?? 40)} (${grouped.sizes[a]})`);
  const numberWidth = String(count - 1).length;
  const nameWidth = Math.max(...names.map((s) => s.length));
  for (let p = 0; p < grouped.ports.length; p++) {
    const rows = Array.from({ length: count }, (_, a) => cells(grouped, a, p));
    const width = Math.max(numberWidth, ...rows.flat().map((s) => s.length));
    if (p > 0) yield '\n';
    yield `${bold(`port ${matrixPortLabel(at(grouped.ports, p))}`)}  ${dim('rows: from namespace (endpoints), columns: to; all, some allowed/pairs, none')}\n`;
    const header = Array.from({ length: count }, (_, b) => String(b).padStart(width)).join(' ');
    yield `${' '.repeat(numberWidth + nameWidth + 3)}${dim(header)}\n`;
    for (let a = 0; a < count; a++) {
      const text = at(rows, a).map((cell) => {
        const padded = cell.padStart(width);
        if (!style) return padded;
        return cell === 'all'
          ? style.allowed(padded)
          : cell === 'none'
            ? style.denied(padded)
            : cell === '·'
              ? style.dim(padded)
              : padded;
      });
      yield `${String(a).padStart(numberWidth)} ${at(names, a).padEnd(nameWidth)}  ${text.join(' ')}\n`;
    }
  }
}
