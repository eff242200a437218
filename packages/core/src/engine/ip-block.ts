import { type IpAddress, type IpFamily, parseCidr } from '../model/cidr.js';

/** An inclusive range of addresses of one family. */
export interface AddressRange {
  family: IpFamily;
  first: bigint;
  last: bigint;
}

/**
 * IPBlock: "a particular CIDR [...] The except entry describes CIDRs that should not be
 * included within this rule." The addresses a block admits, as sorted disjoint ranges: the
 * CIDR with every except cut out. Matchers test an address against these ranges and
 * dataplanes render them, so the rule is written once.
 */
export function ipBlockRanges(cidr: string, except: readonly string[]): AddressRange[] {
  const block = parseCidr(cidr);
  if (!block) return [];
  let ranges: AddressRange[] = [{ family: block.family, first: block.first, last: block.last }];
  for (const text of except) {
    const hole = parseCidr(text);
    if (!hole || hole.family !== block.family) continue;
    ranges = ranges.flatMap((r) => {
      if (hole.last < r.first || hole.first > r.last) return [r];
      const kept: AddressRange[] = [];
      if (hole.first > r.first) kept.push({ family: r.family, first: r.first, last: hole.first - 1n });
      if (hole.last < r.last) kept.push({ family: r.family, first: hole.last + 1n, last: r.last });
      return kept;
    });
  }
  return ranges;
}

export function rangesContain(ranges: readonly AddressRange[], ip: IpAddress): boolean {
  for (const r of ranges) if (r.family === ip.family && ip.value >= r.first && ip.value <= r.last) return true;
  return false;
}
