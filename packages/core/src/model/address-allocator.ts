import { type Cidr, cidrSize, nthAddress, parseCidr } from './cidr.js';

/**
 * Deterministic addresses for pods and Services that have none in the manifest. An address
 * comes from a hash of the object's id (probing on collision), so adding one pod does not
 * move the others: the engine and the lab agree on every address, and they stay put across
 * `lab apply`. The first 256 addresses of each range are left for infrastructure (the lab
 * node's gateway lives there).
 */
export class AddressAllocator {
  private readonly cidr: Cidr;
  private readonly used = new Set<string>();
  private readonly size: number;
  static readonly RESERVED = 256;

  constructor(cidrText: string) {
    const cidr = parseCidr(cidrText);
    if (cidr?.family !== 4 || cidr.prefix > 22) {
      throw new Error(`address range ${cidrText} must be an IPv4 CIDR of /22 or larger`);
    }
    this.cidr = cidr;
    this.size = Number(cidrSize(cidr));
  }

  /** Mark an address from a manifest as taken. */
  reserve(ip: string): void {
    this.used.add(ip);
  }

  allocate(id: string): string {
    const span = this.size - AddressAllocator.RESERVED - 1; // never the broadcast address
    let slot = fnv1a(id) % span;
    for (let tries = 0; tries < span; tries++) {
      const ip = nthAddress(this.cidr, AddressAllocator.RESERVED + slot);
      if (!this.used.has(ip)) {
        this.used.add(ip);
        return ip;
      }
      slot = (slot + 1) % span;
    }
    throw new AddressRangeFullError(`${nthAddress(this.cidr, 0)}/${this.cidr.prefix}`);
  }
}

/** More pods (or Services) than addresses in the range: bad input, not a bug. */
export class AddressRangeFullError extends Error {
  constructor(readonly range: string) {
    super(`address range ${range} is full`);
    this.name = 'AddressRangeFullError';
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
