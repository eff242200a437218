import { at, first } from '../at.js';
import { ipBlockRanges, rangesContain } from '../engine/ip-block.js';
import { type Cidr, formatCidr, formatIp, type IpFamily, parseCidr, parseIp } from '../model/cidr.js';

/** An ipBlock as policies write it. */
export interface IpBlockAtom {
  cidr: string;
  except: readonly string[];
}

/** Addresses (one family) that sit in exactly the same ipBlocks. */
export interface AddressClass {
  family: IpFamily;
  /** Inclusive ranges, ascending. */
  ranges: [bigint, bigint][];
  /** Bit i set: the address is in blocks[i] (in its cidr and none of its excepts). */
  inside: Uint8Array;
  /** The ranges as CIDRs, e.g. `10.0.0.0/8` or `0.0.0.0/0 except 10.0.0.0/8`. */
  description: string;
}

/**
 * Cut the address space at every ipBlock boundary and group the pieces by the blocks they
 * are in: every address falls in exactly one class, and every address of a class matches
 * the same ipBlocks. IPv6 is split only when some block is IPv6 (else one class `::/0`
 * would only repeat the answer for "outside every ipBlock").
 */
export function partitionAddresses(blocks: readonly IpBlockAtom[]): AddressClass[] {
  const parsed = blocks.map((b) => ({
    cidr: parseCidr(b.cidr),
    except: b.except.map(parseCidr).filter((c): c is Cidr => c !== undefined),
  }));
  // Which addresses a block admits is the engine's rule (cidr minus except), not re-decided here.
  const admitted = blocks.map((b) => ipBlockRanges(b.cidr, b.except));
  const families: IpFamily[] = [4, ...(parsed.some((b) => b.cidr?.family === 6) ? [6 as const] : [])];
  const out: AddressClass[] = [];
  for (const family of families) {
    const end = family === 4 ? 1n << 32n : 1n << 128n;
    const cuts = new Set<bigint>([0n, end]);
    for (const b of parsed) {
      for (const c of [b.cidr, ...b.except]) {
        if (c?.family !== family) continue;
        cuts.add(c.first);
        cuts.add(c.last + 1n);
      }
    }
    const points = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const classes = new Map<string, AddressClass>();
    for (let i = 0; i + 1 < points.length; i++) {
      const start = at(points, i);
      const end = at(points, i + 1) - 1n;
      const ip = { family, value: start };
      const inside = Uint8Array.from(admitted, (ranges) => (rangesContain(ranges, ip) ? 1 : 0));
      const key = inside.join('');
      const entry = classes.get(key) ?? { family, ranges: [], inside, description: '' };
      const last = entry.ranges[entry.ranges.length - 1];
      if (last && last[1] + 1n === start) last[1] = end;
      else entry.ranges.push([start, end]);
      classes.set(key, entry);
    }
    const texts = blocks.map((b) => `${b.cidr}${b.except.length ? ` except ${b.except.join(', ')}` : ''}`);
    for (const c of classes.values()) {
      out.push({ ...c, description: describeRanges(family, c.ranges) ?? describeByBlocks(c.inside, texts, parsed) });
    }
  }
  return out;
}

/** Whether `ip` is in the class. */
export function addressInClass(cls: AddressClass, ip: string): boolean {
  const parsed = parseIp(ip);
  return parsed?.family === cls.family && cls.ranges.some(([a, b]) => parsed.value >= a && parsed.value <= b);
}

/**
 * An address of the class to stand for it: the first of `preferred` inside it, else the
 * n-th address (skipping network addresses) of the first range large enough.
 */
