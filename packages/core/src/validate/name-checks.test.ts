import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkName, type NameKind } from './name-checks.js';

describe('checkName', () => {
  // Each kind's rule is the API server's for the same field; the message names the kind.
  const rows: [NameKind, string, RegExp | undefined][] = [
    ['namespace name', 'prod-1', undefined],
    ['namespace name', 'Prod', /^namespace name: Invalid value: "Prod": a lowercase RFC 1123 label must/],
    ['namespace name', 'a.b', /^namespace name: Invalid value: "a\.b": must not contain dots$/],
    ['pod name', 'web-0.x', undefined],
    ['pod name', 'web_0', /^pod name: Invalid value: "web_0": a lowercase RFC 1123 subdomain must/],
    ['object name', 'allow.web', undefined],
    ['object name', '', /^object name: Invalid value: "": a lowercase RFC 1123 subdomain/],
    ['label key', 'x.io/App_1', undefined],
    ['label key', 'x.io/', /^label key: Invalid value: "x\.io\/": name part must be non-empty; name part must consist/],
    ['label value', '', undefined],
    ['label value', 'a b', /^label value: Invalid value: "a b": a valid label must be an empty string/],
    ['label value', `${'v'.repeat(64)}`, /: must be no more than 63 characters$/],
  ];
  for (const [kind, value, message] of rows) {
    it(`${kind} ${JSON.stringify(value.slice(0, 20))}: ${message ? 'refused' : 'valid'}`, () => {
      const problem = checkName(kind, value);
      if (!message) return assert.equal(problem, undefined);
      assert.deepEqual({ kind: problem?.kind, value: problem?.value }, { kind, value });
      assert.match(problem?.message ?? '', message);
    });
  }
});
