import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accountIdOf } from '@installed-oauth/sandbox';
import {
  baseEnvironment,
  chromium,
  guardChild,
  itWith,
  useSandbox,
} from '@installed-oauth/test-support';
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, loopbackOnlyContext } from './browser.js';

const cli = fileURLToPath(import.meta.resolve('@installed-oauth/drive-cli/package.json')).replace(
  /package\.json$/,
  'dist/bin/drive-cli.js',
);
const artifacts = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

const sandbox = useSandbox();
/** Where drive-cli keeps the sandbox user's credentials in `configDir`. */
const accountFile = (configDir: string) =>
  join(configDir, 'accounts', `${accountIdOf(sandbox.accountEmail)}.json`);
const it = itWith(chromium);
let browser: Browser;
beforeAll(async () => {
  if (chromium.missing) return;
  browser = await launchBrowser();
  await mkdir(artifacts, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

interface Cli {
  child: ChildProcess;
  link: Promise<string>;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** drive-cli with a BROWSER that does nothing: the test's Chromium opens the printed link. */
async function startCli(args: string[], pattern: RegExp): Promise<Cli & { configDir: string }> {
  const configDir = join(await mkdtemp(join(tmpdir(), 'e2e-')), 'config');
  const child = spawn(process.execPath, [cli, ...args], {
    env: {
      ...baseEnvironment(),
      TZ: 'UTC',
      DRIVE_CLI_CLIENT_SECRETS: sandbox.clientSecretsPath,
      DRIVE_CLI_CONFIG_DIR: configDir,
      DRIVE_CLI_API_ROOT: sandbox.driveApiRoot,
      DRIVE_CLI_SANDBOX: '1',
      BROWSER: 'true',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let announce!: (url: string) => void;
  const link = new Promise<string>((resolve) => {
    announce = resolve;
  });
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
    const match = stderr.match(pattern);
    if (match?.[1]) announce(match[1]);
  });
  guardChild(child);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.once('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
  return { child, link, done, configDir };
}

async function signInAndDecide(page: Page, decision: 'Allow' | 'Cancel'): Promise<void> {
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: decision }).click();
}

describe('drive-cli with a real browser (headless Chromium)', () => {
  it('loopback: the browser signs in, is redirected to the receiver, and lands on a page without the code', async () => {
    const run = await startCli(['ls'], /authorize this application: (\S+)/);
    const context = await loopbackOnlyContext(browser);
    const page = await context.newPage();
    try {
      await page.goto(await run.link);
      await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
      const landing = page.waitForResponse((response) =>
        response.url().includes('/installed-oauth/done'),
      );
      await signInAndDecide(page, 'Allow');
      const response = await landing;
      await page.waitForLoadState();
      expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/installed-oauth\/done$/);
      expect(page.url()).not.toContain('code=');
      expect(await page.textContent('h1')).toBe('Signed in');
      const headers = response.headers();
      expect(headers['content-security-policy']).toBe("default-src 'none'");
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBe('no-referrer');
      expect(headers['cache-control']).toBe('no-store');
      await page.screenshot({ path: join(artifacts, 'loopback-success-page.png') });
    } finally {
      await context.close();
    }
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(5);
    expect(existsSync(accountFile(run.configDir))).toBe(true);
    expect(existsSync(join(artifacts, 'loopback-success-page.png'))).toBe(true);
  });

  it('console: the browser lands on an address nothing answers; the test pastes it into drive-cli', async () => {
    const run = await startCli(['login', '--redirect', 'console'], /^ {2}(http:\S+)$/m);
    const context = await loopbackOnlyContext(browser);
    const page = await context.newPage();
    let landed: string;
    let failure: string | undefined;
    try {
      await page.goto(await run.link);
      const redirected = page.waitForRequest((request) =>
        request.url().startsWith('http://127.0.0.1:8/'),
      );
      const failed = page.waitForEvent('requestfailed', (request) =>
        request.url().startsWith('http://127.0.0.1:8/'),
      );
      await signInAndDecide(page, 'Allow');
      landed = (await redirected).url();
      failure = (await failed).failure()?.errorText;
    } finally {
      await context.close();
    }
    // Refused, not blocked: port 8 is not on Chromium's list of unsafe ports.
    expect(failure).toBe('net::ERR_CONNECTION_REFUSED');
    run.child.stdin?.write(`${landed}\n`);
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Signed in as sandbox\.user@example\.com/);
  });

  it('denied consent: the browser shows the failure page and drive-cli exits 4', async () => {
    const run = await startCli(['ls'], /authorize this application: (\S+)/);
    const context = await loopbackOnlyContext(browser);
    const page = await context.newPage();
    try {
      await page.goto(await run.link);
      const landing = page.waitForResponse((response) =>
        response.url().includes('/installed-oauth/done'),
      );
      await signInAndDecide(page, 'Cancel');
      await landing;
      await page.waitForLoadState();
      expect(await page.textContent('h1')).toBe('Sign-in failed');
      expect(await page.textContent('body')).toContain('access_denied');
    } finally {
      await context.close();
    }
    const result = await run.done;
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/Access was denied/);
    expect(existsSync(accountFile(run.configDir))).toBe(false);
  });
});
