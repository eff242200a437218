import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { cliSandbox } from '../test-helpers.js';
import { artifactPath, browserSkip, useBrowser, watchErrors } from './browser-test-helpers.js';
import { renderReport } from './report.js';

const { dir, netpol } = cliSandbox('netpol-report-');
const example = join(import.meta.dirname, '..', '..', '..', '..', 'examples', '002-ex6-or-selector-trap');

describe('netpol report', () => {
  test('one self-contained HTML file: no external script, style or fetch', async () => {
    const result = await netpol('report', '-f', example, '-o', 'report.html');
    assert.equal(result.code, 0, result.err);
    assert.match(result.err, /wrote report\.html/);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.doesNotMatch(html, /<script[^>]+src=/);
    assert.doesNotMatch(html, /<link[^>]+stylesheet/);
    assert.match(html, /<script id="netpol-input" type="application\/json">/);
    assert.match(html, /loose-api-ingress/);
  });

  test('-o is required; a missing input is exit 2', async () => {
    const missing = await netpol('report', '-f', example);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /-o FILE\.html is required/);
    const absent = await netpol('report', '-f', 'nope.yaml', '-o', 'x.html');
    assert.equal(absent.code, 2);
  });

  test('input the engine cannot use is exit 2 with its position, and no file is written', async () => {
    writeFileSync(join(dir, 'broken.yaml'), 'a: [\n');
    const result = await netpol('report', '-f', 'broken.yaml', '-o', 'broken.html');
    assert.equal(result.code, 2, result.err);
    assert.match(result.err, /^broken\.yaml:2:1: /m);
    assert.equal(existsSync(join(dir, 'broken.html')), false);
  });

  test('text that could close the inline script is escaped', () => {
    const html = renderReport(
      { indexHtml: '<body><link rel="stylesheet" href="./app.css"></body>', appJs: 'x="</script>"', appCss: 'a{}' },
      {
        mode: 'report',
        files: [{ name: 'a.yaml', text: '# </script><script>alert(1)</script>' }],
        namespace: 'default',
        canSave: false,
        version: 0,
      },
    );
    assert.equal(html.match(/<\/script>/g)?.length, 2);
    assert.match(html, /\\u003c\/script>\\u003cscript>alert/);
    assert.match(html, /x="<\\\/script>"/);
  });
});

describe('netpol report in a browser (file://)', { skip: browserSkip }, () => {
  const { browser } = useBrowser();

  test('works offline from file://: graph, matrix and the check panel', async () => {
    const result = await netpol('report', '-f', example, '-o', 'offline.html');
    assert.equal(result.code, 0, result.err);
    const context = await browser().newContext({ offline: true });
    const page = await context.newPage();
    const errors = watchErrors(page);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    try {
      await page.goto(pathToFileURL(join(dir, 'offline.html')).href);
      await page
        .getByTestId('graph-summary')
        .getByText(/workloads in 3 namespaces/)
        .waitFor();
      await page.getByLabel('From', { exact: true }).fill('bob/client');
      await page.getByLabel('To', { exact: true }).fill('backend-ns/secure-api[Deployment]');
      await page.getByLabel('Port', { exact: true }).fill('8443');
      await page.getByRole('button', { name: 'Check', exact: true }).click();
      const status = page.getByRole('status').first();
      await status.getByText(/^Denied/).waitFor();
      assert.match((await status.textContent()) ?? '', /isolated by backend-ns\/loose-api-ingress and no rule matches/);
      await page.screenshot({ path: artifactPath('report-file.png') });
      // The matrix's pod level and a selection come from the same worker, from file:// too.
      await page.evaluate(
        `location.hash = 'view=matrix&drill=' + encodeURIComponent('pods:alice|backend-ns') + '&sel=pod:alice/other'`,
      );
      await page.locator('#matrix-focus').getByText('alice/client → backend-ns/client: allowed').waitFor();
      await page
        .locator('section.selection')
        .getByText('backend-ns/loose-api-ingress spec.ingress[0]')
        .first()
        .waitFor();
      assert.deepEqual(
        requests.filter((u) => !u.startsWith('file:') && !u.startsWith('blob:') && !u.startsWith('data:')),
        [],
      );
      // Read-only: no Save in a report.
      await page.getByRole('button', { name: 'Editor' }).click();
      await page.getByText('read-only report').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Save', exact: true }).count(), 0);
      // Read-only for assistive tech too (a contenteditable textbox is announced as editable),
      // its lint marks shown, its text still selected and copied by keyboard.
      const text = page.getByRole('textbox', { name: /^YAML of / });
      await page.locator('.cm-lintRange-warning').first().waitFor();
      assert.deepEqual(
        await text.evaluate((e) => [e.getAttribute('contenteditable'), e.getAttribute('aria-readonly')]),
        ['false', 'true'],
      );
      assert.equal(await text.isEditable(), false);
      await text.focus();
      await page.keyboard.press('ControlOrMeta+a');
      assert.match(await page.evaluate(() => String(getSelection())), /kind: NetworkPolicy[\s\S]*podSelector/);
      // The Diff view does not send a report's reader to a serve flag the report never had.
      await page.getByRole('button', { name: 'Diff', exact: true }).click();
      await page.getByText(/^This report holds one version: netpol diff BASE HEAD -o md compares two/).waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});
