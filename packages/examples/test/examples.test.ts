import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auth, drive } from '@googleapis/drive';
import {
  type ClientSecrets,
  createGoogleAuth,
  createInstalledApp,
  type InstalledApp,
  parseClientSecrets,
} from '@installed-oauth/core';
import { createFileAccountStore } from '@installed-oauth/core/node';
import { consentAgentPath } from '@installed-oauth/sandbox';
import { failure, revokeAtServer, useSandbox } from '@installed-oauth/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { driveAccessToken } from '../src/quickstart.js';

const sandbox = useSandbox();
let clientSecrets: ClientSecrets;
let directory: string;
const previousBrowser = process.env.BROWSER;
beforeAll(() => {
  clientSecrets = parseClientSecrets(sandbox.clientSecrets, { allowInsecureTransport: true });
  // The "browser" the loopback strategy opens: the sandbox's consent agent.
  process.env.BROWSER = `"${process.execPath}" "${consentAgentPath}"`;
});
afterAll(() => {
  process.env.BROWSER = previousBrowser;
});
beforeEach(async () => {
  directory = join(await mkdtemp(join(tmpdir(), 'examples-')), 'accounts');
});

const readme = () => readFile(new URL('../../core/README.md', import.meta.url), 'utf8');

/** The one stored account file, as JSON. */
async function storedFile(): Promise<{ path: string; json: Record<string, unknown> }> {
  const store = createFileAccountStore({ directory, clientSecrets });
  const [id] = await store.accounts();
  const path = store.pathOf(id ?? '');
  return { path, json: JSON.parse(await readFile(path, 'utf8')) };
}

async function listWith(token: string): Promise<number> {
  const response = await fetch(`${sandbox.driveApiRoot}drive/v3/files?pageSize=1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return response.status;
}

describe("core README's first example (src/quickstart.ts)", () => {
  it('is the file the README shows, word for word', async () => {
    const source = await readFile(new URL('../src/quickstart.ts', import.meta.url), 'utf8');
    expect(await readme()).toContain(source.trim());
  });

  it('signs in once, then uses the stored account; after the grant is revoked it signs in again', async () => {
    const exchanges = sandbox.counters.authorizationCodeGrants;
    const first = await driveAccessToken(clientSecrets, directory);
    expect(await listWith(first)).toBe(200);
    expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 1);

    expect(await driveAccessToken(clientSecrets, directory)).toBe(first);
    expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 1);

    // The user removes the app's access on their Google account page; the token expires.
    const { path, json } = await storedFile();
    await revokeAtServer(sandbox, String(json.refresh_token));
    await writeFile(path, JSON.stringify({ ...json, expiry: new Date(0).toISOString() }));
    const renewed = await driveAccessToken(clientSecrets, directory);
    expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 2);
    expect(await listWith(renewed)).toBe(200);
  });
});

describe("core's createGoogleAuth with @googleapis/drive, as the README shows it", () => {
  let app: InstalledApp;
  beforeEach(async () => {
    app = createInstalledApp({
      clientSecrets,
      scopes: ['openid', 'email', 'https://www.googleapis.com/auth/drive.metadata.readonly'],
      store: createFileAccountStore({ directory, clientSecrets }),
    });
    await driveAccessToken(clientSecrets, directory); // signed in
  });

  // rootUrl points Google's client at the sandbox's Drive.
  const files = () =>
    drive({
      version: 'v3',
      auth: createGoogleAuth(app, { OAuth2: auth.OAuth2 }),
      rootUrl: sandbox.driveApiRoot,
    }).files.list({ pageSize: 3, fields: 'files(name)' });

  it('lists files with the stored token, without a refresh', async () => {
    const refreshes = sandbox.counters.refreshGrants;
    const { data } = await files();
    expect(data.files).toHaveLength(3);
    expect(sandbox.counters.refreshGrants).toBe(refreshes);
  });

  it('refreshes an expired access token through the store, once', async () => {
    const { path, json } = await storedFile();
    await writeFile(path, JSON.stringify({ ...json, expiry: new Date(0).toISOString() }));
    const refreshes = sandbox.counters.refreshGrants;
    expect((await files()).data.files).toHaveLength(3);
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
    expect((await storedFile()).json.token).not.toBe(json.token); // saved for the next run
  });

  it('after a 401 for a token that looked valid, forces one refresh and retries once', async () => {
    const { path, json } = await storedFile();
    await writeFile(path, JSON.stringify({ ...json, token: 'ya29.refused-by-the-api' }));
    const refreshes = sandbox.counters.refreshGrants;
    const drives = sandbox.counters.driveRequests;
    expect((await files()).data.files).toHaveLength(3);
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
    expect(sandbox.counters.driveRequests).toBe(drives + 2);
  });

  it('ends a revoked grant with REAUTHENTICATION_REQUIRED, not a loop of 401s', async () => {
    const { json } = await storedFile();
    await revokeAtServer(sandbox, String(json.refresh_token));
    const drives = sandbox.counters.driveRequests;
    const error = await failure(files());
    expect(error.code).toBe('REAUTHENTICATION_REQUIRED');
    expect(sandbox.counters.driveRequests).toBe(drives + 1);
  });
});
