import fc from 'fast-check';
import { stringify } from 'yaml';
import { at } from '../at.js';

/**
 * Test utility (imports fast-check; never import it from product code): YAML written the
 * way people write it by hand, not the way `yaml` prints it: uneven indentation, sequences
 * under a key at the key's column, `-   item`, `key :`, compact `- key: v` and `- - x`,
 * comments and blank lines anywhere, flow collections, quoted and unquoted keys and
 * scalars, anchors and aliases on shared objects. Some choices make invalid YAML (a raw
 * scalar may need quotes): the oracle must then see the fast reader decline.
 */
export function handWritten(value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.tuple(value, fc.infiniteStream(fc.nat({ max: 999 }))).map(([v, stream]) => {
    const it = stream[Symbol.iterator]();
    return write(v, () => it.next().value / 1000);
  });
}

type Rand = () => number;
const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const size = (v: unknown) => (Array.isArray(v) ? v.length : isMap(v) ? Object.keys(v).length : 0);

function write(root: unknown, rand: Rand): string {
  const pick = <T>(xs: T[]): T => at(xs, Math.floor(rand() * xs.length));
  const chance = (p: number) => rand() < p;
  const pad = (n: number) => ' '.repeat(n);
  const trail = () => (chance(0.1) ? pick([' # note', '   #', ' #: x', ' #- y']) : '');
  const blank = () => (chance(0.05) ? pick(['\n', '  # own line\n', '# col 0\n', '   \n']) : '');

  // Objects met more than once get an anchor where first written, an alias afterwards.
  const seen = new Map<object, number>();
  const count = (v: unknown) => {
    if (v === null || typeof v !== 'object') return;
    seen.set(v, (seen.get(v) ?? 0) + 1);
    if (seen.get(v) === 1) for (const x of Object.values(v)) count(x);
  };
  count(root);
  const names = new Map<object, string>();
  const props = (v: unknown): { alias?: string; anchor: string } => {
    if (v === null || typeof v !== 'object' || (seen.get(v) ?? 0) < 2) return { anchor: '' };
    const name = names.get(v);
    if (name) return { alias: `*${name}`, anchor: '' };
    names.set(v, `a${names.size}`);
    return { anchor: `&a${names.size - 1} ` };
  };

  const scalar = (v: unknown): string =>
    pick([
      stringify(v, { version: '1.1', lineWidth: 0 }).trimEnd(),
      JSON.stringify(v) ?? 'null',
      String(v),
      `'${String(v).replaceAll("'", "''")}'`,
    ]);
  const key = (k: string) => pick([k, JSON.stringify(k), scalar(k)]);
  const flow = (v: unknown): string => {
    const { alias, anchor } = props(v);
    return alias ?? anchor + flowBody(v);
  };
  const flowBody = (v: unknown): string => {
    const sep = () => pick([', ', ',', ' , ', ',  ']);
    if (Array.isArray(v)) return `[${pick(['', ' '])}${v.map(flow).join(sep())}]`;
    if (isMap(v))
      return `{${Object.entries(v)
        .map(([k, x]) => `${key(k)}: ${flow(x)}`)
        .join(sep())}}`;
    return scalar(v);
  };

  /** What follows `key:` or `- ` for `v`, the enclosing collection being at `indent`. */
  const after = (v: unknown, indent: number, inSeq: boolean): string => {
    const { alias, anchor } = props(v);
    if (alias) return ` ${alias}${trail()}\n`;
    if (size(v) === 0 || chance(0.15)) return ` ${anchor}${flowBody(v)}${trail()}\n`;
    const step = pick([1, 2, 2, 2, 3, 4]);
    const lead = anchor ? ` ${anchor.trimEnd()}` : '';
    if (Array.isArray(v)) {
      if (inSeq && !anchor && chance(0.3)) return seq(v, indent + 2, true); // `- - x`
      return `${lead}${trail()}\n${seq(v, !inSeq && chance(0.4) ? indent : indent + step)}`;
    }
    if (inSeq && !anchor && chance(0.5)) return map(v as Record<string, unknown>, indent + 2, true); // `- k: v`
    return `${lead}${trail()}\n${map(v as Record<string, unknown>, indent + step)}`;
  };
  const seq = (v: unknown[], indent: number, inline = false): string =>
    v.map((x, i) => `${i === 0 && inline ? ' ' : blank() + pad(indent)}-${after(x, indent, true)}`).join('');
  const map = (v: Record<string, unknown>, indent: number, inline = false): string =>
    Object.entries(v)
      .map(
        ([k, x], i) =>
          `${i === 0 && inline ? ' ' : blank() + pad(indent)}${key(k)}${pick([':', ':', ' :'])}${after(x, indent, false)}`,
      )
      .join('');

  const body =
    isMap(root) && size(root) > 0
      ? map(root, 0)
      : Array.isArray(root) && size(root) > 0
        ? seq(root, 0)
        : `${flow(root)}\n`;
  return pick(['', '---\n', '# header\n---\n']) + body + pick(['', '...\n', '---\n', '\n\n']);
}
