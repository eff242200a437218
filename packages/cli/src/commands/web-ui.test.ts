import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { capturingIo, runCli } from '../test-helpers.js';
import { artifactPath, browserSkip, useBrowser, watchErrors } from './browser-test-helpers.js';
import { type RunningServer, startServer } from './serve.js';

/** The browser scenarios (#15): what-if edits, quick fixes, share links, exports, keyboard, axe. */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const OR_TRAP = 'examples/002-ex6-or-selector-trap';
const DENY_ALL = 'examples/002-ex1-default-deny-all';

async function serve(files: string[]): Promise<RunningServer> {
  const { io } = capturingIo(root);
  return startServer({ file: files, namespace: 'default' }, io);
}

async function withPage(
  files: string[],
  body: (page: Page, server: RunningServer) => Promise<void>,
  options: { colorScheme?: 'light' | 'dark'; bypassCSP?: boolean } = {},
): Promise<void> {
  const server = await serve(files);
  const context = await browser().newContext({ acceptDownloads: true, ...options });
  const page = await context.newPage();
  const errors = watchErrors(page);
  try {
    await body(page, server);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await server.close();
  }
}

async function status(page: Page, start: 'Allowed' | 'Denied'): Promise<string> {
  const box = page.getByRole('status').first();
  await box.getByText(new RegExp(`^${start}`)).waitFor();
  return (await box.textContent()) ?? '';
}

/** Asks, and waits for this question's answer: the box shows the last one's until it comes. */
async function ask(page: Page, from: string, to: string, port: string): Promise<void> {
  await page.getByLabel('From', { exact: true }).fill(from);
  await page.getByLabel('To', { exact: true }).fill(to);
  await page.getByLabel('Port', { exact: true }).fill(port);
  await page.getByRole('button', { name: 'Check', exact: true }).click();
  await page.locator(`.verdict-box[data-question="${from}|${to}|${port}"]`).waitFor();
}

let browser: () => import('playwright-core').Browser;

/** What a matrix export button saves; its accessible name says what that is. */
async function exported(page: Page, label: string): Promise<string> {
  const name = `${label}: the whole matrix, every port, with the unsaved edits and toggles`;
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  return readFileSync((await download.path()) as string, 'utf8');
}

/** Backend's ingress policy has a rule matching no pod and one on a named port it lacks. */
const SELECTION_YAML = `apiVersion: v1
kind: Namespace
metadata: {name: web, labels: {access: frontend}}
---
apiVersion: v1
kind: Pod
metadata: {name: frontend, namespace: web, labels: {app: frontend}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata: {name: backend, namespace: shop, labels: {app: backend}}
spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend-in, namespace: shop}
spec:
  podSelector: {matchLabels: {app: backend}}
  policyTypes: [Ingress]
  ingress:
    - from: [{namespaceSelector: {matchLabels: {access: frontend}}, podSelector: {matchLabels: {app: frontend}}}]
      ports: [{port: 80}]
    - from: [{podSelector: {matchLabels: {app: nothing}}}]
    - from: [{podSelector: {}}]
      ports: [{port: metrics}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: frontend-out, namespace: web}
spec:
  podSelector: {matchLabels: {app: frontend}}
  policyTypes: [Egress]
  egress:
    - to: [{namespaceSelector: {}, podSelector: {matchLabels: {app: backend}}}]
      ports: [{port: http}]
`;

