import { once } from 'node:events';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import { authorize, type ClientSecrets } from '@installed-oauth/core';
import { runConformanceChecks } from '@installed-oauth/core/testing';
import { createLoopbackStrategy } from '@installed-oauth/loopback';
import { runConsentAgent } from '@installed-oauth/sandbox';
import { useSandbox } from '@installed-oauth/test-support';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { withPastePrompt } from '../src/index.js';
import { DRIVE_SCOPE, sandboxSecrets, terminal } from './helpers.js';

const sandbox = useSandbox();
let clientSecrets: ClientSecrets;
beforeAll(() => {
  clientSecrets = sandboxSecrets(sandbox);
});

function startCombined() {
  const term = terminal();
  const strategy = withPastePrompt(
    createLoopbackStrategy({ openBrowser: false, output: term.output }),
    {
      input: term.input,
      output: term.output,
    },
  );
  const result = authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy });
  result.catch(() => {});
  const link = term.waitFor(/authorize this application: (\S+)/).then((match) => match[1] ?? '');
  return { term, result, link };
}

function refused(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('loopback and paste prompt together: first genuine callback wins', () => {
  it('is named after both sides', () => {
    const strategy = withPastePrompt(createLoopbackStrategy({ openBrowser: false }));
    expect(strategy.name).toBe('loopback+console');
    expect(strategy.specificationVersion).toBe('v1');
  });

  it('the browser reaching the receiver wins; the prompt is closed; one exchange', async () => {
    const before = sandbox.counters.authorizationCodeGrants;
    const flow = startCombined();
    await runConsentAgent(await flow.link);
    expect((await flow.result).accessToken).toBeTruthy();
    expect(sandbox.counters.authorizationCodeGrants).toBe(before + 1);
    expect(flow.term.input.listenerCount('data')).toBe(0);
    expect(flow.term.text()).toContain('paste it here');
  });

  it('a pasted address wins; the receiver is closed; one exchange', async () => {
    const before = sandbox.counters.authorizationCodeGrants;
    const flow = startCombined();
    const { redirectUrl } = await runConsentAgent(await flow.link, { deliver: false });
    flow.term.type(redirectUrl);
    expect((await flow.result).accessToken).toBeTruthy();
    expect(sandbox.counters.authorizationCodeGrants).toBe(before + 1);
    expect(await refused(new URL(redirectUrl))).toBe(true);
  });

  it('keeps waiting for the browser when the input closes', async () => {
    const flow = startCombined();
    const link = await flow.link;
    flow.term.input.end();
    await once(flow.term.input, 'close'); // the prompt has read the end of its input

    await runConsentAgent(link);
    expect((await flow.result).accessToken).toBeTruthy();
  });
});

describe('contract v1', () => {
  it('passes the conformance kit, wrapped around the loopback receiver', async () => {
    await runConformanceChecks({
      createStrategy: () =>
        withPastePrompt(createLoopbackStrategy({ openBrowser: false, output: new PassThrough() }), {
          input: new PassThrough(),
          output: new PassThrough(),
        }),
      // The browser's side: the loopback receiver gets the redirect.
      deliver: async (callbackUrl) => {
        await (await fetch(callbackUrl)).text();
      },
    });
  });
});
