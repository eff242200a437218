import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileSelector, formatSelector, selectorMatches } from './selector.js';
import type { LabelSelectorModel, SelectorOperator } from './types.js';

const sel = (
  matchLabels: Record<string, string>,
  ...exprs: [string, SelectorOperator, string[]?][]
): LabelSelectorModel => ({
  matchLabels,
  matchExpressions: exprs.map(([key, operator, values]) => ({ key, operator, values: values ?? [] })),
});

describe('compileSelector', () => {
  const rows: [string, LabelSelectorModel, Record<string, string>, boolean][] = [
    ['empty selector matches everything', sel({}), { any: 'x' }, true],
    ['empty selector matches no labels', sel({}), {}, true],
    ['matchLabels equal', sel({ app: 'web' }), { app: 'web', tier: 'x' }, true],
    ['matchLabels differ', sel({ app: 'web' }), { app: 'db' }, false],
    ['matchLabels absent key', sel({ app: 'web' }), {}, false],
    ['In hit', sel({}, ['env', 'In', ['a', 'b']]), { env: 'b' }, true],
    ['In miss', sel({}, ['env', 'In', ['a', 'b']]), { env: 'c' }, false],
    ['In absent key', sel({}, ['env', 'In', ['a']]), {}, false],
    ['NotIn hit', sel({}, ['env', 'NotIn', ['a']]), { env: 'a' }, false],
    ['NotIn other value', sel({}, ['env', 'NotIn', ['a']]), { env: 'b' }, true],
    ['NotIn absent key is true', sel({}, ['env', 'NotIn', ['a']]), {}, true],
    ['Exists', sel({}, ['env', 'Exists']), { env: '' }, true],
    ['Exists absent', sel({}, ['env', 'Exists']), {}, false],
    ['DoesNotExist', sel({}, ['env', 'DoesNotExist']), {}, true],
    ['DoesNotExist present', sel({}, ['env', 'DoesNotExist']), { env: 'x' }, false],
    ['matchLabels AND expressions', sel({ app: 'web' }, ['env', 'In', ['prod']]), { app: 'web', env: 'dev' }, false],
  ];
  for (const [name, selector, labels, expected] of rows) {
    it(name, () => assert.equal(compileSelector(selector)(labels), expected));
    it(`${name}, asked once (selectorMatches)`, () => assert.equal(selectorMatches(selector, labels), expected));
  }

  it('is the AND of its parts (property)', () => {
    const key = fc.constantFrom('a', 'b', 'c');
    const value = fc.constantFrom('1', '2', '3');
    const labels = fc.dictionary(key, value);
    const expr = fc.record({
      key,
      operator: fc.constantFrom<SelectorOperator>('In', 'NotIn', 'Exists', 'DoesNotExist'),
      values: fc.array(value, { minLength: 1, maxLength: 2 }),
    });
    fc.assert(
      fc.property(
        fc.dictionary(key, value),
        fc.array(expr, { maxLength: 3 }),
        labels,
        (matchLabels, exprs, subject) => {
          const whole = compileSelector({ matchLabels, matchExpressions: exprs })(subject);
          const parts = [
            ...Object.entries(matchLabels).map(([k, v]) => compileSelector(sel({ [k]: v }))(subject)),
            ...exprs.map((e) => compileSelector({ matchLabels: {}, matchExpressions: [e] })(subject)),
          ];
          assert.equal(whole, parts.every(Boolean));
          assert.equal(selectorMatches({ matchLabels, matchExpressions: exprs }, subject), whole);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('formatSelector', () => {
  it('prints like kubectl', () => {
    assert.equal(
      formatSelector(sel({ app: 'web' }, ['env', 'In', ['a', 'b']], ['x', 'DoesNotExist'])),
      'app=web,env in (a,b),!x',
    );
    assert.equal(formatSelector(sel({})), '{}');
  });
});
