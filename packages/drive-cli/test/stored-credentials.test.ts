import { readFile } from 'node:fs/promises';
import { consentAgentPath } from '@installed-oauth/sandbox';
import { useSandbox } from '@installed-oauth/test-support';
import { describe, expect, it } from '@jest/globals';
import {
  credentialsPath,
  expireStoredToken,
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

  it('refuses to pair one account with the refresh token of another, changing nothing', async () => {
    const env = await signedInEnv(sandbox); // as sandbox.user@example.com
    const agent = `"${process.execPath}" "${consentAgentPath}"`;
    // Another account authorizes drive-cli for the first time: the consent screen, a refresh token.
    const other = await runCli(['login'], {
      ...env,
      BROWSER: `${agent} --login other@example.com`,
    });
    expect(other.stderr).toMatch(/^Signed in as other@example\.com\./m);
    const before = await readFile(credentialsPath(env), 'utf8');
    // Back to the first account, which authorized drive-cli before: no consent screen, so
    // Google sends no refresh token, and the stored one is the other account's.
    const back = await runCli(['login'], env);
    expect(back.code).toBe(4);
    expect(back.stderr).toMatch(
      /^drive-cli: Signed in as sandbox\.user@example\.com, but Google sent no refresh token for it .* the stored one belongs to other@example\.com\. Nothing was changed\.\n {2}Run drive-cli logout, then drive-cli login/m,
    );
    expect(await readFile(credentialsPath(env), 'utf8')).toBe(before);
    // What the hint says works: with nothing stored, the consent screen and a refresh token.
    expect((await runCli(['logout'], env)).code).toBe(0);
    const fresh = await runCli(['login'], env);
    expect(fresh.stderr).toMatch(/^Signed in as sandbox\.user@example\.com\./m);
    expect((await readStored(env)).refresh_token).toEqual(expect.any(String));
  });

  it('reads a gcloud-style file (refresh token only), shows what it cannot know, and refreshes on use', async () => {
    const env = await signedInEnv(sandbox);
    const { type, client_id, client_secret, refresh_token } = await readStored(env);
    await writeStored(env, {
      type,
      client_id,
      client_secret,
      refresh_token,
    });
    const status = await runCli(['status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Account: +unknown$/m);
    expect(status.stdout).toMatch(/^Access token: +expires unknown$/m);
    expect(status.stdout).toMatch(/^Refresh token: +stored$/m);
    // An ID token that cannot be read names no account either.
    await writeStored(env, {
      type,
      client_id,
      client_secret,
      refresh_token,
      id_token: 'x.not-json.y',
    });
    const json = JSON.parse((await runCli(['status', '--json'], env)).stdout);
    expect(json).toMatchObject({
      account: null,
      accessTokenExpiresAt: null,
      accessTokenValid: false,
    });
    const refreshes = sandbox.counters.refreshGrants;
    expect((await runCli(['ls'], env)).code).toBe(0);
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
    expect((await readStored(env)).token).toEqual(expect.any(String));
  });

  it('signing in again over a file that names no account keeps its refresh token', async () => {
    const env = await signedInEnv(sandbox);
    const { type, client_id, client_secret, refresh_token } = await readStored(env);
    await writeStored(env, { type, client_id, client_secret, refresh_token });
    expect((await runCli(['login'], env)).code).toBe(0);
    expect((await readStored(env)).refresh_token).toBe(refresh_token);
  });

  it('status says an expired access token will be refreshed on next use', async () => {
    const env = await signedInEnv(sandbox);
    await writeStored(env, { ...(await readStored(env)), expiry: '2026-01-01T00:00:00.000Z' });
    const result = await runCli(['status'], env);
    expect(result.stdout).toMatch(
      /^Access token: +expires 2026-01-01T00:00:00.000Z \(expired; it will be refreshed on next use\)$/m,
    );
  });

  it('signs in afresh over credentials of another OAuth client, and status counts them as none', async () => {
    const env = await signedInEnv(sandbox);
    const stored = await readStored(env);
    await writeStored(env, { ...stored, client_id: 'someone-else.apps.googleusercontent.com' });
    const status = await runCli(['status'], env);
    expect(status.code).toBe(5);
    expect(status.stderr).toMatch(/^drive-cli: Not signed in/);
    const exchanges = sandbox.counters.authorizationCodeGrants;
    const ls = await runCli(['ls'], env);
    expect(ls.code).toBe(0);
    expect(ls.stderr).toMatch(/^Signed in as sandbox.user@example.com\./m);
    expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 1);
    expect((await readStored(env)).client_id).toBe(sandbox.clientId);
  });

  it('logout after the grant was ended elsewhere says so and still deletes the file', async () => {
    const env = await signedInEnv(sandbox);
    const stored = await readStored(env);
    await revokeAtServer(sandbox, stored.refresh_token);
    const result = await runCli(['logout'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `The server had already ended this sign-in. Deleted ${credentialsPath(env)}.\n`,
    );
    await expect(readFile(credentialsPath(env))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
