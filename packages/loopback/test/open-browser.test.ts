import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { authorize, type ClientSecrets } from '@installed-oauth/core';
import { consentAgentPath, runConsentAgent } from '@installed-oauth/sandbox';
import { describeWith, itWith, linux, signals, useSandbox } from '@installed-oauth/test-support';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { createLoopbackStrategy, isWsl, type LoopbackOptions } from '../src/index.js';
import { captureOutput, DRIVE_SCOPE, failure, sandboxSecrets } from './helpers.js';

const sandbox = useSandbox();
let clientSecrets: ClientSecrets;
beforeAll(() => {
  clientSecrets = sandboxSecrets(sandbox);
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return (await failure(promise)).code;
}

/** Writes `bytes` to the receiver as they are and returns everything it answers. */

describe('opening the browser', () => {
  it('puts the URL in place of %s in the BROWSER command', async () => {
    const out = captureOutput();
    const strategy = createLoopbackStrategy({
      output: out.output,
      env: { BROWSER: `"${process.execPath}" "${consentAgentPath}" %s --deny` },
    });
    expect(
      await codeOf(
        authorize({
          clientSecrets,
          scopes: [DRIVE_SCOPE],
          strategy,
          signal: AbortSignal.timeout(120_000),
        }),
      ),
    ).toBe('AUTHORIZATION_DENIED');
  });

  it('reports a BROWSER command that exits with an error, and keeps waiting', async () => {
    const out = captureOutput();
    // A command that starts and exits 1, on every platform.
    const strategy = createLoopbackStrategy({
      output: out.output,
      env: { BROWSER: `"${process.execPath}" -e "process.exit(1)"` },
    });
    const result = authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy });
    await out.waitFor(/Could not open a browser/);
    expect(out.text()).toContain(
      `Could not open a browser (BROWSER command "${process.execPath}" exited with code 1). Open the URL above`,
    );
    const link = /authorize this application: (\S+)/.exec(out.text())?.[1] ?? '';
    await runConsentAgent(link);
    expect((await result).accessToken).toBeTruthy();
  });

  /** What the strategy prints when the browser cannot be opened; the sign-in is then cancelled. */
  async function browserWarning(options: LoopbackOptions): Promise<string> {
    const out = captureOutput();
    const controller = new AbortController();
    const result = authorize({
      clientSecrets,
      scopes: [DRIVE_SCOPE],
      strategy: createLoopbackStrategy({ output: out.output, ...options }),
      signal: controller.signal,
    });
    await out.waitFor(/Could not open a browser/);
    controller.abort();
    expect(await codeOf(result)).toBe('AUTHORIZATION_CANCELLED');
    return out.text();
  }

  itWith(signals)('reports a BROWSER command killed by a signal, and an empty one', async () => {
    expect(await browserWarning({ env: { BROWSER: `sh -c 'kill -TERM $$'` } })).toContain(
      'Could not open a browser (BROWSER command "sh" was stopped by SIGTERM). Open the URL above',
    );
    expect(await browserWarning({ env: { BROWSER: '""' } })).toContain(
      'Could not open a browser (BROWSER is empty). Open the URL above',
    );
  });

  it('reports an openBrowser function that throws something other than an Error', async () => {
    const thrower = () => {
      throw 'no browser here';
    };
    expect(await browserWarning({ openBrowser: thrower })).toContain(
      'Could not open a browser (no browser here).',
    );
  });

  it('reports an openBrowser function that throws, and keeps waiting', async () => {
    const out = captureOutput();
    let link = '';
    const strategy = createLoopbackStrategy({
      output: out.output,
      openBrowser: (url) => {
        link = url;
        throw new Error('no browser in this container');
      },
    });
    const result = authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy });
    await out.waitFor(/Could not open a browser/);
    expect(out.text()).toMatch(/Could not open a browser \(no browser in this container\)/);
    await runConsentAgent(link);
    expect((await result).accessToken).toBeTruthy();
  });
});

describeWith(linux('WSL is Linux under Windows; wslview played by a #!/bin/sh script'))(
  'under WSL',
  () => {
    it('opens the Windows browser with wslview, though Linux has no display there', async () => {
      // wslview is played by the consent agent, which follows the link as a browser would.
      const bin = await mkdtemp(join(tmpdir(), 'loopback-wsl-'));
      await writeFile(
        join(bin, 'wslview'),
        `#!/bin/sh\nexec '${process.execPath}' '${consentAgentPath}' "$1" --deny\n`,
        { mode: 0o755 },
      );
      try {
        const out = captureOutput();
        const strategy = createLoopbackStrategy({
          output: out.output,
          env: { WSL_DISTRO_NAME: 'Ubuntu', PATH: `${bin}${delimiter}${process.env.PATH}` },
        });
        const outcome = authorize({
          clientSecrets,
          scopes: [DRIVE_SCOPE],
          strategy,
          signal: AbortSignal.timeout(120_000),
        });
        expect(await codeOf(outcome)).toBe('AUTHORIZATION_DENIED');
        expect(out.text()).not.toContain('Could not open a browser');
      } finally {
        await rm(bin, { recursive: true, force: true });
      }
    });
  },
);

describe('isWsl: Linux under Windows, where the browser is a Windows program', () => {
  it("knows WSL by its variables, or by the kernel's release when they were dropped", () => {
    expect(isWsl({ WSL_DISTRO_NAME: 'Ubuntu' }, 'linux', '6.8.0-49-generic')).toBe(true);
    expect(isWsl({ WSL_INTEROP: '/run/WSL/8_interop' }, 'linux', '6.8.0-49-generic')).toBe(true);
    // WSL 2 and WSL 1 kernels, as `uname -r` prints them there (sudo drops WSL_DISTRO_NAME).
    expect(isWsl({}, 'linux', '5.15.167.4-microsoft-standard-WSL2')).toBe(true);
    expect(isWsl({}, 'linux', '4.4.0-19041-Microsoft')).toBe(true);
  });

  it('is not WSL on an ordinary Linux, nor on Windows or macOS themselves', () => {
    expect(isWsl({}, 'linux', '6.8.0-49-generic')).toBe(false);
    expect(isWsl({ WSL_DISTRO_NAME: 'Ubuntu' }, 'win32', '10.0.22631')).toBe(false);
    expect(isWsl({}, 'darwin', '24.1.0')).toBe(false);
  });
});
