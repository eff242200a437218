import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatIp, parseIp } from '../model/cidr.js';
import { AddressIndex } from './address-index.js';
import { ipBlockRanges, rangesContain } from './ip-block.js';

/** Addresses near block edges (v4 and v6), some missing, some repeated. */
const ADDRESSES = [
  '10.0.0.0',
  '10.0.0.1',
  '10.0.0.7',
  '10.0.0.8',
  '10.0.0.255',
  '10.0.1.0',
  '10.255.255.255',
  '11.0.0.0',
  '0.0.0.0',
  '255.255.255.255',
  '203.0.113.10',
  '2001:db8::',
  '2001:db8::1',
  '2001:db8:0:1::',
  '::ffff:10.0.0.1',
];
const BLOCKS = ['10.0.0.0/8', '10.0.0.0/24', '10.0.0.0/29', '0.0.0.0/0', '2001:db8::/64', '::/0', '10.0.0.1/32'];
const EXCEPTS = ['10.0.0.0/30', '10.0.0.8/29', '10.0.1.0/24', '2001:db8::/127', '10.0.0.1/32', '11.0.0.0/8'];

test('AddressIndex.within finds what rangesContain finds, in the items order', () => {
  let found = 0;
  // within puts its runs back in the items' order by marks (many found) or by a sort (few):
  // both ways must be reached (its threshold: count · log2(count + 1) > items).
  const ways = { marks: 0, sort: 0 };
  fc.assert(
    fc.property(
      fc.array(fc.option(fc.constantFrom(...ADDRESSES), { nil: undefined }), { maxLength: 12 }),
      fc.constantFrom(...BLOCKS),
      fc.subarray(EXCEPTS),
      (texts, cidr, except) => {
        const items = texts.map((text, i) => ({ i, ip: text === undefined ? undefined : parseIp(text) }));
        const ranges = ipBlockRanges(cidr, except);
        const expected = items.filter((item) => item.ip !== undefined && rangesContain(ranges, item.ip));
        const actual = new AddressIndex(items, (item) => item.ip).within(ranges);
        assert.deepEqual(
          actual.map((item) => item.i),
          expected.map((item) => item.i),
          `${cidr} except ${except.join(',')} over ${items.map((item) => (item.ip ? formatIp(item.ip) : '-')).join(' ')}`,
        );
        found += actual.length;
        const inRuns = items.filter((item) => item.ip !== undefined && rangesContain(ranges, item.ip)).length;
        if (inRuns > 0) ways[inRuns * Math.log2(inRuns + 1) > items.length ? 'marks' : 'sort']++;
      },
    ),
    { numRuns: 300, seed: 18 },
  );
  assert.ok(found > 150, `only ${found} addresses found in blocks`);
  assert.ok(ways.marks > 20 && ways.sort > 20, JSON.stringify(ways));
});

test('AddressIndex.within: table', () => {
  const items = ['10.0.0.9', '2001:db8::1', '10.0.0.2', '10.0.0.9', '192.0.2.1'].map((text, i) => ({
    i,
    ip: parseIp(text),
  }));
  const index = new AddressIndex(items, (item) => item.ip);
  const rows: [cidr: string, except: string[], expected: number[]][] = [
    ['10.0.0.0/24', [], [0, 2, 3]],
    ['10.0.0.0/24', ['10.0.0.8/29'], [2]],
    ['10.0.0.9/32', [], [0, 3]],
    ['::/0', [], [1]],
    ['0.0.0.0/0', ['10.0.0.0/8'], [4]],
    ['198.51.100.0/24', [], []],
  ];
  for (const [cidr, except, expected] of rows) {
    assert.deepEqual(
      index.within(ipBlockRanges(cidr, except)).map((item) => item.i),
      expected,
      `${cidr} except ${except}`,
    );
  }
});
