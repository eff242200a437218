import { parseCidr, parseIp } from '@netpol/core';

/**
 * IPv4 addresses as plain numbers (0 .. 2^32-1): the dataplane classifies IPv4 only (lab pods,
 * ClusterIPs and outside hosts are IPv4). Numbers, not bigints, keep the 10k-pod compile fast.
 */

export const IPV4_LAST = 0xffffffff;

/** The address as a number, or undefined when it is not IPv4. */
export function ipv4ToNumber(text: string): number | undefined {
  const ip = parseIp(text);
  return ip && ip.family === 4 ? Number(ip.value) : undefined;
}

export function numberToIpv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export interface Ipv4Range {
  first: number;
  last: number;
}

/** An IPv4 CIDR as a range; undefined for IPv6 (or unparsable) text. */
export function ipv4Cidr(text: string): Ipv4Range | undefined {
  const cidr = parseCidr(text);
  if (!cidr || cidr.family !== 4) return undefined;
  return { first: Number(cidr.first), last: Number(cidr.last) };
}

/** `cidr` minus every `except` range: sorted, disjoint ranges. */
export function subtractRanges(base: Ipv4Range, holes: readonly Ipv4Range[]): Ipv4Range[] {
  const sorted = [...holes].sort((a, b) => a.first - b.first);
  const out: Ipv4Range[] = [];
  let cursor = base.first;
  for (const hole of sorted) {
    if (hole.last < cursor || hole.first > base.last) continue;
    if (hole.first > cursor) out.push({ first: cursor, last: hole.first - 1 });
    cursor = Math.max(cursor, hole.last + 1);
    if (cursor > base.last) break;
  }
  if (cursor <= base.last) out.push({ first: cursor, last: base.last });
  return out;
}

/** nft text for a range: `a.b.c.d` for one address, `a.b.c.d-e.f.g.h` otherwise. */
export function formatRange(range: Ipv4Range): string {
  return range.first === range.last
    ? numberToIpv4(range.first)
    : `${numberToIpv4(range.first)}-${numberToIpv4(range.last)}`;
}
