import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  byteLength,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
} from './formats.js';

describe('byteLength: UTF-8 bytes, as Go len() counts them', () => {
  it('counts 1 to 4 bytes a code point, 3 for a lone surrogate', () => {
    const rows: [string, number][] = [
      ['', 0],
      ['abc', 3],
      ['é', 2],
      ['€', 3],
      ['😀', 4],
      ['a😀b', 6],
      ['\ud800', 3],
      ['\udc00x', 4],
      ['\ud800\ud800', 6],
    ];
    for (const [text, bytes] of rows) assert.equal(byteLength(text), bytes, JSON.stringify(text));
  });

  it('equals the encoder on well-formed text and the code-point count of before on any text', () => {
    const before = (value: string) => {
      let n = 0;
      for (const ch of value) {
        const c = ch.codePointAt(0) ?? 0;
        n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      }
      return n;
    };
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => assert.equal(byteLength(text), before(text))),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) =>
        assert.equal(byteLength(text), new TextEncoder().encode(text).length),
      ),
      { numRuns: 500 },
    );
  });
});

describe('the fast path of valid names gives what the full check gives', () => {
  const samples = ['app', 'k8s-app', 'a', 'a.b_c-d', 'x'.repeat(63), 'x'.repeat(64), '', '-a', 'a-', 'A1', 'é'];
  samples.push('example.com/app', 'a/b/c', '/a', 'a/', 'kubernetes.io/metadata.name', 'UPPER/x', 'a..b', 'a.b');
  it('valid names have no message; invalid ones keep theirs', () => {
    const rows: [(value: string) => readonly string[], string, number][] = [
      [isQualifiedName, 'app', 0],
      [isQualifiedName, 'example.com/app', 0],
      [isQualifiedName, 'x'.repeat(64), 1],
      [isQualifiedName, '-a', 1],
      [isQualifiedName, 'a/b/c', 1],
      [isValidLabelValue, '', 0],
      [isValidLabelValue, 'x'.repeat(63), 0],
      [isValidLabelValue, 'x'.repeat(64), 1],
      [isValidLabelValue, 'a b', 1],
      [isDNS1123Label, 'web-1', 0],
      [isDNS1123Label, 'a.b', 1],
      [isDNS1123Label, 'Web', 1],
      [isDNS1123Subdomain, 'a.b', 0],
      [isDNS1123Subdomain, `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`, 1],
    ];
    for (const [check, value, count] of rows) assert.equal(check(value).length, count, `${check.name}(${value})`);
    for (const value of samples) {
      for (const check of [isQualifiedName, isValidLabelValue, isDNS1123Label, isDNS1123Subdomain]) {
        const messages = check(value);
        assert.ok(
          messages.every((m) => typeof m === 'string' && m.length > 0),
          `${check.name}(${value})`,
        );
      }
    }
  });
});

describe('the fast path of valid port names and DNS-1035 labels gives what the rules give', () => {
  // The rules one by one, as the functions checked them before their fast path (the oracle).
  const portNameRules = (port: string) =>
    [
      byteLength(port) > 15,
      !/^[-a-z0-9]+$/.test(port),
      !/[a-z]/.test(port),
      port.includes('--'),
      port.length > 0 && (port.startsWith('-') || port.endsWith('-')),
    ].filter(Boolean).length;
  const dns1035Rules = (value: string) =>
    [byteLength(value) > 63, !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(value)].filter(Boolean).length;
  const text = fc.string({ unit: fc.constantFrom('a', 'z', '0', '9', '-', 'A', '.', 'é'), maxLength: 20 });

  it('rows: valid names pass, each broken rule counts', () => {
    const rows: [string, number][] = [
      ['http', 0],
      ['h2c', 0],
      ['web-8080', 0],
      ['a-b-c', 0],
      ['8080', 1],
      ['a--b', 1],
      ['-a', 1],
      ['a-', 1],
      ['abcdefghijklmnop', 1],
      ['Http', 1],
      ['', 2],
      ['-Http--', 3],
      ['--', 3],
    ];
    for (const [port, broken] of rows) assert.equal(isValidPortName(port).length, broken, port);
  });

  it('random names (property)', () => {
    fc.assert(
      fc.property(text, (value) => {
        assert.equal(isValidPortName(value).length, portNameRules(value), `port ${value}`);
        assert.equal(isDNS1035Label(value).length, dns1035Rules(value), `label ${value}`);
        assert.equal(isDNS1035Label(`a${value}`).length, dns1035Rules(`a${value}`), `label a${value}`);
      }),
      { numRuns: 2000 },
    );
  });
});
