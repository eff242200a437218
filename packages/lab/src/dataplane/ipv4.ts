import { parseCidr } from '@netpol/core';

/**
 * IPv4 addresses as plain numbers (0 .. 2^32-1): the dataplane classifies IPv4 only (lab pods,
 * ClusterIPs and outside hosts are IPv4). Numbers, not bigints, keep the 10k-pod compile fast.
 */

export const IPV4_LAST = 0xffffffff;

/** The address as a number, or undefined when it is not IPv4 (dotted quad, no leading zeros). */
export function ipv4ToNumber(text: string): number | undefined {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a final '.' closes the last part
    if (c === 46) {
      if (digits === 0 || part > 255) return undefined;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return undefined; // leading zero
      part = part * 10 + (c - 48);
      if (++digits > 3) return undefined;
    } else return undefined;
  }
  return dots === 4 ? value : undefined;
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
  if (cidr?.family !== 4) return undefined;
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
