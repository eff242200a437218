import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { at } from '@netpol/core';
import { isFlocked, lockHolder, lockPath, withLock } from './lab-lock.js';

const skip = spawnSync('flock', ['--version']).status === 0 ? undefined : 'needs flock (util-linux)';
const root = mkdtempSync(`${tmpdir()}/netpol-lock-`);
after(() => rmSync(root, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Only a hang takes this long: the bounds below prove that things happen, not how fast. */
const HANG = 60_000;

function assertNoOverlap(spans: [number, number][]): void {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < sorted.length; i++)
    assert.ok(at(sorted, i)[0] >= at(sorted, i - 1)[1], `two holders at once: ${JSON.stringify(sorted)}`);
}

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
    assert.equal(spans.length, 4);
    assertNoOverlap(spans);
  });

  it('names its holder while held, nobody after; the file is root-only and stays outside the lab directory', async () => {
    const dir = `${root}/named`;
    mkdirSync(dir);
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
    mkdirSync(dir);
    const self = fileURLToPath(new URL('./lab-lock.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        '-e',
        `import(${JSON.stringify(self)}).then((m) => m.withLock(${JSON.stringify(dir)}, () => new Promise(() => setInterval(() => {}, 1000))))`,
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise((r) => child.once('exit', r));
    const deadline = Date.now() + HANG;
    while (lockHolder(dir) !== child.pid && Date.now() < deadline) await sleep(50);
    assert.equal(lockHolder(dir), child.pid, 'the child holds the lock');
    // Held: a second taker gives up with "busy" and the holder's pid.
    await assert.rejects(
      withLock(dir, async () => {}, 1000),
      (e: Error) => e.message.includes(`process ${child.pid}`) && e.message.includes('busy'),
    );
    child.kill('SIGKILL');
    await exited;
    // Retaken at all: the wait is a bound that only a lock nobody releases reaches.
    let retaken = false;
    await withLock(
      dir,
      async () => {
        retaken = lockHolder(dir) === process.pid;
      },
      HANG,
    );
    assert.ok(retaken);
  });
});

describe('lab lock file (removed with its lab, without a race)', { skip }, () => {
  it('is removed when the holder leaves no lab directory, kept (empty) while the lab exists', async () => {
    const gone = `${root}/gone`;
    await withLock(gone, async () => assert.ok(existsSync(lockPath(gone))));
    assert.equal(existsSync(lockPath(gone)), false);
    const kept = `${root}/kept`;
    mkdirSync(kept);
    await withLock(kept, async () => {});
    assert.equal(statSync(lockPath(kept)).size, 0);
    await withLock(kept, async () => rmSync(kept, { recursive: true }));
    assert.equal(existsSync(lockPath(kept)), false, 'a down (the directory removed under the lock) removes it');
  });

  it('a waiter blocked on a removed lock file starts again on the new one: never two holders', async () => {
    // A holds the lab and removes it (down); B waits meanwhile, blocked on A's file; C comes
    // just after A, finds no file and makes a new one. Were B to keep the lock of A's removed
    // file, B and C would both be inside at once.
    const dir = `${root}/race`;
    mkdirSync(dir);
    const spans: [number, number][] = [];
    const inside = async (fn?: () => void) => {
      const start = performance.now();
      fn?.();
      await sleep(300);
      spans.push([start, performance.now()]);
    };
    let c: Promise<void> | undefined;
    let b: Promise<void> | undefined;
    await withLock(dir, async () => {
      const start = performance.now();
      b = withLock(dir, () => inside(), HANG);
      // B's flock is waiting on this file (it opened it before A removes it).
      await sleep(500);
      rmSync(dir, { recursive: true });
      spans.push([start, performance.now()]);
      setTimeout(() => {
        c = withLock(dir, () => inside(() => mkdirSync(dir, { recursive: true })), HANG);
      }, 5);
    });
    await b;
    while (c === undefined) await sleep(10);
    await c;
    assert.equal(spans.length, 3);
    assertNoOverlap(spans);
  });
});
