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

test('parsePortQuery refuses a name no container port can have, with the API server reason', () => {
  // IsValidPortName: the rule of a container port's name, so such a name could match no port.
  const rows: [string, RegExp][] = [
    ['a--b', /port name: Invalid value: "a--b": must not contain consecutive hyphens/],
    ['web-', /port name: Invalid value: "web-": must not begin or end with a hyphen/],
    ['123-456', /must contain at least one letter/],
    ['http_alt/UDP', /port name: Invalid value: "http_alt": must contain only alpha-numeric characters/],
    ['a-very-long-port-name', /must be no more than 15 characters/],
  ];
  for (const [text, message] of rows) {
    const result = parsePortQuery(text);
    assert.equal(result.ok ? 'ok' : result.error.code, 'port-invalid', text);
    if (!result.ok) assert.match(result.error.message, message, text);
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
