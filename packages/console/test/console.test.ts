import { PassThrough } from 'node:stream';
import { authorize, type ClientSecrets, type RedirectStrategy } from '@installed-oauth/core';
import { runConformanceChecks } from '@installed-oauth/core/testing';
import { runConsentAgent } from '@installed-oauth/sandbox';
import { useSandbox } from '@installed-oauth/test-support';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { type ConsoleOptions, createConsoleStrategy } from '../src/index.js';
import { DRIVE_SCOPE, failure, LINK, sandboxSecrets, terminal } from './helpers.js';

const sandbox = useSandbox();
let clientSecrets: ClientSecrets;
beforeAll(() => {
  clientSecrets = sandboxSecrets(sandbox);
});

/** Starts a console sign-in; the test plays the user: reads the link, pastes lines. */
function start(options: ConsoleOptions = {}, signal?: AbortSignal) {
  const term = terminal();
  const strategy = createConsoleStrategy({ input: term.input, output: term.output, ...options });
  const result = authorize({
    clientSecrets,
    scopes: [DRIVE_SCOPE],
    strategy,
    ...(signal ? { signal } : {}),
  });
  result.catch(() => {});
  const link = term.waitFor(LINK).then((match) => match[1] ?? '');
  /** Approves in the "browser" (nothing listens at the redirect) and returns where it landed. */
  const approve = async (deny = false) => (await runConsentAgent(await link, { deny })).redirectUrl;
  return { term, result, link, approve };
}

describe('contract v1', () => {
  it('passes the conformance kit', async () => {
    const inputs = new WeakMap<RedirectStrategy, PassThrough>();
    await runConformanceChecks({
      createStrategy() {
        const input = new PassThrough();
        // The kit pastes eight junk addresses before the genuine one: allow more than five.
        const strategy = createConsoleStrategy({
          input,
          output: new PassThrough(),
          maxAttempts: 20,
        });
        inputs.set(strategy, input);
        return strategy;
      },
      deliver: async (callbackUrl, { strategy }) => {
        inputs.get(strategy)?.write(`${callbackUrl.href}\n`);
      },
    });
  });
});

describe('pasting against the sandbox', () => {
  it('prints clear instructions and accepts the full address', async () => {
    const flow = start();
    const landed = await flow.approve();
    expect(landed.startsWith('http://127.0.0.1:8/?')).toBe(true);
    flow.term.type(landed);
    const credentials = await flow.result;
    expect(credentials.scopes).toEqual([DRIVE_SCOPE]);
    const printed = flow.term.text();
    expect(printed).toContain(
      'Open this link in a browser, on this machine or any other, and approve access:',
    );
    expect(printed).toContain('it starts with http://127.0.0.1:8/');
    expect(printed).toMatch(/Paste the address: \n$/); // piped input: the prompt line is ended for it
    expect(printed).not.toContain(new URL(landed).searchParams.get('code'));
  });

  it('accepts the query string alone', async () => {
    const flow = start();
    const landed = new URL(await flow.approve());
    flow.term.type(landed.search);
    expect((await flow.result).accessToken).toBeTruthy();
  });

  it('accepts a bare code with a warning that the state could not be checked', async () => {
    const flow = start();
    const code = new URL(await flow.approve()).searchParams.get('code') ?? '';
    flow.term.type(`  ${code}  `);
    expect((await flow.result).accessToken).toBeTruthy();
    expect(flow.term.text()).toMatch(
      /Warning: only the code was pasted, so the state could not be checked/,
    );
    expect(flow.term.text()).not.toContain(code);
  });

  it('reprompts on junk with a specific message, never echoing it, then takes the genuine address', async () => {
    const flow = start();
    const link = await flow.link;
    const landed = await flow.approve();
    const otherAttempt = new URL(landed);
    otherAttempt.searchParams.set('state', 'from-an-older-attempt');
    const junk = [
      '',
      'MARKER-random words',
      link,
      otherAttempt.href,
      'http://127.0.0.1:8/?code=MARKER\u0007&state=x',
    ];
    for (const line of junk) flow.term.type(line);
    flow.term.type(landed);
    expect((await flow.result).accessToken).toBeTruthy();
    const printed = flow.term.text();
    expect(printed).toContain('Nothing was pasted.');
    expect(printed).toContain('That does not look like the address.');
    expect(printed).toContain('That is the sign-in link itself.');
    expect(printed).toContain('That address is not the answer to this sign-in');
    expect(printed).toContain('control characters');
    expect(printed).not.toContain('MARKER');
    expect(printed.match(/Paste the address: /g)).toHaveLength(junk.length + 1);
  });

  it('ends on a pasted access_denied with AUTHORIZATION_DENIED', async () => {
    const flow = start();
    flow.term.type(await flow.approve(true));
    expect((await failure(flow.result)).code).toBe('AUTHORIZATION_DENIED');
  });

  it('gives up after too many bad pastes', async () => {
    const flow = start({ maxAttempts: 2 });
    await flow.link;
    flow.term.type('nope');
    flow.term.type('still nope');
    const error = await failure(flow.result);
    expect(error.code).toBe('STRATEGY_FAILED');
    expect(error.message).toBe('No usable address after 2 attempts.');
  });
});

