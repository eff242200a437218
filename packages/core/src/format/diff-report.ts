import type { ClusterDiff, ConnectionChange } from '../diff/diff-clusters.js';
import { spansToJson } from '../diff/port-partition.js';
import { PROTOCOLS } from '../model/types.js';
import type { SymbolicDiff } from '../symbolic/diff-symbolic.js';
import { portQueryWords, portSpansWords } from './words.js';

/**
 * `netpol diff`'s outputs (table, `-o md`, `-o json`), here so the CLI and the web UI's Diff
 * export print the same bytes.
 */

export function hasChanges(diff: ClusterDiff): boolean {
  return (
    diff.opened.length + diff.closed.length > 0 ||
    diff.policies.added.length + diff.policies.removed.length + diff.policies.changed.length > 0 ||
    diff.endpoints.added.length + diff.endpoints.removed.length + diff.endpoints.changed.length > 0 ||
    (diff.unanalyzed?.length ?? 0) > 0
  );
}

/** SPEC shape `{"opened":[{from,to,protocol,ports}],"closed":[...]}` plus policies, endpoints, externals. */
export function diffToJson(diff: ClusterDiff) {
  const change = (c: ConnectionChange) => ({
    from: c.from,
    to: c.to,
    protocol: c.protocol,
    ports: [...spansToJson(c.spans), ...(c.names ?? [])],
  });
  const used = new Set([...diff.opened, ...diff.closed].flatMap((c) => [c.from, c.to]));
  return {
    opened: diff.opened.map(change),
    closed: diff.closed.map(change),
    policies: diff.policies,
    endpoints: diff.endpoints,
    externals: diff.externals.filter((x) => used.has(x.ip)),
    ...(diff.unanalyzed?.length ? { unanalyzed: diff.unanalyzed } : {}),
    ...('classes' in diff ? { classes: (diff as SymbolicDiff).classes, notes: (diff as SymbolicDiff).notes } : {}),
  };
}

function label(diff: ClusterDiff, id: string): string {
  const x = diff.externals.find((e) => e.ip === id);
  return x ? `${id} (${x.label})` : id;
}

function summary(diff: ClusterDiff): string {
  if (!hasChanges(diff)) return 'no changes';
  const pairs = (list: readonly ConnectionChange[]) => new Set(list.map((c) => `${c.from}\n${c.to}`)).size;
  const seen = `${count(pairs(diff.opened), 'connection')} opened, ${pairs(diff.closed)} closed`;
  const unseen = diff.unanalyzed?.length ?? 0;
  return unseen === 0 ? seen : `${seen}; ${count(unseen, 'change')} not analyzed, which may open or close more`;
}

/** The lines naming what changed but was not analyzed (Helm templates, other engines' policies). */
function unanalyzedLines(diff: ClusterDiff, code: (s: string) => string): string[] {
  const list = diff.unanalyzed ?? [];
  if (list.length === 0) return [];
  return [
    "Not analyzed, yet different between the versions (render Helm charts and kustomizations, then diff the output; other engines' policies are not evaluated):",
    ...list.map((u) => `  ${u.change} ${code(u.file)}: ${u.what}`),
  ];
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function policyLines(diff: ClusterDiff, code: (s: string) => string): string[] {
  const { added, removed, changed } = diff.policies;
  const parts = [
    added.length ? `added ${added.map(code).join(', ')}` : '',
    removed.length ? `removed ${removed.map(code).join(', ')}` : '',
    changed.length ? `changed ${changed.map(code).join(', ')}` : '',
  ].filter(Boolean);
  if (parts.length === 0) return [];
  const how = diff.policies.details.flatMap((d) => d.changes.map((c) => `  ${code(d.id)}: ${c}`));
  return [`Policies: ${parts.join('; ')}`, ...how];
}

function endpointLines(diff: ClusterDiff, code: (s: string) => string): string[] {
  const lines: string[] = [];
  if ('classes' in diff) {
    const symbolic = diff as SymbolicDiff;
    lines.push(
      `Endpoints: every pod that could exist, as NAMESPACE/{pod labels} (a namespace by name or {its labels}, * any; "a | b" either)`,
    );
    for (const note of symbolic.notes) lines.push(`Note: ${note}`);
  }
  if (diff.endpoints.added.length)
    lines.push(`Only in HEAD (new: its connections count as opened): ${diff.endpoints.added.map(code).join(', ')}`);
  if (diff.endpoints.removed.length)
    lines.push(`Only in BASE (gone: its connections count as closed): ${diff.endpoints.removed.map(code).join(', ')}`);
  if (diff.endpoints.changed.length)
    lines.push(
      `Endpoints changed: ${diff.endpoints.changed.map((e) => `${code(e.id)} (${e.changes.join('; ')})`).join(', ')}`,
    );
  return lines;
}

export function diffToTable(diff: ClusterDiff, baseName: string, headName: string): string {
  const out: string[] = [`${baseName} → ${headName}: ${summary(diff)}`];
  out.push(...policyLines(diff, (s) => s), ...endpointLines(diff, (s) => s), ...unanalyzedLines(diff, (s) => s));
  for (const [title, list] of [
    ['Opened', diff.opened],
    ['Closed', diff.closed],
  ] as const) {
    if (list.length === 0) continue;
    const grouped = groupRows(list);
    out.push('', `${title} (${grouped.length}):`);
    const rows = grouped.map((r, i, all) => [
      i > 0 && all[i - 1]?.to === r.to ? '' : label(diff, r.to),
      label(diff, r.from),
      r.ports,
    ]);
    const head = ['TO', 'FROM', 'PORTS'];
    const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? '').length)));
    const line = (cells: string[]) => `  ${cells.map((cell, k) => cell.padEnd(widths[k] ?? 0)).join('  ')}`.trimEnd();
    out.push(line(head), ...rows.map(line));
  }
  return `${out.join('\n')}\n`;
}

