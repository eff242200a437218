import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isFlocked, lockHolder, lockPath, withLock } from './lab-lock.js';

const skip = spawnSync('flock', ['--version']).status === 0 ? undefined : 'needs flock (util-linux)';
const root = mkdtempSync(`${tmpdir()}/netpol-lock-`);
after(() => rmSync(root, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lab lock (issue 16, item 1)', { skip }, () => {
  it('lets one holder at a time in, across concurrent callers', async () => {
    const dir = `${root}/one`;
    const spans: [number, number][] = [];
    await Promise.all(
      Array.from({ length: 4 }, () =>
        withLock(dir, async () => {
          const start = performance.now();
          await sleep(60);
          spans.push([start, performance.now()]);
        }),
      ),
    );
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++)
      assert.ok(spans[i][0] >= spans[i - 1][1], `overlap: ${JSON.stringify(spans)}`);
  });

  it('names its holder while held, nobody after; the file is root-only and stays outside the lab directory', async () => {
    const dir = `${root}/named`;
    await withLock(dir, async () => {
      assert.equal(lockHolder(dir), process.pid);
      assert.equal(statSync(lockPath(dir)).mode & 0o777, 0o600);
    });
    assert.equal(lockHolder(dir), undefined);
    assert.equal(isFlocked(lockPath(dir)), false);
    assert.ok(!lockPath(dir).startsWith(`${dir}/`));
  });

  it('is released by the kernel when its holder is SIGKILLed (no stale lock to take over)', async () => {
    const dir = `${root}/killed`;
    const self = fileURLToPath(new URL('./lab-lock.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        '-e',
        `import(${JSON.stringify(self)}).then((m) => m.withLock(${JSON.stringify(dir)}, () => new Promise(() => {})))`,
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 20_000;
    while (lockHolder(dir) !== child.pid && Date.now() < deadline) await sleep(50);
    assert.equal(lockHolder(dir), child.pid, 'the child holds the lock');
    // Held: a second taker gives up with "busy" and the holder's pid.
    await assert.rejects(
      withLock(dir, async () => {}, 1000),
      (e: Error) => e.message.includes(`process ${child.pid}`) && e.message.includes('busy'),
    );
    child.kill('SIGKILL');
    const started = Date.now();
    await withLock(dir, async () => assert.equal(lockHolder(dir), process.pid), 10_000);
    assert.ok(Date.now() - started < 5000);
  });
});
