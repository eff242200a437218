/**
 * IP and CIDR math, IPv4 and IPv6, as bigints (ours, per DEVELOPERS.md). Parsing follows Go's
 * net.ParseIP/ParseCIDR: dotted-quad IPv4 (no leading zeros), IPv6 with `::` and an optional
 * trailing dotted quad. Callers that need speed compile these into number ranges once.
 */

export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

export interface Cidr {
  family: IpFamily;
  /** Address as written (host bits may be set). */
  address: bigint;
  prefix: number;
  /** First and last address of the network. */
  first: bigint;
  last: bigint;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

export function parseIPv4(text: string): bigint | undefined {
  const value = parseIPv4Number(text);
  return value === undefined ? undefined : BigInt(value);
}

/**
 * `parseIPv4` as a number (0 to 2³²−1): four decimal parts of 1–3 digits, no leading zero,
 * each at most 255. By character, without splitting: every pod address goes through here.
 */
export function parseIPv4Number(text: string): number | undefined {
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || part > 255 || ++parts > 4) return undefined;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits === 3 || (digits === 1 && part === 0)) return undefined; // too long, or a leading zero
      part = part * 10 + (c - 0x30);
      digits++;
    } else return undefined;
  }
  return parts === 4 ? value : undefined;
}

export function parseIPv6(text: string): bigint | undefined {
  if (text.includes('%')) return undefined; // zones are not addresses here
  let head = text;
  let tailV4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseIPv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const doubleColon = head.indexOf('::');
  if (doubleColon !== head.lastIndexOf('::')) return undefined;
  let groups: string[];
  if (doubleColon >= 0) {
    const left = head.slice(0, doubleColon);
    const right = head.slice(doubleColon + 2);
    const l = left === '' ? [] : left.split(':');
    const r = right === '' ? [] : right.split(':');
    const missing = 8 - l.length - r.length;
    if (missing < 1) return undefined;
    groups = [...l, ...Array(missing).fill('0'), ...r];
  } else {
    groups = head.split(':');
  }
  if (groups.length !== 8) return undefined;
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseIPv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIPv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText) || (prefixText.length > 1 && prefixText.startsWith('0'))) return undefined;
  const prefix = Number(prefixText);
  const bits = BITS[ip.family];
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << hostBits) - 1n);
  const first = ip.value & mask;
  return { family: ip.family, address: ip.value, prefix, first, last: first | ((1n << hostBits) - 1n) };
}

export function cidrContainsIp(cidr: Cidr, ip: IpAddress): boolean {
  return cidr.family === ip.family && ip.value >= cidr.first && ip.value <= cidr.last;
}

/** Whether `inner` lies entirely inside `outer`. */
export function cidrContainsCidr(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && inner.first >= outer.first && inner.last <= outer.last;
}

export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return formatIPv4Number(Number(ip.value));
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((ip.value >> s) & 0xffffn).toString(16));
  // RFC 5952: compress the longest run (length >= 2) of zero groups.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLen).join(':')}`;
}

/** Dotted-quad text of an IPv4 address given as a number (0 to 2³²−1). */
export function formatIPv4Number(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Canonical text of a CIDR: network address (host bits cleared) and prefix. */
export function formatCidr(cidr: Cidr): string {
  return `${formatIp({ family: cidr.family, value: cidr.first })}/${cidr.prefix}`;
}

/** The n-th address of a CIDR (0 = network address). */
export function nthAddress(cidr: Cidr, n: number): string {
  return formatIp({ family: cidr.family, value: cidr.first + BigInt(n) });
}

export function cidrSize(cidr: Cidr): bigint {
  return cidr.last - cidr.first + 1n;
}