export function pickAddress(cls: AddressClass, preferred: readonly Cidr[], n = 0): string {
  for (const p of preferred) {
    if (p.family !== cls.family) continue;
    for (const [a, b] of cls.ranges) {
      // bigints: Math.max/min do not take them.
      // biome-ignore lint/complexity/useMathMinMax: bigint
      const first = a > p.first ? a : p.first;
      // biome-ignore lint/complexity/useMathMinMax: bigint
      const last = b < p.last ? b : p.last;
      if (first + 1n + BigInt(n) <= last) return formatIp({ family: cls.family, value: first + 1n + BigInt(n) });
    }
  }
  for (const [a, b] of cls.ranges) {
    const offset = b - a >= BigInt(n) + 2n ? 1n + BigInt(n) : 0n;
    if (a + offset <= b) return formatIp({ family: cls.family, value: a + offset });
  }
  return formatIp({ family: cls.family, value: first(cls.ranges)[0] });
}

/**
 * By the blocks, when the ranges do not read as a few CIDRs: `outside every ipBlock`, or
 * `in A, not in B` (B: blocks that overlap A but do not hold these addresses).
 */
function describeByBlocks(
  inside: Uint8Array,
  texts: readonly string[],
  parsed: readonly { cidr: Cidr | undefined }[],
): string {
  const ins = [...new Set(texts.filter((_, i) => inside[i]))];
  if (ins.length === 0) return 'outside every ipBlock';
  const overlaps = (a: Cidr | undefined, b: Cidr | undefined) =>
    a !== undefined && b !== undefined && a.family === b.family && a.first <= b.last && b.first <= a.last;
  const not = [
    ...new Set(
      texts.filter((_, i) => !inside[i] && parsed.some((p, k) => inside[k] && overlaps(p.cidr, at(parsed, i).cidr))),
    ),
  ];
  const some = (list: string[], word: string) =>
    list.length <= 2
      ? list.join(` ${word} `)
      : `${list.slice(0, 2).join(` ${word} `)} ${word} ${list.length - 2} more ipBlocks`;
  return [`in ${some(ins, 'and')}`, ...(not.length ? [`not in ${some(not, 'or')}`] : [])].join(', ');
}

/**
 * `10.0.0.0/8`, `10.0.0.0/8, 192.168.0.0/16`, `0.0.0.0/0 except 10.0.0.0/8, 192.168.0.0/16`;
 * undefined when that takes more than a few CIDRs.
 */
export function describeRanges(family: IpFamily, ranges: readonly [bigint, bigint][]): string | undefined {
  const direct = ranges.flatMap(([a, b]) => rangeToCidrs(family, a, b));
  if (direct.length <= 2) return direct.join(', ');
  const bits = family === 4 ? 32 : 128;
  const min = at(ranges, 0)[0];
  const max = at(ranges, ranges.length - 1)[1];
  let prefix = bits;
  while (prefix > 0 && min >> BigInt(bits - prefix) !== max >> BigInt(bits - prefix)) prefix--;
  const first = prefix === 0 ? 0n : (min >> BigInt(bits - prefix)) << BigInt(bits - prefix);
  const last = first + (1n << BigInt(bits - prefix)) - 1n;
  const holes: string[] = [];
  let next = first;
  for (const [a, b] of ranges) {
    if (a > next) holes.push(...rangeToCidrs(family, next, a - 1n));
    next = b + 1n;
  }
  if (next <= last) holes.push(...rangeToCidrs(family, next, last));
  const enclosing = formatCidr({ family, address: first, prefix, first, last });
  return holes.length <= 4 ? `${enclosing} except ${holes.join(', ')}` : undefined;
}

function rangeToCidrs(family: IpFamily, from: bigint, to: bigint): string[] {
  const bits = family === 4 ? 32 : 128;
  const out: string[] = [];
  let a = from;
  while (a <= to) {
    let size = 0;
    while (size < bits && (a & ((1n << BigInt(size + 1)) - 1n)) === 0n && a + (1n << BigInt(size + 1)) - 1n <= to) {
      size++;
    }
    const last = a + (1n << BigInt(size)) - 1n;
    out.push(formatCidr({ family, address: a, prefix: bits - size, first: a, last }));
    a = last + 1n;
  }
  return out;
}
