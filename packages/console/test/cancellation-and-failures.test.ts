import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { authorize, type ClientSecrets, type RedirectStrategy } from '@installed-oauth/core';
import { createLoopbackStrategy } from '@installed-oauth/loopback';
import { useSandbox } from '@installed-oauth/test-support';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { createConsoleStrategy, withPastePrompt } from '../src/index.js';
import { DRIVE_SCOPE, failure, sandboxSecrets, terminal } from './helpers.js';

const sandbox = useSandbox();
let clientSecrets: ClientSecrets;
beforeAll(() => {
  clientSecrets = sandboxSecrets(sandbox);
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const { code, message } = await failure(promise);
  return `${code}: ${message}`;
}

describe('console strategy edges', () => {
  it('ends at once when the sign-in is already cancelled', async () => {
    const term = terminal();
    const strategy = createConsoleStrategy({ input: term.input, output: term.output });
    expect(
      await codeOf(
        authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy, signal: AbortSignal.abort() }),
      ),
    ).toMatch(/^AUTHORIZATION_CANCELLED/);
    expect(term.input.listenerCount('data')).toBe(0);
  });

  it('reports a failing input stream as STRATEGY_FAILED', async () => {
    const term = terminal();
    const strategy = createConsoleStrategy({ input: term.input, output: term.output });
    const result = authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy });
    await term.waitFor(/Paste the address: /);
    term.input.destroy(new Error('EIO: terminal went away'));
    expect(await codeOf(result)).toBe(
      'STRATEGY_FAILED: Could not read the pasted address: EIO: terminal went away.',
    );
  });
});

describe('withPastePrompt edges', () => {
  it('ends at once when the sign-in is already cancelled', async () => {
    const term = terminal();
    const strategy = withPastePrompt(
      createLoopbackStrategy({ openBrowser: false, output: term.output }),
      {
        input: term.input,
        output: term.output,
      },
    );
    expect(
      await codeOf(
        authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy, signal: AbortSignal.abort() }),
      ),
    ).toMatch(/^AUTHORIZATION_CANCELLED/);
    expect(term.text()).toBe('');
  });

  it('refuses something that is not a strategy', () => {
    expect(() => withPastePrompt({} as RedirectStrategy)).toThrow(/needs a redirect strategy/);
  });

  it("fails with the receiver's error (a taken port) and closes the prompt", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    const input = new PassThrough();
    try {
      const strategy = withPastePrompt(
        createLoopbackStrategy({ port, openBrowser: false, output: new PassThrough() }),
        {
          input,
          output: new PassThrough(),
        },
      );
      expect(await codeOf(authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy }))).toMatch(
        new RegExp(`^STRATEGY_FAILED: .*port ${port} on 127\\.0\\.0\\.1 is already in use`),
      );
      expect(input.listenerCount('data')).toBe(0);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("ends both sides on the caller's deadline, and on its cancel", async () => {
    const term = terminal();
    const slow = withPastePrompt(
      createLoopbackStrategy({ openBrowser: false, output: term.output }),
      { input: term.input, output: term.output },
    );
    expect(
      await codeOf(
        authorize({
          clientSecrets,
          scopes: [DRIVE_SCOPE],
          strategy: slow,
          signal: AbortSignal.timeout(200),
        }),
      ),
    ).toMatch(/^AUTHORIZATION_TIMED_OUT/);
    expect(term.input.listenerCount('data')).toBe(0);

    const other = terminal();
    const controller = new AbortController();
    const strategy = withPastePrompt(
      createLoopbackStrategy({ openBrowser: false, output: other.output }),
      {
        input: other.input,
        output: other.output,
      },
    );
    const result = authorize({
      clientSecrets,
      scopes: [DRIVE_SCOPE],
      strategy,
      signal: controller.signal,
    });
    await other.waitFor(/paste it here/);
    controller.abort();
    expect(await codeOf(result)).toMatch(/^AUTHORIZATION_CANCELLED/);
    expect(other.input.listenerCount('data')).toBe(0);
  });
});
