import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Session } from '../engine/session.js';
import type { InputFile } from '../protocol.js';
import { allowDns, mergePeers } from './quick-fixes.js';

const examples = join(import.meta.dirname, '..', '..', '..', '..', 'examples');

function read(example: string): InputFile[] {
  const dir = join(examples, example);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ name: `${example}/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
}

function session(files: InputFile[]): Session {
  return new Session({ mode: 'report', files, namespace: 'default', canSave: false, version: 0 });
}

describe('quick fixes', () => {
  test('OR trap: deleting the `-` makes one peer (AND), the finding goes, the loose pairs close', () => {
    const files = read('002-ex6-or-selector-trap');
    const s = session(files);
    const finding = s.lint().find((i) => i.code === 'namespace-pod-selector-or');
    assert.ok(finding?.from !== undefined, 'the example has the OR trap');
    assert.equal(finding.line, 17);
    const file = files.find((f) => f.name === finding.file) as InputFile;
    const fixed = mergePeers(file.text, finding.from);
    assert.ok(fixed);
    assert.match(fixed, / {4}- namespaceSelector:\n {8}matchLabels:\n {10}user: alice\n {6}podSelector:/);
    assert.equal(s.check('alice/other', 'backend-ns/secure-api[Deployment]', '8443').allowed, true);
    const after = s.edit(file.name, fixed);
    assert.equal(
      s.lint().some((i) => i.code === 'namespace-pod-selector-or'),
      false,
    );
    assert.equal(s.check('alice/other', 'backend-ns/secure-api[Deployment]', '8443').allowed, false);
    assert.equal(s.check('alice/client', 'backend-ns/secure-api[Deployment]', '8443').allowed, true);
    // What-if: exactly what the stray `-` opened (every port: the rule names none) is now closed.
    assert.ok(after.whatIf?.closed.every((c) => c.to === 'backend-ns/secure-api[Deployment]'));
    assert.deepEqual(
      after.whatIf?.closed.map((c) => `${c.from} ${c.protocol} ${c.ports}`),
      ['alice/other', 'backend-ns/client'].flatMap((from) =>
        ['TCP', 'UDP', 'SCTP'].map((p) => `${from} ${p} every ${p} port`),
      ),
    );
  });

  test('DNS: the added rule turns DENY into ALLOW on UDP and TCP 53, and the finding goes', () => {
    const files = read('002-ex1-default-deny-all');
    const s = session(files);
    const finding = s.lint().find((i) => i.code === 'dns-egress-blocked');
    assert.ok(finding?.from !== undefined);
    const file = files.find((f) => f.name === finding.file) as InputFile;
    const dns = 'kube-system/coredns[Deployment]';
    assert.equal(s.check('secure-namespace/client', dns, '53/UDP').allowed, false);
    const fixed = allowDns(file.text, finding.from);
    assert.ok(fixed);
    const after = s.edit(file.name, fixed);
    assert.equal(after.ok, true, JSON.stringify(after.issues.filter((i) => i.severity === 'error')));
    assert.equal(
      s.lint().some((i) => i.code === 'dns-egress-blocked'),
      false,
    );
    for (const port of ['53/UDP', '53/TCP'])
      assert.equal(s.check('secure-namespace/client', dns, port).allowed, true, port);
    assert.equal(s.check('secure-namespace/client', dns, '80').allowed, false);
  });

  test('DNS fix into an existing egress list keeps its rules', () => {
    const text = [
      'kind: NetworkPolicy',
      'spec:',
      '  podSelector: {}',
      '  egress:',
      '  - to:',
      '    - ipBlock:',
      '        cidr: 10.0.0.0/8',
      '',
    ].join('\n');
    const fixed = allowDns(text, text.indexOf('podSelector'));
    assert.ok(fixed);
    assert.match(fixed, /egress:\n {2}- to:\n {4}- namespaceSelector:[\s\S]*port: 53\n {2}- to:\n {4}- ipBlock:/);
  });

  test('no fix when the text is not in a shape the fix understands', () => {
    assert.equal(mergePeers('a: [x, y]', 4), undefined);
    assert.equal(allowDns('kind: NetworkPolicy\nspec: {}\n', 5), undefined);
    assert.equal(allowDns('spec:\n  egress: [{}]\n', 5), undefined);
  });
});
