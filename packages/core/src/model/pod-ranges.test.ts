import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddressAllocator, AddressRangeError, addressRangesProblem } from './address-allocator.js';
import { cidrContainsIp, parseCidr, parseIp } from './cidr.js';
import { DEFAULT_POD_CIDR, DEFAULT_SERVICE_CIDR, LARGE_POD_CIDR, podRanges } from './pod-ranges.js';

describe('podRanges: where made-up pod addresses come from', () => {
  it('the ranges given win', () => {
    assert.deepEqual(podRanges(['10.1.0.0/16', '10.2.0.0/16'], ['192.168.1.1'], 10), ['10.1.0.0/16', '10.2.0.0/16']);
  });

  it('else the /16 networks of the pods that have an address, sorted by address', () => {
    assert.deepEqual(podRanges(undefined, ['10.244.2.7', '10.244.1.5', '10.9.0.1', '2001:db8::1'], 10), [
      '10.9.0.0/16',
      '10.244.0.0/16',
    ]);
  });

  it('inferred ranges too small for the pods without one grow into the large range', () => {
    assert.deepEqual(podRanges(undefined, ['10.244.1.5'], 70_000), ['10.244.0.0/16', LARGE_POD_CIDR]);
  });

  it('else 198.18.0.0/16 (the lab range) while the pods fit, 240.0.0.0/12 for 150,000 pods (issue 11 #9)', () => {
    assert.deepEqual(podRanges(undefined, [], 65_279), [DEFAULT_POD_CIDR]);
    assert.deepEqual(podRanges(undefined, [], 65_280), [LARGE_POD_CIDR]);
    assert.ok(AddressAllocator.capacity([LARGE_POD_CIDR]) >= 150_000);
    assert.ok(AddressAllocator.capacity([DEFAULT_SERVICE_CIDR]) >= 10_000);
  });
});

describe('AddressAllocator over several ranges', () => {
  it('gives 70,000 distinct addresses, each inside one of its ranges (one /16 holds 65,279)', () => {
    const ranges = ['10.1.0.0/16', '10.2.0.0/16'];
    const alloc = new AddressAllocator(ranges);
    const cidrs = ranges.map((r) => parseCidr(r) as NonNullable<ReturnType<typeof parseCidr>>);
    const seen = new Set<string>();
    for (let i = 0; i < 70_000; i++) seen.add(alloc.allocate(`ns/pod-${i}`));
    assert.equal(seen.size, 70_000);
    for (const ip of [...seen].slice(0, 2000)) {
      const parsed = parseIp(ip);
      assert.ok(parsed && cidrs.some((c) => cidrContainsIp(c, parsed)), ip);
    }
  });

  it('refuses ranges that overlap (they would give one address to two pods) or that it cannot use', () => {
    const cases: [string[], string | undefined][] = [
      [['10.1.0.0/16', '10.2.0.0/16'], undefined],
      [['10.1.0.0/16', '10.1.255.0/22'], 'address ranges 10.1.0.0/16 and 10.1.255.0/22 overlap'],
      [['10.1.252.0/22', '10.0.0.0/8'], 'address ranges 10.1.252.0/22 and 10.0.0.0/8 overlap'],
      [['10.1.0.0/16', '10.1.0.0/16'], 'address ranges 10.1.0.0/16 and 10.1.0.0/16 overlap'],
      [['10.1.0.0/23'], 'address range 10.1.0.0/23 must be an IPv4 CIDR of /22 or larger'],
      [['2001:db8::/64'], 'address range 2001:db8::/64 must be an IPv4 CIDR of /22 or larger'],
    ];
    for (const [ranges, expected] of cases) {
      const problem = addressRangesProblem(ranges);
      if (expected === undefined) assert.equal(problem, undefined);
      else assert.ok(problem?.startsWith(expected), `${ranges.join(' ')}: ${problem}`);
      if (expected) assert.throws(() => new AddressAllocator(ranges), AddressRangeError);
    }
  });

  it('one range gives the addresses it always gave (lab pods keep the engine addresses)', () => {
    // The address the single-range allocator of before gave (fnv1a of the id, past the 256
    // reserved addresses): stored lab states and the lab's pods keep theirs.
    assert.equal(new AddressAllocator(DEFAULT_POD_CIDR).allocate('default/web-0'), '198.18.154.152');
    assert.equal(new AddressAllocator([DEFAULT_POD_CIDR]).allocate('default/web-0'), '198.18.154.152');
  });
});
