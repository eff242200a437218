import { type Cidr, cidrSize, formatIPv4Number, nthAddress, parseCidr, parseIPv4Number } from './cidr.js';

/**
 * Deterministic addresses for pods and Services that have none in the manifest. An address
 * comes from a hash of the object's id (probing on collision), so adding one pod does not
 * move the others: the engine and the lab agree on every address, and they stay put across
 * `lab apply`. The first 256 addresses of each range are left for infrastructure (the lab
 * node's gateway lives there). Several ranges count as one span, in the order given.
 */
export class AddressAllocator {
  /** `first`: the range's first address that is allocated (past the reserved ones), as a number. */
  private readonly ranges: { cidr: Cidr; span: number; first: number }[];
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
    const problem = addressRangesProblem(texts);
    if (problem) throw new AddressRangeError(problem);
    this.ranges = texts.map((text) => {
      const cidr = parseCidr(text) as Cidr;
      // never the broadcast address
      return {
        cidr,
        span: Number(cidrSize(cidr)) - AddressAllocator.RESERVED - 1,
        first: Number(cidr.first) + AddressAllocator.RESERVED,
      };
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
    const address = parseIPv4Number(ip);
    if (address === undefined) return;
    let before = 0;
    for (const range of this.ranges) {
      const offset = address - range.first;
      if (offset >= 0 && offset < range.span) {
        const slot = before + offset;
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
      if (rest < range.span) return formatIPv4Number(range.first + rest);
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

/**
 * Why the allocator cannot use these ranges, or undefined: each must be an IPv4 CIDR of /22
 * or larger, and no two may share an address. The ranges count as one span, so two that
 * overlap would give one address to two pods (the second range's slot for it is free).
 */
export function addressRangesProblem(texts: readonly string[]): string | undefined {
  const cidrs: { text: string; cidr: Cidr }[] = [];
  for (const text of texts) {
    const cidr = parseCidr(text);
    if (cidr?.family !== 4 || cidr.prefix > 22) return `address range ${text} must be an IPv4 CIDR of /22 or larger`;
    const other = cidrs.find((c) => c.cidr.first <= cidr.last && cidr.first <= c.cidr.last);
    if (other) {
      return `address ranges ${other.text} and ${text} overlap: two pods could get the same address; give ranges that share no address`;
    }
    cidrs.push({ text, cidr });
  }
  return undefined;
}

/** Ranges the allocator cannot use (not IPv4, smaller than /22, overlapping): bad input. */
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
