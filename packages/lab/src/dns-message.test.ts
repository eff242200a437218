import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerAddresses, buildAnswer, buildQuery, parseQuery } from './dns-message.js';

const table: Record<string, string[]> = {
  'backend.default.svc.cluster.local': ['198.19.1.2'],
  'multi.x': ['1.1.1.1', '2.2.2.2'],
};
const lookup = (name: string) => table[name];

describe('dns message', () => {
  const rows: [string, string, number, number, string[]][] = [
    ['A record', 'backend.default.svc.cluster.local', 1, 0, ['198.19.1.2']],
    ['name is case-insensitive', 'Backend.Default.svc.cluster.local', 1, 0, ['198.19.1.2']],
    ['several addresses', 'multi.x', 1, 0, ['1.1.1.1', '2.2.2.2']],
    ['AAAA of a known name is NODATA', 'backend.default.svc.cluster.local', 28, 0, []],
    ['unknown name is NXDOMAIN', 'nope.default.svc.cluster.local', 1, 3, []],
  ];
  for (const [name, qname, type, rcode, ips] of rows) {
    it(name, () => {
      const q = parseQuery(buildQuery(0x1234, qname, type));
      assert.ok(q);
      const answer = buildAnswer(q, lookup);
      assert.equal(answer.readUInt16BE(0), 0x1234);
      assert.ok(answer.readUInt16BE(2) & 0x8000, 'QR set');
      assert.deepEqual(answerAddresses(answer), { rcode, ips });
    });
  }
  it('rejects truncated and response packets', () => {
    assert.equal(parseQuery(Buffer.alloc(5)), undefined);
    const q = buildQuery(1, 'a.b');
    q.writeUInt16BE(0x8000, 2);
    assert.equal(parseQuery(q), undefined);
    assert.equal(parseQuery(buildQuery(1, 'a.b').subarray(0, 16)), undefined);
  });
});
