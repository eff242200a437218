import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerAddresses, buildAnswer, buildQuery, dnsReply, parseQuery } from './dns-message.js';

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

describe('dnsReply', () => {
  // A response answered (even with FORMERR) starts a loop with whatever sent it: another
  // server, or a pod's UDP echo fed one spoofed packet (issue 16, item 5).
  const response = (bytes: Buffer) => {
    const packet = Buffer.from(bytes);
    packet.writeUInt16BE(packet.readUInt16BE(2) | 0x8000, 2);
    return packet;
  };
  const rows: [string, Buffer, 'answer' | 'formerr' | 'none'][] = [
    ['a query is answered', buildQuery(7, 'backend.default.svc.cluster.local'), 'answer'],
    [
      'a malformed query gets FORMERR',
      Buffer.concat([buildQuery(7, 'a.b').subarray(0, 12), Buffer.from([9])]),
      'formerr',
    ],
    ['a well-formed response gets nothing', response(buildQuery(7, 'a.b')), 'none'],
    ['a malformed response gets nothing (no FORMERR)', response(Buffer.alloc(12)), 'none'],
    ['our own answer, echoed back, gets nothing', buildAnswer(parseQuery(buildQuery(7, 'multi.x'))!, lookup), 'none'],
    ['a runt packet gets nothing', Buffer.alloc(2), 'none'],
  ];
  for (const [name, packet, expected] of rows) {
    it(name, () => {
      const reply = dnsReply(packet, lookup);
      if (expected === 'none') return assert.equal(reply, undefined);
      assert.ok(reply);
      assert.ok(reply.readUInt16BE(2) & 0x8000, 'QR set');
      assert.equal(reply.readUInt16BE(2) & 0xf, expected === 'formerr' ? 1 : 0);
    });
  }
});
