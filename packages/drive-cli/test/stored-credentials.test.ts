import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { consentAgentPath } from '@installed-oauth/sandbox';
import { useSandbox } from '@installed-oauth/test-support';
import { describe, expect, it } from '@jest/globals';
import {
  credentialsPath,
  expireStoredToken,
  legacyCredentialsPath,
  readStored,
  revokeAtServer,
  runCli,
  signedInEnv,
  writeStored,
} from './helpers.js';

const sandbox = useSandbox();

describe('credentials already on disk', () => {
  it('signing in again keeps the refresh token, which Google sends only with the consent screen', async () => {
    const env = await signedInEnv(sandbox);
    const first = await readStored(env);
    const exchanges = sandbox.counters.authorizationCodeGrants;
    const again = await runCli(['login'], env);
    expect(again.code).toBe(0);
    expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 1);
    const second = await readStored(env);
    expect(second.token).not.toBe(first.token);
    expect(second.refresh_token).toBe(first.refresh_token);
    // And the kept refresh token still works.
    await expireStoredToken(env);
    const refreshes = sandbox.counters.refreshGrants;
    expect((await runCli(['ls'], env)).code).toBe(0);
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
  });

  it('a second account never touches the first; signing back in to the first keeps its own refresh token', async () => {
    const env = await signedInEnv(sandbox); // as sandbox.user@example.com
    const first = await readStored(env);
    const agent = `"${process.execPath}" "${consentAgentPath}"`;
    const other = await runCli(['login'], {
      ...env,
      BROWSER: `${agent} --login other@example.com`,
    });
    expect(other.code).toBe(0);
    expect(other.stderr).toMatch(/^Signed in as other@example\.com\./m);
    expect(other.stderr).toMatch(/^other@example\.com is now the active account\.$/m);
    expect((await readStored(env)).refresh_token).toBe(first.refresh_token);
    // Back to the first account, which authorized drive-cli before: Google skips the consent
    // screen and sends no refresh token; the first account's own is kept.
    const back = await runCli(['login'], env);
    expect(back.code).toBe(0);
    expect((await readStored(env)).refresh_token).toBe(first.refresh_token);
    const otherStored = JSON.parse(
      await readFile(credentialsPath(env, 'other@example.com'), 'utf8'),
    );
    expect(otherStored.refresh_token).not.toBe(first.refresh_token);
    // Each account's own refresh token works.
    await expireStoredToken(env);
    const refreshes = sandbox.counters.refreshGrants;
    expect((await runCli(['token', '--account', 'sandbox.user@example.com'], env)).code).toBe(0);
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
  });

  it('takes over a gcloud-style file of the old layout (refresh token only), and refreshes it on use', async () => {
    const env = await signedInEnv(sandbox);
    const { type, client_id, client_secret, refresh_token } = await readStored(env);
    await rm(credentialsPath(env));
    await writeFile(
      legacyCredentialsPath(env),
      JSON.stringify({ type, client_id, client_secret, refresh_token }),
      { mode: 0o600 },
    );
    // No ID token: the account cannot be named, and is kept as "default".
    const status = await runCli(['status', '--offline'], env);
    expect(status.code).toBe(0);
    expect(status.stderr).toContain(
      `Moved the stored sign-in from ${legacyCredentialsPath(env)} to ${join(String(env.DRIVE_CLI_CONFIG_DIR), 'accounts', 'default.json')}.`,
    );
    expect(status.stdout).toMatch(/^\* default \(active\)$/m);
    expect(status.stdout).toMatch(/^ {4}Access token: +expires unknown$/m);
    expect(status.stdout).toMatch(/^ {4}Grant: +not checked$/m);
    expect(existsSync(legacyCredentialsPath(env))).toBe(false);
    const refreshes = sandbox.counters.refreshGrants;
    expect((await runCli(['ls'], env)).code).toBe(0);
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
  });

  it('asks for consent again rather than keep a refresh token it cannot tie to the account', async () => {
    const env = await signedInEnv(sandbox);
    const { type, client_id, client_secret, refresh_token } = await readStored(env);
    await writeStored(env, { type, client_id, client_secret, refresh_token });
    const exchanges = sandbox.counters.authorizationCodeGrants;
    expect((await runCli(['login'], env)).code).toBe(0);
    expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 2);
    const renewed = await readStored(env);
    expect(renewed.refresh_token).toEqual(expect.any(String));
    expect(renewed.refresh_token).not.toBe(refresh_token);
  });

  it('status --offline says an expired access token will be refreshed on next use', async () => {
    const env = await signedInEnv(sandbox);
    await writeStored(env, { ...(await readStored(env)), expiry: '2026-01-01T00:00:00.000Z' });
    const result = await runCli(['status', '--offline'], env);
    expect(result.stdout).toMatch(
      /^ {4}Access token: +expires 2026-01-01T00:00:00.000Z \(expired; refreshed on next use\)$/m,
    );
  });

  it("meets another client's credentials with exit 7 (ls, token, status) and leaves them; login moves them aside", async () => {
    const env = await signedInEnv(sandbox);
    const stored = await readStored(env);
    await writeStored(env, { ...stored, client_id: 'someone-else.apps.googleusercontent.com' });
    const before = await readFile(credentialsPath(env), 'utf8');
    for (const command of ['ls', 'token', 'status']) {
      const result = await runCli([command], env);
      expect(result.code).toBe(7);
      expect(result.stderr).toContain(credentialsPath(env));
    }
    expect(await readFile(credentialsPath(env), 'utf8')).toBe(before);
    const login = await runCli(['login'], env);
    expect(login.code).toBe(0);
    const aside = /^Moved the unusable (.+) aside, to (.+)\.$/m.exec(login.stderr);
    expect(aside?.[1]).toBe(credentialsPath(env));
    expect(await readFile(aside?.[2] ?? '', 'utf8')).toBe(before);
    expect((await readStored(env)).client_id).toBe(sandbox.clientId);
  });

  it('logout after the grant was ended elsewhere says so and still deletes the file', async () => {
    const env = await signedInEnv(sandbox);
    const stored = await readStored(env);
    await revokeAtServer(sandbox, stored.refresh_token);
    const result = await runCli(['logout'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `The server had already ended the sign-in of sandbox.user@example.com. Deleted ${credentialsPath(env)}.\n`,
    );
    await expect(readFile(credentialsPath(env))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
