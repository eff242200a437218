import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { cidrContainsCidr, cidrContainsIp, formatCidr, formatIp, parseCidr, parseIp } from './cidr.js';

describe('parseIp', () => {
  const rows: [string, string | undefined][] = [
    ['10.0.0.1', '10.0.0.1'],
    ['255.255.255.255', '255.255.255.255'],
    ['010.0.0.1', undefined], // leading zeros are ambiguous (octal): rejected like strict Go parsing
    ['256.0.0.1', undefined],
    ['1.2.3', undefined],
    ['::1', '::1'],
    ['2001:db8::', '2001:db8::'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['1::2::3', undefined],
    ['fe80::1%eth0', undefined],
    ['', undefined],
  ];
  for (const [input, expected] of rows) {
    it(`${JSON.stringify(input)} → ${expected ?? 'invalid'}`, () => {
      const ip = parseIp(input);
      assert.equal(ip ? formatIp(ip) : undefined, expected);
    });
  }
});

describe('parseCidr', () => {
  const rows: [string, string | undefined][] = [
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['10.0.0.0/33', undefined],
    ['10.0.0.0/08', undefined],
    ['10.0.0.0', undefined],
    ['2001:db8::/32', '2001:db8::/32'],
    ['::/0', '::/0'],
    ['2001:db8::/129', undefined],
  ];
  for (const [input, expected] of rows) {
    it(`${input} → ${expected ?? 'invalid'}`, () => {
      const cidr = parseCidr(input);
      assert.equal(cidr ? formatCidr(cidr) : undefined, expected);
    });
  }

  it('containment agrees with a bit-by-bit comparison (IPv4 property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (net, prefix, addr) => {
          const dotted = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
          const cidr = parseCidr(`${dotted(net)}/${prefix}`)!;
          const ip = parseIp(dotted(addr))!;
          const bits = (n: number) => n.toString(2).padStart(32, '0');
          const naive = bits(net).slice(0, prefix) === bits(addr).slice(0, prefix);
          assert.equal(cidrContainsIp(cidr, ip), naive);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('cidr-in-cidr containment', () => {
    assert.equal(cidrContainsCidr(parseCidr('10.0.0.0/8')!, parseCidr('10.1.0.0/16')!), true);
    assert.equal(cidrContainsCidr(parseCidr('10.1.0.0/16')!, parseCidr('10.0.0.0/8')!), false);
    assert.equal(cidrContainsCidr(parseCidr('10.0.0.0/8')!, parseCidr('::/0')!), false);
  });
});
