import { type Cidr, cidrSize, nthAddress, parseCidr } from './cidr.js';

/**
 * Deterministic addresses for pods and Services that have none in the manifest. An address
 * comes from a hash of the object's id (probing on collision), so adding one pod does not
 * move the others: the engine and the lab agree on every address, and they stay put across
 * `lab apply`. The first 256 addresses of each range are left for infrastructure (the lab
 * node's gateway lives there). Several ranges count as one span, in the order given.
 */
export class AddressAllocator {
  private readonly ranges: { cidr: Cidr; span: number }[];
  private readonly used = new Set<string>();
  private readonly span: number;
  static readonly RESERVED = 256;

  constructor(cidrTexts: string | readonly string[]) {
    const texts = typeof cidrTexts === 'string' ? [cidrTexts] : cidrTexts;
    this.ranges = texts.map((text) => {
      const cidr = parseCidr(text);
      if (cidr?.family !== 4 || cidr.prefix > 22) {
        throw new AddressRangeError(`address range ${text} must be an IPv4 CIDR of /22 or larger`);
      }
      // never the broadcast address
      return { cidr, span: Number(cidrSize(cidr)) - AddressAllocator.RESERVED - 1 };
    });
    this.span = this.ranges.reduce((sum, r) => sum + r.span, 0);
  }

  /** How many addresses the ranges hold for allocation. */
  static capacity(cidrTexts: readonly string[]): number {
    return new AddressAllocator(cidrTexts).span;
  }

  /** Mark an address from a manifest as taken. */
  reserve(ip: string): void {
    this.used.add(ip);
  }

  allocate(id: string): string {
    let slot = fnv1a(id) % this.span;
    for (let tries = 0; tries < this.span; tries++) {
      const ip = this.addressAt(slot);
      if (!this.used.has(ip)) {
        this.used.add(ip);
        return ip;
      }
      slot = (slot + 1) % this.span;
    }
    throw new AddressRangeFullError(this.ranges.map((r) => `${nthAddress(r.cidr, 0)}/${r.cidr.prefix}`).join(', '));
  }

  private addressAt(slot: number): string {
    let rest = slot;
    for (const range of this.ranges) {
      if (rest < range.span) return nthAddress(range.cidr, AddressAllocator.RESERVED + rest);
      rest -= range.span;
    }
    throw new Error(`slot ${slot} outside the ranges`);
  }
}

/** More pods (or Services) than addresses in the range: bad input, not a bug. */
export class AddressRangeFullError extends Error {
  constructor(readonly range: string) {
    super(`address range ${range} is full`);
    this.name = 'AddressRangeFullError';
  }
}

/** A range the allocator cannot use (not IPv4, or smaller than /22): bad input. */
export class AddressRangeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AddressRangeError';
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
