import { type Cidr, cidrSize, nthAddress, parseCidr, parseIp } from './cidr.js';

/**
 * Deterministic addresses for pods and Services that have none in the manifest. An address
 * comes from a hash of the object's id (probing on collision), so adding one pod does not
 * move the others: the engine and the lab agree on every address, and they stay put across
 * `lab apply`. The first 256 addresses of each range are left for infrastructure (the lab
 * node's gateway lives there). Several ranges count as one span, in the order given.
 */
export class AddressAllocator {
  private readonly ranges: { cidr: Cidr; span: number }[];
  /**
   * Taken slots, one bit each: probing a nearly full range (65,015 pods in a /16's 65,279
   * addresses) visits many slots per pod, so a probe must cost a bit test, not formatting an
   * address and looking it up in a set of strings (that was 17 s of a 19 s load).
   */
  private used: Uint8Array | undefined;
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

  private taken(): Uint8Array {
    this.used ??= new Uint8Array(Math.ceil(this.span / 8));
    return this.used;
  }

  /** Mark an address from a manifest as taken (one outside the ranges can never collide). */
  reserve(ip: string): void {
    const address = parseIp(ip);
    if (address?.family !== 4) return;
    let before = 0;
    for (const range of this.ranges) {
      const offset = address.value - range.cidr.first - BigInt(AddressAllocator.RESERVED);
      if (offset >= 0n && offset < BigInt(range.span)) {
        const slot = before + Number(offset);
        // slot < span, and the bitmap has a bit for each of the span's addresses.
        this.taken()[slot >>> 3]! |= 1 << (slot & 7);
        return;
      }
      before += range.span;
    }
  }

  allocate(id: string): string {
    const used = this.taken();
    let slot = fnv1a(id) % this.span;
    for (let tries = 0; tries < this.span; tries++) {
      // slot < span, and the bitmap has a bit for each of the span's addresses.
      if ((used[slot >>> 3]! & (1 << (slot & 7))) === 0) {
        used[slot >>> 3]! |= 1 << (slot & 7);
        return this.addressAt(slot);
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
