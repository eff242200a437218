import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it); nothing is downloaded at run time. */
export const CHROMIUM = '/usr/bin/chromium';

export const browserSkip = existsSync(CHROMIUM)
  ? undefined
  : `browser tests need ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`;

/**
 * One headless chromium for a test file, no network services of its own (no QUIC, sync,
 * component updates or background requests). Playwright's launch gives it a fresh
 * --user-data-dir of its own (a temporary profile, removed on close; it refuses the flag).
 */
export function useBrowser(): { browser: () => Browser } {
  let browser: Browser | undefined;
  before(async () => {
    if (browserSkip) return;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  after(async () => {
    await browser?.close();
  });
  return {
    browser: () => {
      if (!browser) throw new Error('browser not launched');
      return browser;
    },
  };
}

/** Fail the test on any page error or console error (a broken UI must not pass quietly). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** Where screenshots go (test artifacts, not committed): $NETPOL_ARTIFACTS or the OS temp dir. */
export function artifactPath(name: string): string {
  const dir = process.env.NETPOL_ARTIFACTS ?? join(tmpdir(), 'netpol-web-artifacts');
  return join(dir, name);
}
