import { authorize } from '@installed-oauth/core';
import { runConsentAgent } from '@installed-oauth/sandbox';
import { useSandbox } from '@installed-oauth/test-support';
import { expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createLoopbackStrategy } from '../src/index.js';
import { captureOutput, DRIVE_SCOPE, raw, sandboxSecrets, urlRecorder } from './helpers.js';

const sandbox = useSandbox();

it('answers any junk request with a static 4xx, never ending or consuming the flow', async () => {
  const recorder = urlRecorder();
  const out = captureOutput();
  const strategy = createLoopbackStrategy({
    openBrowser: recorder.openBrowser,
    output: out.output,
  });
  const exchanges = sandbox.counters.authorizationCodeGrants;
  const result = authorize({
    clientSecrets: sandboxSecrets(sandbox),
    scopes: [DRIVE_SCOPE],
    strategy,
  });
  const url = await recorder.url;
  const redirectUri = new URL(url.searchParams.get('redirect_uri') ?? '');
  const genuineState = url.searchParams.get('state') ?? '';

  const junk = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH'),
    path: fc.oneof(
      fc.webPath(),
      fc.webQueryParameters().map((query) => `/?${query}`),
      fc
        .string({ unit: 'grapheme-ascii', maxLength: 60 })
        .map((text) => `/${encodeURIComponent(text)}`),
      fc.string({ maxLength: 40 }).map((state) => `/?code=x&state=${encodeURIComponent(state)}`),
    ),
    host: fc.oneof(
      fc.constant(redirectUri.host),
      fc.domain(),
      fc.constant(`localhost:${redirectUri.port}`),
    ),
  });
  await fc.assert(
    fc.asyncProperty(junk, async ({ method, path, host }) => {
      fc.pre(!path.includes(`state=${genuineState}`));
      const response = await raw(redirectUri, {
        method,
        path: path.startsWith('/') ? path : `/${path}`,
        host,
      });
      expect([400, 404, 405, 421, 431]).toContain(response.status);
      expect(response.body).not.toMatch(/<script/i);
    }),
    { numRuns: 200 },
  );
  expect(out.text()).not.toMatch(/code=x/);
  await runConsentAgent(url.href);
  expect((await result).accessToken).toBeTruthy();
  expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 1);
});
