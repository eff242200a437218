import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Unanalyzed } from '../load/unanalyzed.js';
import { unanalyzedChanges } from './unanalyzed-changes.js';

const file = (name: string, content: string): Unanalyzed => ({ file: name, what: 'Helm template', content });
const object = (name: string, id: string, content: string): Unanalyzed => ({
  file: name,
  what: `CiliumNetworkPolicy ${id}`,
  identity: `cilium.io\nCiliumNetworkPolicy\n${id}`,
  content,
});

describe('unanalyzedChanges', () => {
  const cases: [string, Unanalyzed[], Unanalyzed[], [string, string][]][] = [
    ['same files, other folders', [file('a/t/x.yaml', '1')], [file('b/t/x.yaml', '1')], []],
    ['a file renamed unchanged', [file('a/x.yaml', '1')], [file('b/y.yaml', '1')], []],
    ['a file changed in place', [file('a/t/x.yaml', '1')], [file('b/t/x.yaml', '2')], [['changed', 'b/t/x.yaml']]],
    [
      'two changed files pair by the longest common tail',
      [file('a/c1/templates/np.yaml', '1'), file('a/c2/templates/np.yaml', '2')],
      [file('git:main:c2/templates/np.yaml', '3'), file('git:main:c1/templates/np.yaml', '4')],
      [
        ['changed', 'git:main:c1/templates/np.yaml'],
        ['changed', 'git:main:c2/templates/np.yaml'],
      ],
    ],
    ['a file only in HEAD', [], [file('b/x.yaml', '1')], [['added', 'b/x.yaml']]],
    ['a file only in BASE', [file('a/x.yaml', '1')], [], [['removed', 'a/x.yaml']]],
    [
      'an object in another file, unchanged',
      [object('a/p.yaml', 'ns/p', '{}')],
      [object('b/q.yaml', 'ns/p', '{}')],
      [],
    ],
    [
      'an object changed',
      [object('a/p.yaml', 'ns/p', '{}')],
      [object('b/p.yaml', 'ns/p', '{"x":1}')],
      [['changed', 'b/p.yaml']],
    ],
    [
      'an object renamed: removed and added',
      [object('a/p.yaml', 'ns/p', '{}')],
      [object('b/p.yaml', 'ns/q', '{}')],
      [
        ['removed', 'a/p.yaml'],
        ['added', 'b/p.yaml'],
      ],
    ],
  ];
  for (const [name, base, head, expected] of cases) {
    it(name, () => {
      const got = unanalyzedChanges(base, head).map((c) => [c.change, c.file]);
      assert.deepEqual(
        got.sort(([, x], [, y]) => ((x ?? '') < (y ?? '') ? -1 : 1)),
        [...expected].sort(([, x], [, y]) => (x < y ? -1 : 1)),
      );
    });
  }
});
