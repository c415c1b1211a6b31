// The machine's clock off, for real: drive-cli runs under libfaketime (LD_PRELOAD on that child
// process only; its timers keep real time), the sandbox in this process keeps the true time.
import { existsSync } from 'node:fs';
import { consentAgentPath } from '@installed-oauth/sandbox';
import { clockOff, faketime, itWith, useSandbox } from '@installed-oauth/test-support';
import { describe, expect } from '@jest/globals';
import {
  credentialsPath,
  expectNoSecret,
  expireStoredToken,
  readStored,
  runCli,
  sandboxEnv,
  signedInEnv,
  writeStored,
} from './helpers.js';

const sandbox = useSandbox();

/**
 * The sandbox's environment with drive-cli's clock `offset` off. The consent agent plays the
 * browser, whose clock is not under test: it is started without libfaketime.
 */
async function offBy(offset: string, env?: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const base = env ?? (await sandboxEnv(sandbox));
  return {
    ...base,
    ...clockOff(offset),
    BROWSER: `env -u LD_PRELOAD -u FAKETIME -u FAKETIME_DONT_FAKE_MONOTONIC "${process.execPath}" "${consentAgentPath}"`,
  };
}

describe("this computer's clock", () => {
  for (const offset of ['+10m', '-10m']) {
    itWith(faketime)(
      `${offset.replace('m', ' min')} off: signs in, lists, and refreshes as usual`,
      async () => {
        const env = await offBy(offset);
        const login = await runCli(['login'], env);
        expect(login).toMatchObject({ code: 0, stderr: expect.stringMatching(/^Signed in as /m) });
        // Expired an hour ago, as drive-cli's clock sees it too.
        const stored = await readStored(env);
        await writeStored(env, {
          ...stored,
          expiry: new Date(Date.now() - 3600_000).toISOString(),
        });
        const refreshes = sandbox.counters.refreshGrants;
        expect((await runCli(['ls'], env)).code).toBe(0);
        expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
      },
    );
  }

  for (const [offset, words] of [
    ['+3h', '3 h 00 min ahead of'],
    ['-3h', '3 h 00 min behind'],
  ] as const) {
    itWith(faketime)(
      `${offset.replace('h', ' h')} off: login names the measured offset, exits 4, stores nothing`,
      async () => {
        const env = await offBy(offset);
        const login = await runCli(['login'], env);
        expect(login.code).toBe(4);
        expect(login.stderr).toContain(
          `drive-cli: This computer's clock is ${words} that of ${sandbox.issuer}; set the time and sign in again.`,
        );
        expect(login.stderr).toContain("Set this computer's date and time");
        expect(login.stderr).not.toMatch(/JWT|exp\b|OAUTH_/);
        expect(existsSync(credentialsPath(env))).toBe(false);
      },
    );
  }

  itWith(faketime)(
    '+3 h off at a refresh: the same message, and the stored sign-in kept',
    async () => {
      const env = await signedInEnv(sandbox);
      const before = await readStored(env);
      await expireStoredToken(env);
      const result = await runCli(['ls'], await offBy('+3h', env));
      expect(result.code).toBe(4);
      expect(result.stderr).toContain(
        `drive-cli: This computer's clock is 3 h 00 min ahead of that of ${sandbox.issuer}; set the time and try again.`,
      );
      expectNoSecret(result.stderr, [before.refresh_token, sandbox.clientSecret]);
      // With the clock right again, the same account works.
      expect((await runCli(['ls'], env)).code).toBe(0);
      expect((await readStored(env)).refresh_token).toBe(before.refresh_token);
    },
  );
});
