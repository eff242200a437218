import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { generateCluster, genOptionsForPods } from '../gen/generate-cluster.js';
import { renderGenerated } from '../gen/render-generated.js';
import { loadCluster } from '../load-cluster.js';
import { LINT_RULES } from './registry.js';
import { lintRuleByRule, runLint } from './run-lint.js';

/**
 * The web worker lints a rule at a time and answers edits between rules (issue 15): the steps
 * must end in runLint's findings, in its order, even when other lints run between the steps
 * (the worker lints the next state while an abandoned one is left unfinished).
 */

const examples = join(import.meta.dirname, '../../../../examples');

function loaded(sources: { name: string; text: string }[]) {
  const result = loadCluster(sources);
  return { cluster: result.value.cluster, objects: result.value.objects };
}

const inputs = [
  ...readdirSync(examples, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = join(examples, d.name);
      const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'expect.yaml');
      return {
        name: d.name,
        ...loaded(files.sort().map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') }))),
      };
    }),
  {
    name: 'generated 300 pods',
    ...loaded([
      { name: 'cluster.yaml', text: renderGenerated(generateCluster(genOptionsForPods(300, { seed: 15 })), 'yaml') },
    ]),
  },
];

describe('lintRuleByRule', () => {
  test('the examples and a generated cluster have lint findings to compare', () => {
    const total = inputs.reduce((n, input) => n + runLint(input).length, 0);
    assert.ok(inputs.length > 10, `${inputs.length} inputs`);
    assert.ok(total > 20, `only ${total} findings`);
  });

  for (const input of inputs) {
    test(`${input.name}: one step per rule, ending in runLint's findings while other lints run between steps`, () => {
      const whole = runLint(input);
      const other = inputs[(inputs.indexOf(input) + 1) % inputs.length] ?? input;
      const steps = lintRuleByRule(input);
      const ids: string[] = [];
      for (;;) {
        const step = steps.next();
        if (step.done) {
          assert.deepEqual(step.value, whole);
          break;
        }
        ids.push(step.value);
        runLint(other); // shares core's caches (compiled clusters) with the unfinished lint
      }
      // one-sided-allow may take several steps (its `steps`): one id per rule once repeats are merged
      assert.deepEqual(
        ids.filter((id, i) => id !== ids[i - 1]),
        ['', ...LINT_RULES.map((r) => r.id)],
      );
    });
  }

  test("one-sided-allow on a generated cluster takes several bounded steps, with runLint's findings", () => {
    const input = loaded([
      { name: 'cluster.yaml', text: renderGenerated(generateCluster(genOptionsForPods(2000, { seed: 15 })), 'yaml') },
    ]);
    const rules = LINT_RULES.filter((r) => r.id === 'one-sided-allow');
    const whole = runLint(input, { rules });
    assert.ok(whole.length > 0, 'no one-sided-allow finding to compare');
    const steps = lintRuleByRule(input, { rules });
    const ids: string[] = [];
    let step = steps.next();
    for (; !step.done; step = steps.next()) ids.push(step.value);
    assert.deepEqual(step.value, whole);
    // the setup, then more than one chunk of policies (an edit in the web worker waits for one)
    assert.ok(ids.filter((id) => id === 'one-sided-allow').length > 2, ids.join(','));
  });

  test('disabled rules are not a step; the findings equal runLint with the same options', () => {
    const input = inputs.find((i) => i.name === 'generated 300 pods') ?? inputs[0];
    assert.ok(input);
    const disable = ['one-sided-allow', 'selects-nothing'];
    const steps = lintRuleByRule(input, { disable });
    const ids: string[] = [];
    let step = steps.next();
    for (; !step.done; step = steps.next()) ids.push(step.value);
    assert.deepEqual(step.value, runLint(input, { disable }));
    assert.deepEqual(ids, ['', ...LINT_RULES.map((r) => r.id).filter((id) => !disable.includes(id))]);
    assert.ok(!step.value.some((f) => disable.includes(f.code)));
  });
});
