import { formatPortQuery } from '../endpoints/parse-port-query.js';
import type { PortQuery } from '../engine/types.js';
import { formatSide, sideToJson } from '../format/check-report.js';
import type { TableStyle } from '../format/matrix-table.js';
import type { SymbolicCheck, SymbolicPair } from './check-symbolic.js';

const PLAIN: TableStyle = { allowed: (s) => s, denied: (s) => s, dim: (s) => s, bold: (s) => s };

/**
 * `check` on symbolic endpoints, in `check`'s words: the verdict for every pod the endpoints
 * stand for, then each class pair that is denied (or, when all are allowed, each pair) with
 * the reasons of both sides, judged on the pair's witnesses.
 */
export function formatSymbolicCheck(
  check: SymbolicCheck,
  from: string,
  to: string,
  port: PortQuery,
  style: TableStyle = PLAIN,
): string {
  const asked = `${from} -> ${to} on ${formatPortQuery(port)}`;
  const denied = check.pairs.filter((p) => !p.verdict.allowed);
  const lines: string[] = [];
  if (denied.length === 0) {
    lines.push(`${style.allowed(style.bold('ALLOWED'))}: ${asked}, for every pod that could exist`);
  } else {
    const some = denied.length < check.pairs.length;
    lines.push(
      `${style.denied(style.bold('DENIED'))}: ${asked}, for ${some ? 'some pods' : 'every pod'} that could exist`,
    );
  }
  const shown = denied.length > 0 ? denied : check.pairs;
  for (const pair of shown.slice(0, 50)) lines.push(...pairLines(pair, port, style));
  if (shown.length > 50) lines.push(`  … and ${shown.length - 50} more (-o json lists every pair)`);
  for (const note of check.notes) lines.push(style.dim(`  note: ${note}`));
  return `${lines.join('\n')}\n`;
}

function pairLines(pair: SymbolicPair, port: PortQuery, style: TableStyle): string[] {
  const word = pair.verdict.allowed ? style.allowed('allowed') : style.denied('denied');
  const portText = formatPortQuery({ protocol: port.protocol, port: pair.verdict.port ?? port.port });
  const out = ['', `  ${pair.from} -> ${pair.to}: ${word}`];
  if (pair.verdict.note === 'named-port-unresolved')
    out.push(`    a named port cannot be resolved on an outside address`);
  for (const side of [pair.verdict.egress, pair.verdict.ingress]) {
    const other = side.direction === 'egress' ? pair.to : pair.from;
    out.push(`    ${side.direction.padEnd(7)} ${formatSide(side, portText, other)}`);
  }
  return out;
}

/** `check -o json` on symbolic endpoints. */
export function symbolicCheckToJson(check: SymbolicCheck, from: string, to: string, port: PortQuery) {
  return {
    allowed: check.allowed,
    symbolic: true,
    from,
    to,
    port: port.port,
    protocol: port.protocol,
    pairs: check.pairs.map((pair) => ({
      from: pair.from,
      to: pair.to,
      allowed: pair.verdict.allowed,
      note: pair.verdict.note ?? null,
      egress: { ...sideToJson(pair.verdict.egress, pair.source), endpoint: pair.from },
      ingress: { ...sideToJson(pair.verdict.ingress, pair.destination), endpoint: pair.to },
    })),
    notes: check.notes,
  };
}
