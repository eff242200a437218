import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../io.js';
import { parseLabels } from './lab-run-exec.js';

describe('lab run --labels', () => {
  it('k=v,k2=v2, an empty value allowed', () => {
    assert.deepEqual(parseLabels('access=allowed, x.io/role='), { access: 'allowed', 'x.io/role': '' });
  });
  // The API server's rules and words for a pod's labels (core's, not a copy).
  const bad: [string, string, RegExp][] = [
    ['no =', 'access', /^--labels access: expected k=v,k2=v2$/],
    ['bad key prefix', 'a_b/c=1', /^--labels a_b\/c=1: label key: Invalid value: "a_b\/c": prefix part/],
    ['key name too long', `${'k'.repeat(64)}=1`, /label key: .*must be no more than 63 characters$/],
    ['bad value', 'a=-x', /^--labels a=-x: label value: Invalid value: "-x": a valid label must be/],
    ['value too long', `a=${'v'.repeat(64)}`, /label value: .*must be no more than 63 characters$/],
  ];
  for (const [name, text, message] of bad) {
    it(name, () =>
      assert.throws(
        () => parseLabels(text),
        (e) => e instanceof UsageError && message.test(e.message),
      ),
    );
  }
});