/** Rows per section in `-o md`: keeps a pull-request comment under the forges' size limits. */
const MD_MAX_ROWS = 200;

/** Ready to paste as a pull-request comment (at most MD_MAX_ROWS rows per section). */
export function diffToMarkdown(diff: ClusterDiff, baseName: string, headName: string): string {
  const code = (s: string) => `\`${s}\``;
  const out: string[] = [`### netpol diff: ${summary(diff)}`, '', `\`${baseName}\` → \`${headName}\``];
  const extra = [...policyLines(diff, code), ...endpointLines(diff, code), ...unanalyzedLines(diff, code)];
  if (extra.length) out.push('', ...extra.map((l) => (l.startsWith('  ') ? `  - ${l.trim()}` : `- ${l}`)));
  for (const [title, list] of [
    ['Opened', diff.opened],
    ['Closed', diff.closed],
  ] as const) {
    const grouped = groupRows(list);
    out.push('', `#### ${title} (${grouped.length})`, '');
    if (list.length === 0) {
      out.push('_none_');
      continue;
    }
    out.push('| To | From | Ports |', '|---|---|---|');
    for (const r of grouped.slice(0, MD_MAX_ROWS)) {
      // A class union reads "a | b": escaped, or the pipe would end the table cell.
      const cell = (s: string) => code(s).replaceAll('|', '\\|');
      out.push(`| ${cell(label(diff, r.to))} | ${cell(label(diff, r.from))} | ${r.ports} |`);
    }
    if (grouped.length > MD_MAX_ROWS) {
      out.push('', `_… and ${grouped.length - MD_MAX_ROWS} more (netpol diff -o json lists every connection)_`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** One row per (from, to) for people: "80/TCP, 443/TCP; 53/UDP", or "every port" (every protocol). */
function groupRows(list: readonly ConnectionChange[]): { from: string; to: string; ports: string }[] {
  const rows: { from: string; to: string; changes: ConnectionChange[] }[] = [];
  for (const c of list) {
    const last = rows[rows.length - 1];
    if (last && last.from === c.from && last.to === c.to) last.changes.push(c);
    else rows.push({ from: c.from, to: c.to, changes: [c] });
  }
  return rows.map(({ from, to, changes }) => {
    const texts = changes.map((c) =>
      [
        ...(c.spans.length > 0 ? [portSpansWords(c.protocol, c.spans)] : []),
        ...(c.names ?? []).map((n) => portQueryWords({ protocol: c.protocol, port: n })),
      ].join(', '),
    );
    const everyPort =
      changes.length === PROTOCOLS.length && texts.every((t, i) => t === `every ${changes[i]?.protocol} port`);
    return { from, to, ports: everyPort ? 'every port' : texts.join('; ') };
  });
}

export type DiffFormat = 'table' | 'md' | 'json';

/** `netpol diff -o FORMAT`'s whole output, as printed. */
export function renderDiff(diff: ClusterDiff, format: DiffFormat, baseName: string, headName: string): string {
  if (format === 'json') return `${JSON.stringify(diffToJson(diff), null, 2)}\n`;
  if (format === 'md') return diffToMarkdown(diff, baseName, headName);
  return diffToTable(diff, baseName, headName);
}
