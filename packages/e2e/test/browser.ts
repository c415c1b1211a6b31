import { chromiumPath } from '@installed-oauth/test-support';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium (or CHROMIUM_PATH), headless; tests that need it are skipped without it. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const LOOPBACK = /^https?:\/\/(127\.\d+\.\d+\.\d+|\[::1\]|localhost)(:\d+)?\//;

export async function loopbackOnlyContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.route('**/*', (route) =>
    LOOPBACK.test(route.request().url()) ? route.continue() : route.abort('blockedbyclient'),
  );
  return context;
}
