import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ConnectOutcome, type ConnectTarget, connectRechecked, recheckTimeoutMs } from './lab-connect.js';

/** Five connections from one source; the first look times out on all but the first. */
const targets: ConnectTarget[] = [1, 2, 3, 4, 5].map((n) => ({ ip: `198.18.0.${10 + n}`, port: 80, protocol: 'UDP' }));

function fakeConnect(second: ConnectOutcome) {
  const calls: { targets: string[]; ms: number }[] = [];
  const connect = async (_dir: string, _netns: string, asked: readonly ConnectTarget[], ms: number) => {
    calls.push({ targets: asked.map((t) => t.ip), ms });
    return asked.map((t) => (calls.length === 1 ? (t === targets[0] ? 'open' : 'timeout') : second));
  };
  return { calls, connect };
}

describe('connectRechecked', () => {
  const rows = [
    {
      name: 'asks the doubtful ones again at once, slower (the ICMP limit is off in the lab)',
      oneAtATime: false,
      second: 'refused' as const,
      calls: [5, 2],
      outcomes: ['open', 'refused', 'timeout', 'refused', 'timeout'],
    },
    {
      name: 'asks them one at a time where the ICMP limit is still on (no python3)',
      oneAtATime: true,
      second: 'refused' as const,
      calls: [5, 1, 1],
      outcomes: ['open', 'refused', 'timeout', 'refused', 'timeout'],
    },
    {
      name: 'keeps a drop that persists',
      oneAtATime: false,
      second: 'timeout' as const,
      calls: [5, 2],
      outcomes: ['open', 'timeout', 'timeout', 'timeout', 'timeout'],
    },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      const { calls, connect } = fakeConnect(row.second);
      // Expected: answers from 1, 2 and 4; drops at 3 and 5 (never asked again).
      const expected = [true, true, false, true, false];
      const { outcomes, rechecked } = await connectRechecked('/nonexistent', 'np-t-x1', targets, expected, {
        timeoutMs: 700,
        connect,
        oneAtATime: row.oneAtATime,
      });
      assert.deepEqual(outcomes, row.outcomes);
      assert.equal(rechecked, 2);
      assert.deepEqual(
        calls.map((c) => c.targets.length),
        row.calls,
      );
      assert.deepEqual(
        calls.map((c) => c.ms),
        [700, ...row.calls.slice(1).map(() => recheckTimeoutMs(700))],
      );
      assert.ok(
        calls
          .slice(1)
          .every((c) => !c.targets.includes(targets[2]?.ip ?? '') && !c.targets.includes(targets[4]?.ip ?? '')),
      );
    });
  }

  it('asks nothing again when every expected answer came', async () => {
    const { calls, connect } = fakeConnect('timeout');
    const { outcomes, rechecked } = await connectRechecked(
      '/nonexistent',
      'np-t-x1',
      targets,
      [true, false, false, false, false],
      {
        timeoutMs: 700,
        connect,
      },
    );
    assert.equal(rechecked, 0);
    assert.equal(calls.length, 1);
    assert.deepEqual(outcomes, ['open', 'timeout', 'timeout', 'timeout', 'timeout']);
  });
});
