import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { latestOnly } from './latest-only.js';

/** A task whose runs are recorded and settled by the test. */
function controlled() {
  const runs: { value: string; settle: (ok: boolean) => void }[] = [];
  const task = (value: string) =>
    new Promise<void>((resolve, reject) => {
      runs.push({ value, settle: (ok) => (ok ? resolve() : reject(new Error('failed'))) });
    });
  return { runs, task };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('latestOnly', () => {
  const cases: { name: string; steps: (string | boolean)[]; ran: string[] }[] = [
    { name: 'a value alone runs at once', steps: ['a'], ran: ['a'] },
    {
      name: 'values given while one runs: only the newest runs after it',
      steps: ['a', 'b', 'c', true],
      ran: ['a', 'c'],
    },
    { name: 'a failed run lets the newest waiting one run', steps: ['a', 'b', false], ran: ['a', 'b'] },
    { name: 'nothing waiting: nothing runs again', steps: ['a', true, 'b', true], ran: ['a', 'b'] },
    { name: 'one run at a time, in order', steps: ['a', 'b', true, 'c', 'd', true, true], ran: ['a', 'b', 'd'] },
  ];
  for (const { name, steps, ran } of cases) {
    test(name, async () => {
      const { runs, task } = controlled();
      const run = latestOnly(task);
      let settledCount = 0;
      for (const step of steps) {
        if (typeof step === 'string') run(step);
        else {
          // Settle the oldest unsettled run (true: it succeeded).
          runs[settledCount++]?.settle(step);
          await settled();
        }
        // Never two runs unsettled at once.
        assert.ok(runs.length - settledCount <= 1, `${runs.length - settledCount} runs at once`);
      }
      assert.deepEqual(
        runs.map((r) => r.value),
        ran,
      );
    });
  }

  test('idle() settles once no run is going on and none waits', async () => {
    const { runs, task } = controlled();
    const run = latestOnly(task);
    let idle = false;
    await run.idle();
    run('a');
    run('b'); // waits for a
    void run.idle().then(() => {
      idle = true;
    });
    runs[0]?.settle(true);
    await settled();
    assert.equal(idle, false, 'b runs after a: not idle yet');
    runs[1]?.settle(false);
    await settled();
    assert.equal(idle, true, 'idle once b settled (failed runs too)');
  });
});
