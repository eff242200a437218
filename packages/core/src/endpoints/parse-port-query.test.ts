import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPortQuery, parsePortQuery } from './parse-port-query.js';

test('parsePortQuery accepts numbers, names and protocols', () => {
  const rows: [string, unknown][] = [
    ['80', { protocol: 'TCP', port: 80 }],
    ['53/UDP', { protocol: 'UDP', port: 53 }],
    ['53/udp', { protocol: 'UDP', port: 53 }],
    ['http', { protocol: 'TCP', port: 'http' }],
    ['dns/UDP', { protocol: 'UDP', port: 'dns' }],
    ['9000/SCTP', { protocol: 'SCTP', port: 9000 }],
    ['65535', { protocol: 'TCP', port: 65535 }],
  ];
  for (const [text, expected] of rows) {
    const result = parsePortQuery(text);
    assert.ok(result.ok, text);
    assert.deepEqual(result.value, expected, text);
  }
});

test('parsePortQuery rejects what is not a port', () => {
  for (const text of ['0', '65536', '80/ICMP', 'HTTP', '-web', 'a-very-long-port-name', '', '80/']) {
    const result = parsePortQuery(text);
    assert.equal(result.ok ? 'ok' : result.error.code, 'port-invalid', text);
  }
});

test('formatPortQuery prints what --port takes back (PORT/PROTO, as kubectl prints 80/TCP)', () => {
  for (const query of [
    { protocol: 'TCP', port: 80 },
    { protocol: 'UDP', port: 'dns' },
    { protocol: 'SCTP', port: 9000 },
  ] as const) {
    const text = formatPortQuery(query);
    assert.equal(text, `${query.port}/${query.protocol}`);
    assert.deepEqual(parsePortQuery(text), { ok: true, value: query });
  }
});
