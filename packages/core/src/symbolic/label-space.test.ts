import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesSelector } from '../model/selector.js';
import type { LabelSelectorModel } from '../model/types.js';
import { describeRanges, partitionAddresses } from './address-space.js';
import { ABSENT, LabelSpace, mergeCells, partitionLabels, selectorSatisfiable } from './label-space.js';

const sel = (
  matchLabels: Record<string, string>,
  ...matchExpressions: LabelSelectorModel['matchExpressions'][number][]
): LabelSelectorModel => ({ matchLabels, matchExpressions });

describe('partitionLabels', () => {
  const rows: { name: string; selectors: LabelSelectorModel[]; classes: number }[] = [
    { name: 'no selector: one class', selectors: [], classes: 1 },
    { name: 'one equality: in or out', selectors: [sel({ app: 'web' })], classes: 2 },
    {
      name: 'two values of one key: web, api, neither',
      selectors: [sel({ app: 'web' }), sel({ app: 'api' })],
      classes: 3,
    },
    {
      name: 'independent keys multiply',
      selectors: [sel({ app: 'web' }), sel({ tier: 'db' })],
      classes: 4,
    },
    {
      name: 'In and Exists nest: (web|api), other value, absent',
      selectors: [
        sel({}, { key: 'app', operator: 'In', values: ['web', 'api'] }),
        sel({}, { key: 'app', operator: 'Exists', values: [] }),
      ],
      classes: 3,
    },
    {
      name: 'a contradiction never matches: one class',
      selectors: [
        sel({}, { key: 'app', operator: 'In', values: ['a'] }, { key: 'app', operator: 'NotIn', values: ['a'] }),
      ],
      classes: 1,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const space = new LabelSpace(row.selectors);
      const classes = partitionLabels(space, row.selectors);
      assert.equal(classes.length, row.classes);
      // Each class's witness matches exactly the selectors its vector says.
      for (const cls of classes) {
        for (const cell of cls.cells) {
          const labels = space.witness(cell);
          row.selectors.forEach((s, i) => {
            assert.equal(matchesSelector(s, labels), cls.matches[i] === 1, JSON.stringify(labels));
          });
        }
      }
    });
  }
});

describe('selectorSatisfiable', () => {
  it('app in (a) with app notin (a) can match nothing', () => {
    const s = sel({}, { key: 'app', operator: 'In', values: ['a'] }, { key: 'app', operator: 'NotIn', values: ['a'] });
    assert.equal(selectorSatisfiable(new LabelSpace([s]), s), false);
  });
  it('app=a with tier exists can', () => {
    const s = sel({ app: 'a' }, { key: 'tier', operator: 'Exists', values: [] });
    assert.equal(selectorSatisfiable(new LabelSpace([s]), s), true);
  });
  it('a key every member has cannot be DoesNotExist (namespace names)', () => {
    const s = sel({}, { key: 'kubernetes.io/metadata.name', operator: 'DoesNotExist', values: [] });
    const space = new LabelSpace([s]);
    const start = new Map([['kubernetes.io/metadata.name', space.full('kubernetes.io/metadata.name') & ~ABSENT]]);
    assert.equal(selectorSatisfiable(space, s, start), false);
  });
});

describe('LabelSpace.describe and mergeCells', () => {
  const space = new LabelSpace([sel({ app: 'web' }), sel({ app: 'api' }), sel({ tier: 'db' })]);
  const rows: { name: string; selector: LabelSelectorModel; text: string[] }[] = [
    { name: 'equality', selector: sel({ app: 'web' }), text: ['app=web'] },
    {
      name: 'not equal (absent allowed)',
      selector: sel({}, { key: 'app', operator: 'NotIn', values: ['web'] }),
      text: ['app!=web'],
    },
    {
      name: 'set',
      selector: sel({}, { key: 'app', operator: 'In', values: ['web', 'api'] }),
      text: ['app in (api,web)'],
    },
    { name: 'exists', selector: sel({}, { key: 'tier', operator: 'Exists', values: [] }), text: ['tier'] },
    { name: 'absent', selector: sel({}, { key: 'tier', operator: 'DoesNotExist', values: [] }), text: ['!tier'] },
  ];
  for (const row of rows) {
    it(row.name, () => assert.deepEqual(space.describe(space.constraint(row.selector)), row.text));
  }
  it('cells that differ in one key merge: app=web ∪ app=api ∪ other/absent = any app', () => {
    const cells = partitionLabels(space, [sel({ app: 'web' }), sel({ app: 'api' })]).flatMap((c) => c.cells);
    assert.equal(cells.length, 3);
    assert.deepEqual(
      mergeCells(space, cells).map((c) => space.describe(c)),
      [[]],
    );
  });
});

describe('partitionAddresses', () => {
  it('cuts at every block boundary and names each class by CIDRs', () => {
    const classes = partitionAddresses([
      { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] },
      { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] },
    ]);
    assert.deepEqual(
      classes.map((c) => [c.description, [...c.inside].join('')]),
      [
        ['0.0.0.0/0 except 10.0.0.0/8', '01'],
        ['10.0.0.0/8 except 10.1.0.0/16', '10'],
        ['10.1.0.0/16', '00'],
      ],
    );
  });
  it('no block: one class, everything', () => {
    assert.deepEqual(
      partitionAddresses([]).map((c) => c.description),
      ['0.0.0.0/0'],
    );
  });
  it('describeRanges: two CIDRs as a list', () => {
    assert.equal(
      describeRanges(4, [
        [0x0a000000n, 0x0affffffn],
        [0xc0a80000n, 0xc0a8ffffn],
      ]),
      '10.0.0.0/8, 192.168.0.0/16',
    );
  });
});
