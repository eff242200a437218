import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collected, type Issue } from './issues.js';

const at = (code: Issue['code'], severity: Issue['severity']): Issue => ({ code, severity, path: [], message: code });

test('collected: a failure when any issue is an error, the first error its error, the value kept', () => {
  const rows: { name: string; issues: Issue[]; ok: boolean; error?: string }[] = [
    { name: 'no issues', issues: [], ok: true },
    {
      name: 'warnings and infos only',
      issues: [at('duplicate-object', 'warning'), at('unknown-kind', 'info')],
      ok: true,
    },
    {
      name: 'errors after a warning',
      issues: [at('duplicate-object', 'warning'), at('syntax', 'error'), at('field-required', 'error')],
      ok: false,
      error: 'syntax',
    },
  ];
  for (const row of rows) {
    const outcome = collected(['partial'], row.issues);
    assert.equal(outcome.ok, row.ok, row.name);
    assert.equal(outcome.ok ? undefined : outcome.error.code, row.error, row.name);
    assert.deepEqual(outcome.value, ['partial'], row.name);
    assert.equal(outcome.issues, row.issues, row.name);
  }
});
