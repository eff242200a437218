import { AddressAllocator } from './address-allocator.js';
import { formatIPv4Number, parseIPv4Number } from './cidr.js';

/** Pods without an address get one from here while they fit (the lab's pod range). */
export const DEFAULT_POD_CIDR = '198.18.0.0/16';
/**
 * When more pods need an address than 198.18.0.0/16 holds (65,279): 240.0.0.0/12, a part of
 * 240.0.0.0/4 (RFC 1112 "reserved for future use"; RFC 6890 lists it as never forwarded).
 * No IPv4 block reserved for documentation or benchmarking is large enough for 150,000
 * pods (198.18.0.0/15 holds 131,072), and like those blocks this one appears in no real
 * network, so only catch-all ipBlocks (`0.0.0.0/0`) match its addresses.
 */
export const LARGE_POD_CIDR = '240.0.0.0/12';
/** ClusterIPs the manifests do not give: 65,279 addresses, enough for 10,000 Services. */
export const DEFAULT_SERVICE_CIDR = '198.19.0.0/16';

/**
 * The ranges made-up pod addresses come from: the ones given (`--pod-cidr`), else the /16
 * networks the pods with a real `status.podIP` use (a dump of a 10.244.x cluster gives its
 * address-less pods 10.244.x addresses too, so ipBlock rules treat them as they treat their
 * neighbours), else the default range, or the large one when the pods do not fit.
 */
export function podRanges(given: readonly string[] | undefined, knownIps: Iterable<string>, needed: number): string[] {
  if (given && given.length > 0) return [...given];
  // The /16 of each IPv4 address, as a number: a dump gives 150,000 of them.
  const sixteens = new Set<number>();
  for (const text of knownIps) {
    const ip = parseIPv4Number(text);
    if (ip !== undefined) sixteens.add(Math.floor(ip / 65536));
  }
  if (sixteens.size > 0) {
    const inferred = [...sixteens].sort((a, b) => a - b).map((n) => `${formatIPv4Number(n * 65536)}/16`);
    return AddressAllocator.capacity(inferred) >= needed ? inferred : [...inferred, LARGE_POD_CIDR];
  }
  return needed <= AddressAllocator.capacity([DEFAULT_POD_CIDR]) ? [DEFAULT_POD_CIDR] : [LARGE_POD_CIDR];
}