describe('the web UI in a browser', { skip: browserSkip }, () => {
  ({ browser } = useBrowser());

  test('OR trap: deleting the `-` flips the matrix cell and clears the lint warning at line 17; undo flips it back', async () => {
    const server = await serve([OR_TRAP]);
    const context = await browser().newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    try {
      const file = `${OR_TRAP}/loose-api-ingress.yaml`;
      const cell = 'alice/other → backend-ns/secure-api[Deployment]';
      await page.goto(`${server.url}#view=matrix&drill=alice%7Cbackend-ns`);
      // The keys go to the grid once the matrix answers the loaded input (a cold browser once
      // took them earlier, and the focus text never named the cell).
      await page.locator('.app[data-generation="1"][data-matrix-generation="1"]').waitFor();
      const grid = page.getByRole('grid', { name: /^Matrix/ });
      await grid.focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowRight');
      await page.locator('#matrix-focus').getByText(`${cell}: allowed`).waitFor();

      await page.getByRole('button', { name: 'Editor' }).click();
      // With no file chosen, the Editor opens the policy's file (not expect.yaml, first by name).
      assert.equal(await page.getByLabel('File').inputValue(), file);
      const warning = page.locator('.issues li', { hasText: 'namespace-pod-selector-or' });
      await warning.getByText(`${file}:17:7`).waitFor();
      await page.locator('.cm-lint-marker-warning').first().waitFor();
      await page.screenshot({ path: artifactPath('editor-or-trap.png') });
      await warning.getByRole('button', { name: "Delete the '-' (one peer: AND)" }).click();
      await warning.waitFor({ state: 'detached' });
      assert.match((await page.locator('.cm-line').allTextContents()).join('\n'), /user: alice\n\s+podSelector:/);

      await page.getByRole('button', { name: 'Matrix' }).click();
      await grid.focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowRight');
      await page.locator('#matrix-focus').getByText(`${cell}: denied, closed by the edit`).waitFor();
      await page.screenshot({ path: artifactPath('matrix-what-if.png') });
      // The Graph shows it too: the closed pair as a dashed edge marked −, counted in its legend.
      await page.getByRole('button', { name: 'Graph' }).click();
      await page
        .getByTestId('graph-summary')
        .getByText(/your edits open 0 \(thick, \+\) and close 2 \(dashed, −\)/)
        .waitFor();
      await page.locator('[data-drawn="true"]').waitFor();
      assert.deepEqual(
        await page.evaluate(`window.netpolGraph.edges('.closed').map((e) => [e.id(), e.data('label')])`),
        [
          ['alice/other->backend-ns/secure-api[Deployment]', '−'],
          ['backend-ns/client->backend-ns/secure-api[Deployment]', '−'],
        ],
      );
      await page.screenshot({ path: artifactPath('graph-what-if.png') });
      // A click on the closed arrow asks the check panel why it is closed now.
      await page.evaluate(`window.netpolGraph.edges('.closed')[0].emit('tap')`);
      assert.match(
        await status(page, 'Denied'),
        /^Denied ✖: alice\/other -> backend-ns\/secure-api\[Deployment\] on 8443\/TCP/,
      );

      // Undo in the editor puts the `-` back: the cell opens again, the warning returns.
      await page.getByRole('button', { name: 'Editor' }).click();
      await page.locator('.cm-content').click();
      await page.keyboard.press('Control+z');
      await warning.getByText(`${file}:17:7`).waitFor();
      await page.getByRole('button', { name: 'Matrix' }).click();
      await grid.focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowRight');
      await page.locator('#matrix-focus').getByText(`${cell}: allowed`).waitFor();
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await server.close();
    }
  });

  test('DNS quick fix turns DENY into ALLOW on 53/UDP and 53/TCP', async () => {
    await withPage([DENY_ALL], async (page, server) => {
      await page.goto(server.url);
      await ask(page, 'secure-namespace/client', 'kube-system/coredns[Deployment]', '53/UDP');
      assert.match(await status(page, 'Denied'), /isolated by secure-namespace\/default-deny-all and no rule matches/);
      // A denial cites no rule: the policy it names is a link to it (its rules, their lines).
      await page.getByRole('status').first().getByRole('link', { name: 'secure-namespace/default-deny-all' }).click();
      const selection = page.locator('section.selection');
      await selection.getByText('Selection: secure-namespace/default-deny-all', { exact: true }).waitFor();
      await selection.getByText(/^Selects every pod in namespace secure-namespace/).waitFor();
      await page.getByRole('button', { name: 'Editor' }).click();
      await page.getByLabel('File').selectOption(`${DENY_ALL}/default-deny-all.yaml`);
      await page.getByRole('button', { name: 'Allow DNS (UDP and TCP 53)' }).click();
      assert.match(await status(page, 'Allowed'), /allowed by secure-namespace\/default-deny-all spec\.egress\[0\]/);
      await ask(page, 'secure-namespace/client', 'kube-system/coredns[Deployment]', '53/TCP');
      await status(page, 'Allowed');
      // Nothing is written until Save.
      assert.doesNotMatch(readFileSync(join(root, DENY_ALL, 'default-deny-all.yaml'), 'utf8'), /53/);
      // The unsaved edit is in the fragment: a share link opens with it.
      await page.waitForFunction(`location.hash.includes('edits=')`);
      const fresh = await browser().newContext();
      try {
        const again = await fresh.newPage();
        await again.goto(page.url());
        assert.match(await status(again, 'Allowed'), /allowed by secure-namespace\/default-deny-all spec\.egress\[0\]/);
        await again.locator('.facts').getByText('unsaved edits').waitFor();
      } finally {
        await fresh.close();
      }
      // Revert all: the editor shows the file as it is again, and the verdict is the file's.
      await page.getByRole('button', { name: 'Editor' }).click();
      await page.getByRole('button', { name: 'Revert all' }).click();
      const original = readFileSync(join(root, DENY_ALL, 'default-deny-all.yaml'), 'utf8');
      await page.waitForFunction(
        (text) => [...document.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\n') === text,
        original,
      );
      await ask(page, 'secure-namespace/client', 'kube-system/coredns[Deployment]', '53/UDP');
      await status(page, 'Denied');
    });
  });

  test('with no port in the URL the page shows the port the policies name most, not DNS 53', async () => {
    await withPage(['examples/001-frontend-backend'], async (page, server) => {
      await page.goto(server.url);
      const shown = page.getByLabel('Show connections on');
      await page
        .getByTestId('graph-summary')
        .getByText(/allowed connections? on 80\/TCP/)
        .waitFor();
      assert.equal(await shown.inputValue(), '80/TCP');
      // 53/TCP comes first in the list (core's order, as `netpol matrix` prints).
      assert.equal(await shown.locator('option').first().textContent(), '53/TCP');
    });
  });

  test('a share link reproduces the view, the toggles and the question in a fresh context', async () => {
    const server = await serve([OR_TRAP]);
    try {
      const first = await browser().newContext();
      const page = await first.newPage();
      await page.goto(server.url);
      await page.getByRole('button', { name: 'Policies' }).click();
      await page.getByRole('checkbox', { name: 'enabled: backend-ns/loose-api-ingress' }).uncheck();
      await ask(page, 'bob/client', 'backend-ns/secure-api[Deployment]', '8443');
      const before = await status(page, 'Allowed');
      assert.match(before, /not isolated/);
      const link = page.url();
      // Where the clipboard is refused, the button shows the link to copy by hand.
      await page.evaluate(
        `Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('refused')) } })`,
      );
      await page.getByRole('button', { name: 'Share link' }).click();
      assert.equal(await page.getByLabel('Share link (copy it)').inputValue(), link);
      await first.close();

      const fresh = await browser().newContext();
      const again = await fresh.newPage();
      await again.goto(link);
      assert.equal(await status(again, 'Allowed'), before);
      assert.equal(
        await again.getByRole('checkbox', { name: 'enabled: backend-ns/loose-api-ingress' }).isChecked(),
        false,
      );
      await again.screenshot({ path: artifactPath('share-link.png') });
      await fresh.close();
    } finally {
      await server.close();
    }
  });

  test('matrix exports equal netpol matrix -o csv|md|json', async () => {
    await withPage([OR_TRAP], async (page, server) => {
      await page.goto(`${server.url}#view=matrix`);
      for (const [button, format] of [
        ['Save CSV', 'csv'],
        ['Save Markdown', 'md'],
        ['Save JSON', 'json'],
      ] as const) {
        const saved = await exported(page, button);
        const cli = await runCli(['matrix', '-f', OR_TRAP, '-o', format], { cwd: root });
        assert.equal(saved, cli.stdout, format);
      }
    });
  });

  test('matrix exports say what they save: every port, unsaved edits included, as netpol matrix on the edited files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-serve-export-'));
    cpSync(join(root, OR_TRAP), dir, { recursive: true });
    const { io } = capturingIo(dir);
    const server = await startServer({ file: ['.'], namespace: 'default' }, io);
    const context = await browser().newContext({ acceptDownloads: true });
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}#view=editor&file=loose-api-ingress.yaml`);
      const warning = page.locator('.issues li', { hasText: 'namespace-pod-selector-or' });
      await warning.getByRole('button', { name: "Delete the '-' (one peer: AND)" }).click();
      await page.getByText('unsaved edits').waitFor();
      await page.getByRole('button', { name: 'Matrix', exact: true }).click();
      const before = await runCli(['matrix', '-f', '.', '-o', 'csv'], { cwd: dir });
      const unsaved = await exported(page, 'Save CSV');
      assert.notEqual(unsaved, before.stdout, 'the edit changes a verdict');
      await page.getByRole('button', { name: 'Editor', exact: true }).click();
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Saved.').waitFor();
      const after = await runCli(['matrix', '-f', '.', '-o', 'csv'], { cwd: dir });
      assert.equal(unsaved, after.stdout);
    } finally {
      await context.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('keyboard only: Tab to From, type, Tab, type, Tab, type, Enter', async () => {
    await withPage([OR_TRAP], async (page, server) => {
      await page.goto(server.url);
      await page.getByRole('button', { name: 'Check', exact: true }).waitFor();
      // Check with the fields empty says so at the first one (it did nothing at all).
      await page.getByRole('button', { name: 'Check', exact: true }).click();
      assert.equal(await page.evaluate('document.activeElement?.getAttribute("name")'), 'from');
      assert.equal(
        await page.getByLabel('From', { exact: true }).evaluate((e) => (e as HTMLInputElement).validity.valueMissing),
        true,
      );
      await page.locator('body').focus();
      for (let i = 0; i < 80; i++) {
        if ((await page.evaluate('document.activeElement?.getAttribute("name")')) === 'from') break;
        await page.keyboard.press('Tab');
      }
      await page.keyboard.type('alice/other');
      await page.keyboard.press('Tab');
      await page.keyboard.type('backend-ns/secure-api[Deployment]');
      await page.keyboard.press('Tab');
      await page.keyboard.type('8443');
      await page.keyboard.press('Enter');
      const text = await status(page, 'Allowed');
      assert.match(text, /allowed by backend-ns\/loose-api-ingress spec\.ingress\[0\]/);
      // Verdicts not by colour alone: the word and a mark.
      assert.match(text, /^Allowed ✔/);
    });
  });

  test('Learn: the tutorial policies pass every goal; starting over fails some, with reasons', async () => {
    await withPage([OR_TRAP], async (page, server) => {
      await page.goto(`${server.url}#view=learn&lesson=001-frontend-backend`);
      await page
        .getByText('default/frontend[Deployment] → default/backend[Deployment] on 80: allowed')
        .first()
        .waitFor();
      await page.getByRole('button', { name: 'Verify my answer' }).click();
      const verification = page.getByRole('region', { name: 'Verification' });
      await verification.getByText(/^Not yet/).waitFor();
      assert.match(
        (await verification.textContent()) ?? '',
        /✖ default\/other-app → default\/backend\[Deployment\] on 80: wanted denied, got allowed/,
      );
      await page.getByRole('button', { name: "Show the tutorial's policies" }).click();
      await page.getByRole('button', { name: 'Verify my answer' }).click();
      await verification.getByText(/^Well done/).waitFor();
      await page.screenshot({ path: artifactPath('learn.png') });
      // The answer is in the share link: a fresh context (no session storage) verifies it too.
      await page.waitForFunction(() => location.hash.includes('answer='));
      const fresh = await browser().newContext();
      try {
        const again = await fresh.newPage();
        await again.goto(page.url());
        await again.getByRole('button', { name: 'Verify my answer' }).click();
        await again
          .getByRole('region', { name: 'Verification' })
          .getByText(/^Well done/)
          .waitFor();
      } finally {
        await fresh.close();
      }
    });
  });

  test('reloads when an input file changes on disk; Save writes the edited file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-serve-reload-'));
    cpSync(join(root, OR_TRAP), dir, { recursive: true });
    const { io } = capturingIo(dir);
    const server = await startServer({ file: ['.'], namespace: 'default' }, io);
    const context = await browser().newContext();
    const page = await context.newPage();
    try {
      await page.goto(server.url);
      await page.locator('.facts').getByText('1 policies').waitFor();
      const extra = readFileSync(join(root, 'examples/002-ex5-and-selector/strict-api-ingress.yaml'), 'utf8');
      writeFileSync(join(dir, 'more.yaml'), extra.replace(/name: \S+/, 'name: added-on-disk'));
      await page.locator('.facts').getByText('2 policies').waitFor();

      await page.getByRole('button', { name: 'Editor', exact: true }).click();
      await page.getByLabel('File').selectOption('loose-api-ingress.yaml');
      await page.screenshot({ path: artifactPath('editor-reloaded.png') });
      const warning = page.locator('.issues li', { hasText: 'namespace-pod-selector-or' });
      await warning.getByRole('button', { name: "Delete the '-' (one peer: AND)" }).click();
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Saved.').waitFor();
      assert.match(readFileSync(join(dir, 'loose-api-ingress.yaml'), 'utf8'), /user: alice\n {6}podSelector:/);
      // The reload of the saved file leaves it said; an edit after it does not stay "Saved.".
      await page.getByText('unsaved edits').waitFor({ state: 'detached' });
      assert.equal(await page.getByText('Saved.').count(), 1);
      await page.getByRole('textbox', { name: 'YAML of loose-api-ingress.yaml' }).click();
      await page.keyboard.press('ControlOrMeta+End');
      await page.keyboard.type('# more\n');
      await page.getByText('unsaved edits').waitFor();
      assert.equal(await page.getByText('Saved.').count(), 0);
    } finally {
      await context.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a file changed on disk: the open editor shows it; an edited one keeps its text, judged as shown, with a note', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-serve-clash-'));
    cpSync(join(root, OR_TRAP), dir, { recursive: true });
    const file = join(dir, 'loose-api-ingress.yaml');
    const original = readFileSync(file, 'utf8');
    const { io } = capturingIo(dir);
    const server = await startServer({ file: ['.'], namespace: 'default' }, io);
    const context = await browser().newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    const shown = () =>
      page.evaluate(() => [...document.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\n'));
    const warning = page.locator('.issues li', { hasText: 'namespace-pod-selector-or' });
    try {
      await page.goto(`${server.url}#view=editor&file=loose-api-ingress.yaml`);
      await warning.getByText('loose-api-ingress.yaml:17:7').waitFor();
      // Unedited here, changed on disk: the editor shows the new text, the finding at its new line.
      writeFileSync(file, `# moved down by a line\n${original}`);
      await warning.getByText('loose-api-ingress.yaml:18:7').waitFor();
      await page.waitForFunction(
        (text) => [...document.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\n') === text,
        `# moved down by a line\n${original}`,
      );
      // Edited here (a note at the end), then changed on disk at its top: the edited text stays,
      // whole (not the URL's patch applied at the old offsets), and the worker judges it.
      await page.locator('.cm-content').click();
      await page.keyboard.press('Control+End');
      await page.keyboard.insertText('# my unsaved note\n');
      await page.waitForFunction(() => location.hash.includes('edits='));
      const edited = await shown();
      writeFileSync(file, `# two lines\n# on disk\n${original}`);
      const note = page.getByRole('alert').filter({ hasText: 'Changed on disk while you had unsaved edits' });
      await note.getByText(/loose-api-ingress\.yaml\. Your edited text is kept/).waitFor();
      assert.equal(await shown(), edited);
      await page.locator('.facts').getByText('1 policies').waitFor();
      assert.equal(await page.locator('.facts .bad').count(), 0, 'no error: the worker judges the text shown');
      await warning.getByText('loose-api-ingress.yaml:18:7').waitFor();
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText('Saved.').waitFor();
      assert.equal(readFileSync(file, 'utf8'), edited);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('serve --base: the Diff view lists what the input opens against the base', async () => {
    const { io } = capturingIo(root);
    const server = await startServer(
      { file: [OR_TRAP], base: 'examples/002-ex5-and-selector', namespace: 'default' },
      io,
    );
    const context = await browser().newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${server.url}#view=diff`);
      await page
        .getByText(/^\+ alice\/other → backend-ns\/secure-api\[Deployment\] every TCP port$/)
        .first()
        .waitFor();
      await page.screenshot({ path: artifactPath('diff.png') });
      // The export is netpol diff's output, byte for byte (core's renderDiff for both).
      for (const [button, format] of [
        ['Save diff as Markdown', 'md'],
        ['Save diff as JSON', 'json'],
      ] as const) {
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('button', { name: button }).click(),
        ]);
        const saved = readFileSync((await download.path()) as string, 'utf8');
        const cli = await runCli(['diff', 'examples/002-ex5-and-selector', OR_TRAP, '-o', format], { cwd: root });
        assert.match(saved, format === 'md' ? /^### netpol diff: 2 connections opened, 0 closed/ : /"opened": \[\n/);
        assert.equal(saved, cli.stdout, format);
      }
      // Another engine's policy added in the editor: the what-if names it as netpol diff does.
      await page.getByRole('button', { name: 'Editor', exact: true }).click();
      await page.getByLabel('File').selectOption(`${OR_TRAP}/loose-api-ingress.yaml`);
      await page.locator('.cm-content').click();
      await page.keyboard.press('Control+End');
      await page.keyboard.insertText(
        '\n---\n{apiVersion: cilium.io/v2, kind: CiliumNetworkPolicy, metadata: {name: open, namespace: backend-ns}}\n',
      );
      await page.getByRole('button', { name: 'Diff', exact: true }).click();
      // The note under "Your edits (what-if)" (the base diff below names the policy too).
      const whatIf = page.locator(
        'xpath=//div[contains(@class, "unanalyzed")][preceding-sibling::h2[1][starts-with(., "Your edits")]]',
      );
      await whatIf.getByText('Not analyzed, yet different between the versions').waitFor();
      await whatIf
        .getByText(`added ${OR_TRAP}/loose-api-ingress.yaml: CiliumNetworkPolicy backend-ns/open`, { exact: true })
        .waitFor();
      // A typo that makes the file unreadable: its policy is left out, and the what-if says why
      // it reads "removed" (the user removed nothing).
      assert.equal(await page.locator('.edit-errors').count(), 0);
      await page.getByRole('button', { name: 'Editor', exact: true }).click();
      await page.locator('.cm-content').click();
      await page.keyboard.press('Control+End');
      await page.keyboard.insertText('  bogus: [\n');
      await page.getByRole('button', { name: 'Diff', exact: true }).click();
      await page
        .locator('.edit-errors')
        .getByText(new RegExp(`^Your edits leave \\d+ errors? \\(${OR_TRAP}/loose-api-ingress\\.yaml:\\d+`))
        .waitFor();
      assert.match(
        (await page.locator('.edit-errors').textContent()) ?? '',
        /the objects with errors are left out, so below they count as removed/,
      );
    } finally {
      await context.close();
      await server.close();
    }
  });

  test('Matrix drills namespaces → workloads → pods by keyboard; a workload cell and a pod cell open the check panel as netpol check says', async () => {
    const SEED = 'examples/001-frontend-backend';
    await withPage([SEED], async (page, server) => {
      await page.goto(`${server.url}#view=matrix&port=80%2FTCP`);
      const grid = page.getByRole('grid', { name: /^Matrix/ });
      const focus = page.locator('#matrix-focus');
      await focus.getByText(/^default → default: \d+ of \d+ pairs allowed/).waitFor();
      await grid.focus();
      await page.keyboard.press('Enter');
      await page.getByText('Workloads: default → default').waitFor();
      // Rows and columns sorted by name: backend, frontend, other-app.
      await page.keyboard.press('ArrowDown');
      await focus.getByText('default/frontend[Deployment] → default/backend[Deployment]: allowed').waitFor();
      await page.keyboard.press('Enter');
      await page.getByText('Pods: default/frontend[Deployment] → default/backend[Deployment]').waitFor();
      await status(page, 'Allowed');
      await focus.getByText('default/frontend-0 → default/backend-0: allowed').waitFor();
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowDown');
      await focus.getByText('default/frontend-1 → default/backend-1: allowed').waitFor();
      await page.screenshot({ path: artifactPath('matrix-pods.png') });
      await page.keyboard.press('Enter');
      await page
        .getByRole('status')
        .first()
        .getByText(/default\/frontend-1 -> default\/backend-1 on 80\/TCP/)
        .waitFor();
      const text = await status(page, 'Allowed');
      const cli = await runCli(
        ['check', '-f', SEED, '--from', 'default/frontend-1', '--to', 'default/backend-1', '--port', '80'],
        { cwd: root },
      );
      const [headline, ...reasons] = cli.stdout.trim().split('\n');
      assert.match(headline ?? '', /^ALLOWED: default\/frontend-1 -> default\/backend-1 on 80\/TCP$/);
      assert.ok(reasons.length > 0);
      for (const line of reasons) assert.ok(text.includes(line.trim()), `${line.trim()}\n  not in: ${text}`);
      // A pod's name selects it (the row names sit left of the cells: 220 px, rows 18 px below 140).
      await grid.click({ position: { x: 150, y: 140 + 18 + 9 } });
      await page.locator('section.selection').getByText('Selection: default/frontend-1', { exact: true }).waitFor();
      // Escape climbs back: pods → workloads → namespaces.
      await grid.focus();
      await page.keyboard.press('Escape');
      await page.getByText('Workloads: default → default').waitFor();
      await page.keyboard.press('Escape');
      await page.getByText('Namespaces', { exact: true }).waitFor();
    });
  });

  test('Policies: the admin tiers listed with tier and priority; one explained as netpol explain says; unticking its Deny flips the cell as netpol check without it says', async () => {
    const dir = 'examples/005-admin-guardrails';
    const files = ['dns.yaml', 'workloads.yaml', 'guardrails.yaml'].map((f) => `${dir}/${f}`);
    const question = ['--from', 'team-a/api', '--to', 'kube-system/metrics-server', '--port', '443'];
    const withIt = await runCli(['check', ...files.flatMap((f) => ['-f', f]), ...question], { cwd: root });
    const without = await runCli(['check', ...files.slice(0, 2).flatMap((f) => ['-f', f]), ...question], { cwd: root });
    assert.deepEqual([withIt.code, without.code], [1, 0]);
    const explain = await runCli(
      ['explain', ...files.flatMap((f) => ['-f', f]), '--policy', 'cnp/cluster-guardrails', '--color', 'never'],
      { cwd: root },
    );
    await withPage(
      files,
      async (page, server) => {
        const cell = 'team-a/api → kube-system/metrics-server';
        const grid = page.getByRole('grid', { name: /^Matrix/ });
        const focusCell = async () => {
          await grid.focus();
          await page.keyboard.press('ArrowRight');
        };
        await page.goto(`${server.url}#view=matrix&port=443%2FTCP&drill=team-a%7Ckube-system`);
        await focusCell();
        await page.locator('#matrix-focus').getByText(`${cell}: denied`, { exact: true }).waitFor();

        await page.getByRole('button', { name: 'Policies' }).click();
        const admin = page.locator('table.admin-policies');
        await admin.getByRole('button', { name: 'ClusterNetworkPolicy/cluster-guardrails' }).waitFor();
        assert.deepEqual(
          (await admin.locator('tbody tr').allTextContents()).map((t) => t.trim()),
          [`admin10ClusterNetworkPolicy/cluster-guardrails${dir}/guardrails.yaml`],
        );
        await admin.getByRole('button', { name: 'ClusterNetworkPolicy/cluster-guardrails' }).click();
        const panel = page.locator('section.selection');
        await panel.getByText('ClusterNetworkPolicy cluster-guardrails (priority 10)').waitFor();
        const shown = ((await panel.textContent()) ?? '').replace(/\s+/g, ' ');
        const lines = explain.stdout.split('\n').map((l) => l.trim());
        const expected = [
          ...lines.filter((l) => /^(spec\.|matches |ingress: |egress: )/.test(l)),
          ...lines.filter((l) => l.startsWith('subject ')).map((l) => l.slice('subject '.length)),
          'admin tier: before NetworkPolicies',
        ];
        assert.equal(expected.length, 8, explain.stdout);
        for (const line of expected) assert.ok(shown.includes(line), `${line}\n  not in: ${shown}`);
        await page.screenshot({ path: artifactPath('policies-admin.png') });
        // From a pod it selects (a link in the subject's pods) and back by the pod's admin tier list.
        await panel.getByRole('button', { name: 'team-a/api', exact: true }).click();
        await panel.getByText('Selection: team-a/api', { exact: true }).waitFor();
        await panel.getByRole('button', { name: 'ClusterNetworkPolicy cluster-guardrails (priority 10)' }).click();
        await panel.getByText('Selection: ClusterNetworkPolicy/cluster-guardrails', { exact: true }).waitFor();
        await panel.getByText(/^Subject every pod in namespaces/).waitFor();
        await page.evaluate(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
        const serious = (await page.evaluate(
          `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id))`,
        )) as string[];
        assert.deepEqual(serious, [], 'axe-core on the admin tiers and their selection');

        await admin.getByRole('checkbox', { name: 'enabled: ClusterNetworkPolicy/cluster-guardrails' }).uncheck();
        await page.getByText('1 policy off').waitFor();
        await page.getByRole('button', { name: 'Matrix' }).click();
        await focusCell();
        await page.locator('#matrix-focus').getByText(`${cell}: allowed, opened by the edit`).waitFor();
        // The share link carries the admin toggle (the URL's `off` list).
        const again = await page.context().newPage();
        await again.goto(page.url());
        await again.getByRole('grid', { name: /^Matrix/ }).focus();
        await again.keyboard.press('ArrowRight');
        await again.locator('#matrix-focus').getByText(`${cell}: allowed, opened by the edit`).waitFor();
        await again.close();
        // Ticked again: back to the input.
        await page.getByRole('button', { name: 'Policies' }).click();
        await admin.getByRole('checkbox', { name: 'enabled: ClusterNetworkPolicy/cluster-guardrails' }).check();
        await page.getByRole('button', { name: 'Matrix' }).click();
        await focusCell();
        await page.locator('#matrix-focus').getByText(`${cell}: denied`, { exact: true }).waitFor();
      },
      { bypassCSP: true },
    );
  });

  test('Selection: a pod lists only the rules that admit traffic to or from it, and the rules naming it; a policy its pods', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-selection-'));
    writeFileSync(join(dir, 'cluster.yaml'), SELECTION_YAML);
    const { io } = capturingIo(dir);
    const server = await startServer({ file: ['cluster.yaml'], namespace: 'default' }, io);
    const context = await browser().newContext();
    const page = await context.newPage();
    const errors = watchErrors(page);
    try {
      await page.goto(`${server.url}#sel=pod:shop/backend`);
      const panel = page.locator('section.selection');
      await panel.getByText('shop/backend-in spec.ingress[0] (cluster.yaml:27)', { exact: false }).waitFor();
      const text = (await panel.textContent()) ?? '';
      // ingress[1] matches no pod, ingress[2] names a port backend lacks: neither admits anything to it.
      assert.doesNotMatch(text, /spec\.ingress\[1\]|spec\.ingress\[2\]/);
      assert.match(text, /2 more rules of these policies admit nothing to it/);
      assert.match(
        text,
        /from pods app=frontend in namespaces access=frontend, on 80\/TCPmatches 1 pod: web\/frontend/,
      );
      assert.match(
        text,
        /web\/frontend-out spec\.egress\[0\] \(cluster\.yaml:\d+\): to pods app=backend in every namespace, on http\/TCP \(8080 on shop\/backend\)for 1 pod: web\/frontend/,
      );
      await page.screenshot({ path: artifactPath('selection-pod.png') });
      await panel.getByRole('button', { name: 'web/frontend-out' }).first().click();
      await panel.getByText('Selects pods app=frontend in namespace web: 1 pod: web/frontend').waitFor();
      await panel.getByRole('button', { name: 'web/frontend', exact: true }).click();
      // The heading exactly: 'Selection: web/frontend-out' (still shown until the pod's answer
      // arrives) contains it, and a busy machine once read the policy's panel here.
      await panel.getByText('Selection: web/frontend', { exact: true }).waitFor();
      assert.match(
        (await panel.textContent()) ?? '',
        /admit it into their pods \(their ingress\):shop\/backend-in spec\.ingress\[0\]/,
      );
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the system switching to dark mode while the page is open: the graph, the matrix and the editor follow', async () => {
    await withPage(['examples/001-frontend-backend'], async (page, server) => {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(`${server.url}#view=editor`);
      await page.locator('.cm-editor').waitFor();
      const editorBackground = () => page.locator('.cm-editor').evaluate((e) => getComputedStyle(e).backgroundColor);
      const light = await editorBackground();
      await page.getByRole('button', { name: 'Graph', exact: true }).click();
      await page.locator('.graph-canvas[data-drawn="true"][data-scheme="light"]').waitFor();
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.locator('.graph-canvas[data-drawn="true"][data-scheme="dark"]').waitFor();
      // Captions in the dark scheme's text colour (they were drawn dark on dark).
      const fg = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--fg').trim());
      assert.equal(fg, '#e8e8e8');
      assert.equal(
        await page.evaluate(`window.netpolGraph.nodes('[id="default/backend[Deployment]"]').style('color')`),
        'rgb(232,232,232)',
      );
      await page.getByRole('button', { name: 'Matrix', exact: true }).click();
      await page.locator('canvas[data-scheme="dark"]').waitFor();
      await page.emulateMedia({ colorScheme: 'light' });
      await page.locator('canvas[data-scheme="light"]').waitFor();
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.getByRole('button', { name: 'Editor', exact: true }).click();
      await page.waitForFunction((before) => {
        const editor = document.querySelector('.cm-editor');
        return editor !== null && getComputedStyle(editor).backgroundColor !== before;
      }, light);
      assert.equal(await editorBackground(), 'rgb(18, 20, 23)');
    });
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    test(`axe-core finds no serious or critical issue in any view (${colorScheme})`, async () => {
      const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
      await withPage(
        [OR_TRAP],
        async (page, server) => {
          // The Selection panel shows a pod, the Matrix its pod level: their markup is checked too.
          // The Editor shows the file with the OR trap's lint warning: the Problems list is checked too.
          const file = encodeURIComponent(`${OR_TRAP}/loose-api-ingress.yaml`);
          await page.goto(
            `${server.url}#sel=pod:alice/other&drill=${encodeURIComponent('pods:alice|backend-ns')}&file=${file}`,
          );
          await ask(page, 'alice/other', 'backend-ns/secure-api[Deployment]', '8443');
          await status(page, 'Allowed');
          await page
            .locator('section.selection')
            .getByText(/^Traffic to it/)
            .first()
            .waitFor();
          await page.evaluate(axe);
          for (const view of ['Graph', 'Matrix', 'Policies', 'Editor', 'Diff', 'Learn']) {
            await page.getByRole('button', { name: view, exact: true }).click();
            if (view === 'Editor') await page.locator('.issues li.warning .sev-warning').waitFor();
            await page.waitForTimeout(200);
            const result = (await page.evaluate(
              `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')))`,
            )) as string[];
            assert.deepEqual(result, [], `${view} (${colorScheme})`);
            await page.screenshot({ path: artifactPath(`view-${view.toLowerCase()}-${colorScheme}.png`) });
          }
        },
        { colorScheme, bypassCSP: true },
      );
    });
  }
});
