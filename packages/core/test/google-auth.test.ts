// createGoogleAuth: google-auth-library's own OAuth2Client, taking its tokens from an installed
// app, calling the sandbox's Drive as Google's libraries call Drive.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failure, revokeAtServer, useSandbox } from '@installed-oauth/test-support';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { OAuth2Client } from 'google-auth-library';
import { createGoogleAuth, createInstalledApp, type InstalledApp } from '../src/index.js';
import { createFileAccountStore } from '../src/node/index.js';
import { agentStrategy, DRIVE_SCOPE, sandboxSecrets } from './helpers.js';

const sandbox = useSandbox();
let app: InstalledApp;
let store: ReturnType<typeof createFileAccountStore>;
let id: string;
beforeEach(async () => {
  const clientSecrets = sandboxSecrets(sandbox);
  const directory = join(await mkdtemp(join(tmpdir(), 'core-google-auth-')), 'accounts');
  store = createFileAccountStore({ directory, clientSecrets });
  app = createInstalledApp({ clientSecrets, scopes: [DRIVE_SCOPE, 'openid', 'email'], store });
  ({ id } = await app.signIn({ strategy: agentStrategy({ login: 'kai@example.com' }) }));
});

/** One Drive request through the client, as a Google library sends it. */
const listFiles = () =>
  createGoogleAuth(app, { OAuth2: OAuth2Client }).request<{ files: unknown[] }>({
    url: `${sandbox.driveApiRoot}drive/v3/files?pageSize=2`,
  });

/** Replaces the stored credentials' access token and expiry. */
async function storeToken(accessToken: string | undefined, expiresAt: number): Promise<void> {
  const stored = await store.account(id).load();
  if (!stored) throw new Error('nothing stored');
  await store
    .account(id)
    .save({ ...stored, accessToken: accessToken ?? stored.accessToken, expiresAt });
}

describe('createGoogleAuth', () => {
  it('is the OAuth2Client class it was given, and sends the stored token without a refresh', async () => {
    expect(createGoogleAuth(app, { OAuth2: OAuth2Client })).toBeInstanceOf(OAuth2Client);
    const refreshes = sandbox.counters.refreshGrants;
    const { status, data } = await listFiles();
    expect({ status, files: data.files.length }).toEqual({ status: 200, files: 2 });
    expect(sandbox.counters.refreshGrants).toBe(refreshes);
  });

  it('refreshes an expired access token through the store, once, and saves it', async () => {
    await storeToken(undefined, Date.now() - 1000);
    const before = (await store.account(id).load())?.accessToken;
    const refreshes = sandbox.counters.refreshGrants;
    expect((await listFiles()).status).toBe(200);
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
    expect((await store.account(id).load())?.accessToken).not.toBe(before);
  });

  it('after a 401 for a token that looked valid, forces one refresh and retries once', async () => {
    await storeToken('ya29.refused-by-the-api', Date.now() + 3_600_000);
    const refreshes = sandbox.counters.refreshGrants;
    const drives = sandbox.counters.driveRequests;
    expect((await listFiles()).status).toBe(200);
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
    expect(sandbox.counters.driveRequests).toBe(drives + 2);
  });

  it('ends a revoked grant with REAUTHENTICATION_REQUIRED after one API request', async () => {
    const stored = await store.account(id).load();
    await revokeAtServer(sandbox, stored?.refreshToken ?? '');
    const drives = sandbox.counters.driveRequests;
    expect((await failure(listFiles())).code).toBe('REAUTHENTICATION_REQUIRED');
    expect(sandbox.counters.driveRequests).toBe(drives + 1);
  });
});