describe('ending without a paste', () => {
  it('ends with a typed error at end of input instead of hanging', async () => {
    const flow = start();
    await flow.link;
    flow.term.input.end();
    const error = await failure(flow.result);
    expect(error.code).toBe('STRATEGY_FAILED');
    expect(error.message).toMatch(/input ended/);
  });

  it('ends at once when the input is already closed (a non-TTY with nothing piped in)', async () => {
    const input = new PassThrough();
    input.end();
    const strategy = createConsoleStrategy({ input, output: new PassThrough() });
    expect(
      (await failure(authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy }))).code,
    ).toBe('STRATEGY_FAILED');
  });

  it("stops on the caller's cancel and on its deadline, closing the readline interface", async () => {
    const controller = new AbortController();
    const flow = start({}, controller.signal);
    await flow.link;
    controller.abort();
    expect((await failure(flow.result)).code).toBe('AUTHORIZATION_CANCELLED');
    expect(flow.term.input.listenerCount('data')).toBe(0);

    const slow = start({}, AbortSignal.timeout(100));
    expect((await failure(slow.result)).code).toBe('AUTHORIZATION_TIMED_OUT');
    expect(slow.term.input.listenerCount('data')).toBe(0);
  });
});

describe('options', () => {
  it.each([
    [{ redirectUri: 'https://example.com/' }, /"redirectUri" option must be a loopback http URL/],
    [{ redirectUri: 'http://127.0.0.1:8/?x=1' }, /"redirectUri"/],
    [{ maxAttempts: 0 }, /"maxAttempts"/],
    [{ timeout: 120 }, /no "timeout" option here: pass "signal: AbortSignal\.timeout\(ms\)"/],
    [{ signal: AbortSignal.abort() }, /no "signal" option here/],
    [{ input: 'stdin' }, /"input" option must be a readable stream/],
    [{ colour: true }, /unknown option "colour"/],
  ])('%j is refused before anything happens', (options, message) => {
    expect(() => createConsoleStrategy(options as ConsoleOptions)).toThrow(message);
  });

  it('uses a custom redirect URI and prompt message', async () => {
    const flow = start({
      redirectUri: 'http://127.0.0.1:1023/callback',
      promptMessage: 'Go: {url}\n  via {redirect}\n',
    });
    const printed = await flow.term.waitFor(/Go: (\S+)\n {2}via (\S+)\n/);
    expect(printed[2]).toBe('http://127.0.0.1:1023/callback');
    const landed = (await runConsentAgent(printed[1] ?? '')).redirectUrl;
    expect(landed.startsWith('http://127.0.0.1:1023/callback?')).toBe(true);
    flow.term.type(landed);
    expect((await flow.result).accessToken).toBeTruthy();
  });
});
