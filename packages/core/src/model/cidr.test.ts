import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  cidrContainsCidr,
  cidrContainsIp,
  formatCidr,
  formatIPv4Number,
  formatIp,
  parseCidr,
  parseIPv4Number,
  parseIp,
} from './cidr.js';

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

describe('parseIPv4Number and formatIPv4Number: the character parser reads what split-and-regex read', () => {
  /** The parser of before (split on dots, a regex per part): the reference. */
  const reference = (text: string): number | undefined => {
    const parts = text.split('.');
    if (parts.length !== 4) return undefined;
    let value = 0;
    for (const part of parts) {
      if (!/^\d{1,3}$/.test(part) || (part.length > 1 && part.startsWith('0')) || Number(part) > 255) return undefined;
      value = value * 256 + Number(part);
    }
    return value;
  };

  it('agrees on a table of edge cases', () => {
    const rows = ['0.0.0.0', '255.255.255.255', '1.2.3.4', '01.2.3.4', '1.2.3.04', '1.2.3.4.', '.1.2.3', '1..2.3'];
    rows.push(
      '256.1.1.1',
      '1.2.3',
      '1.2.3.4.5',
      '1000.1.1.1',
      '',
      '1.2.3.a',
      ' 1.2.3.4',
      '1.2.3.4 ',
      '１.2.3.4',
      '1e2.1.1.1',
    );
    for (const text of rows) assert.equal(parseIPv4Number(text), reference(text), JSON.stringify(text));
  });

  it('agrees on random dotted text, and formats back what it parsed', () => {
    const part = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.stringMatching(/^[0-9a.]{0,4}$/));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.join('.');
        const value = parseIPv4Number(text);
        assert.equal(value, reference(text), text);
        if (value !== undefined) assert.equal(formatIPv4Number(value), text);
      }),
      { numRuns: 2000 },
    );
  });
});
