import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateCluster, genOptionsForPods, renderGenerated } from '@netpol/core/gen';
import { capturingIo } from '../test-helpers.js';
import { browserSkip, useBrowser, watchErrors } from './browser-test-helpers.js';
import { type RunningServer, startServer } from './serve.js';

/**
 * The web UI on a cluster large enough for its performance paths (#15): the policy list drawn
 * windowed, edits in the share link as patches of the input.
 */
describe('the web UI on a large cluster', { skip: browserSkip }, () => {
  const { browser } = useBrowser();
  let dir: string;
  let server: RunningServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-web-large-'));
    // 2,000 pods: 400 workloads and 400 policies, in one 600 KB file.
    const file = join(dir, 'cluster.yaml');
    writeFileSync(file, renderGenerated(generateCluster(genOptionsForPods(2000, { seed: 7 })), 'yaml'));
    server = await startServer({ file: [file], namespace: 'default' }, capturingIo(dir).io);
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the policy list draws the rows in sight; filtering and unticking still reach every policy', async () => {
    const page = await browser().newPage({ viewport: { width: 1300, height: 900 } });
    const errors = watchErrors(page);
    try {
      await page.goto(`${server.url}#view=policies`);
      const rows = page.locator('.policies-view tbody tr:not(.spacer)');
      await rows.first().waitFor({ timeout: 60_000 });
      const facts = (await page.locator('.facts').textContent()) ?? '';
      const total = Number(facts.match(/(\d+) policies/)?.[1]);
      assert.ok(total > 300, `the cluster has ${total} policies`);
      const drawn = await rows.count();
      assert.ok(drawn < 60, `${drawn} of ${total} rows drawn`);
      // The last policy is reachable by scrolling and through the filter; unticking it is a what-if.
      await page.getByLabel('Filter policies').fill('-999-no-such');
      await page.getByText(`0 of ${total}`).waitFor();
      await page.getByLabel('Filter policies').fill('');
      await page.locator('.policies-window').evaluate((e) => e.scrollTo(0, e.scrollHeight));
      const box = page.locator('.policies-view input[type=checkbox]').last();
      const id = ((await box.getAttribute('aria-label')) ?? '').replace(/^enabled: /, '');
      assert.ok(id.includes('/'), `the last row is a policy (${id})`);
      await page.getByLabel('Filter policies').fill(id);
      assert.equal(await rows.count(), 1);
      await page.getByRole('checkbox', { name: `enabled: ${id}` }).uncheck();
      await page.locator('.facts').getByText('1 policy off').waitFor();
      assert.ok(decodeURIComponent(page.url()).includes(id), 'the toggle is in the share link');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('an edit of a large file goes into the share link as a patch, and the link reproduces it', async () => {
    // bypassCSP: waitForFunction evaluates a string in the page (serve's CSP forbids eval).
    const page = await browser().newPage({ viewport: { width: 1300, height: 900 }, bypassCSP: true });
    const errors = watchErrors(page);
    try {
      await page.goto(`${server.url}#view=editor`);
      await page.locator('.cm-content').waitFor({ timeout: 60_000 });
      await page.locator('.cm-line').first().click();
      await page.keyboard.press('End');
      // One input event: edits go to the worker as they are typed, so a typed text would put
      // its first letters in the link before the rest (the link would hold a partial edit).
      await page.keyboard.insertText(' # reviewed');
      await page.waitForFunction(`location.hash.includes('edits=')`, undefined, { timeout: 60_000 });
      const link = page.url();
      assert.ok(link.length < 600, `the link is ${link.length} characters (the file is 600 KB)`);
      const again = await browser().newPage();
      try {
        await again.goto(link);
        await again.locator('.facts').getByText('unsaved edits').waitFor({ timeout: 60_000 });
        await again.locator('.cm-content').getByText('# reviewed').waitFor({ timeout: 60_000 });
      } finally {
        await again.close();
      }
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
