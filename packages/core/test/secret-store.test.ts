import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectModeWherePosix, useSandbox } from '@installed-oauth/test-support';
import { beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  accountOf,
  type ClientSecrets,
  type Credentials,
  createInstalledApp,
  InstalledOAuthError,
  type SecretStore,
} from '../src/index.js';
import { createFileAccountStore, createFileTokenStore } from '../src/node/index.js';
import { agentStrategy, DRIVE_SCOPE, failure, sandboxSecrets } from './helpers.js';

const sandbox = useSandbox();
let clientSecrets: ClientSecrets;
let directory: string;
beforeAll(() => {
  clientSecrets = sandboxSecrets(sandbox);
});
beforeEach(async () => {
  directory = join(await mkdtemp(join(tmpdir(), 'core-secrets-')), 'accounts');
});

/** A secret store in memory: the boundary a keyring sits behind (the keyring package tests the real one). */
function memorySecrets(options: { failSet?: boolean } = {}) {
  const values = new Map<string, string>();
  const store: SecretStore = {
    description: 'the test vault',
    async get(key) {
      return values.get(key);
    },
    async set(key, value) {
      if (options.failSet)
        throw new InstalledOAuthError('TOKEN_STORE_ERROR', 'The test vault is locked.');
      values.set(key, value);
    },
    async delete(key) {
      values.delete(key);
    },
  };
  return { store, values };
}

const ALICE = 'alice@example.com';
const scopes = [DRIVE_SCOPE, 'openid', 'email'];

async function signInAlice(store: ReturnType<typeof createFileAccountStore>) {
  const app = createInstalledApp({ clientSecrets, scopes, store });
  return app.signIn({ strategy: agentStrategy({ login: ALICE }) });
}

describe('accounts whose secrets live in a secret store', () => {
  it('keep only the refresh token in the secret store; the file has the rest, without the ID token', async () => {
    const vault = memorySecrets();
    const store = createFileAccountStore({ directory, clientSecrets, secrets: vault.store });
    const account = await signInAlice(store);
    const path = store.pathOf(account.id);
    const text = await readFile(path, 'utf8');
    const { credentials } = account;
    for (const secret of [credentials.refreshToken, credentials.idToken, sandbox.clientSecret])
      expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toEqual({
      type: 'installed_oauth_metadata',
      secret_store: 'the test vault',
      client_id: sandbox.clientId,
      token_uri: sandbox.tokenEndpoint,
      // The access token, dead within the hour, is kept with its expiry in the 0600 file.
      token: credentials.accessToken,
      scopes,
      token_type: credentials.tokenType,
      expiry: new Date(credentials.expiresAt ?? 0).toISOString(),
      account: { id: account.id, email: ALICE },
    });
    await expectModeWherePosix(path, 0o600);
    // The store's value is the refresh token and nothing else: small enough for every keyring.
    expect([...vault.values]).toEqual([
      [account.id, JSON.stringify({ refresh_token: credentials.refreshToken })],
    ]);
    expect(await store.storageOf(account.id)).toBe('secret store');

    // Another process (a new store over the same folder and vault) reads them back whole; the
    // account is known by the id and address the file names in place of the ID token.
    const again = createFileAccountStore({ directory, clientSecrets, secrets: vault.store });
    const loaded = await again.account(account.id).load();
    expect(loaded).toEqual({
      ...credentials,
      idToken: undefined,
      account: { id: account.id, email: ALICE },
    });
    expect(accountOf(loaded as Credentials)).toEqual({ id: account.id, email: ALICE });
    expect(await again.accounts()).toEqual([account.id]);
    const app = createInstalledApp({ clientSecrets, scopes, store: again });
    expect(await app.findAccount(ALICE)).toBe(account.id);
    // A refresh keeps the account known, and the value still the refresh token alone.
    const refreshed = await app.getCredentials({ forceRefresh: true });
    expect(refreshed).toMatchObject({ id: account.id, email: ALICE });
    expect(JSON.parse(vault.values.get(account.id) ?? '{}')).toEqual({
      refresh_token: credentials.refreshToken,
    });

    // Signing out removes the secret too.
    await app.signOut();
    expect(vault.values.size).toBe(0);
    expect(await again.accounts()).toEqual([]);
  });

  it('read a value written in the earlier form (all three tokens in the store), and write the new form at the next save', async () => {
    const vault = memorySecrets();
    const store = createFileAccountStore({ directory, clientSecrets, secrets: vault.store });
    const account = await signInAlice(store);
    const path = store.pathOf(account.id);
    const { credentials } = account;
    // As the earlier form left them: no token in the file, every token in the store.
    const { token: _movedToStore, ...earlierFile } = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify(earlierFile), { mode: 0o600 });
    const earlierValue = {
      refresh_token: credentials.refreshToken,
      token: credentials.accessToken,
      id_token: credentials.idToken,
    };
    vault.values.set(account.id, JSON.stringify(earlierValue));
    expect(await store.account(account.id).load()).toEqual(credentials);

    await store.account(account.id).save(credentials);
    expect(JSON.parse(vault.values.get(account.id) ?? '{}')).toEqual({
      refresh_token: credentials.refreshToken,
    });
    expect(JSON.parse(await readFile(path, 'utf8')).token).toBe(credentials.accessToken);
  });

  it('leave an authorized_user file as a file until asked to move its secrets', async () => {
    const plain = createFileAccountStore({ directory, clientSecrets });
    const account = await signInAlice(plain);
    const vault = memorySecrets();
    const store = createFileAccountStore({ directory, clientSecrets, secrets: vault.store });
    expect(await store.storageOf(account.id)).toBe('file');
    // A refresh saves it again: still a file, nothing in the vault.
    await createInstalledApp({ clientSecrets, scopes, store }).getCredentials({
      forceRefresh: true,
    });
    expect(await store.storageOf(account.id)).toBe('file');
    expect(vault.values.size).toBe(0);

    expect(await store.moveSecrets(account.id)).toBe(true);
    expect(await store.storageOf(account.id)).toBe('secret store');
    const text = await readFile(store.pathOf(account.id), 'utf8');
    expect(text).not.toContain(account.credentials.refreshToken);
    expect((await store.account(account.id).load())?.refreshToken).toBe(
      account.credentials.refreshToken,
    );
    expect(await store.moveSecrets(account.id)).toBe(false); // already moved
  });

  it('save a new account as a file when the program chooses so, and never ask the secret store about it', async () => {
    const asked: string[] = [];
    const broken: SecretStore = {
      description: 'a broken vault',
      get: async (key) => {
        asked.push(`get ${key}`);
        throw new InstalledOAuthError('TOKEN_STORE_ERROR', 'The vault is gone.');
      },
      set: async (key) => {
        asked.push(`set ${key}`);
        throw new InstalledOAuthError('TOKEN_STORE_ERROR', 'The vault is gone.');
      },
      delete: async (key) => {
        asked.push(`delete ${key}`);
        throw new InstalledOAuthError('TOKEN_STORE_ERROR', 'The vault is gone.');
      },
    };
    let decisions = 0;
    const store = createFileAccountStore({
      directory,
      clientSecrets,
      secrets: broken,
      newAccountStorage: () => {
        decisions++;
        return 'file';
      },
    });
    const app = createInstalledApp({ clientSecrets, scopes, store });
    const account = await signInAlice(store);
    expect(decisions).toBe(1);
    expect(await store.storageOf(account.id)).toBe('file');
    await app.getCredentials({ forceRefresh: true });
    expect((await app.signOut()).revocation).toBe('revoked');
    expect(asked).toEqual([]);
  });

  it('say what to do when the secret is gone, or the file is opened without its store', async () => {
    const vault = memorySecrets();
    const store = createFileAccountStore({ directory, clientSecrets, secrets: vault.store });
    const account = await signInAlice(store);
    const path = store.pathOf(account.id);

    const withoutStore = createFileTokenStore({ path, clientSecrets });
    expect(await failure(withoutStore.load())).toMatchObject({
      code: 'TOKEN_STORE_ERROR',
      message: `${path} keeps its secrets in the test vault, which this program does not use.`,
    });

    // A value that is not ours (written over in the keyring's own manager): no tokens in it.
    vault.values.set(account.id, 'not json');
    expect(await failure(store.account(account.id).load())).toMatchObject({
      code: 'INVALID_CREDENTIALS_FILE',
      message: `${path} (with its secrets in the test vault) is not a usable credentials file: "refresh_token" is missing.`,
    });

    vault.values.clear(); // removed in the keyring's own manager, say
    expect(await failure(store.account(account.id).load())).toMatchObject({
      code: 'REAUTHENTICATION_REQUIRED',
      message: `the test vault holds no secrets for ${path}: they were removed there.`,
      details: { reason: 'secrets-missing', path },
    });
  });

  it('take only the tokens from the secret store: its value cannot move the endpoint or swap the account', async () => {
    const vault = memorySecrets();
    const store = createFileAccountStore({ directory, clientSecrets, secrets: vault.store });
    const alice = await signInAlice(store);
    const value = JSON.parse(vault.values.get(alice.id) ?? '{}');
    // Fields a write to the keyring could add: ignored, the file's own are used.
    vault.values.set(
      alice.id,
      JSON.stringify({ ...value, token_uri: 'https://token.example/', client_id: 'other' }),
    );
    expect((await store.account(alice.id).load())?.refreshToken).toBe(
      alice.credentials.refreshToken,
    );
    // Another account's tokens under Alice's entry: refused.
    const app = createInstalledApp({
      clientSecrets,
      scopes,
      store: createFileAccountStore({ directory: `${directory}-bob`, clientSecrets }),
    });
    const bob = await app.signIn({ strategy: agentStrategy({ login: 'bob@example.com' }) });
    vault.values.set(
      alice.id,
      JSON.stringify({
        refresh_token: bob.credentials.refreshToken,
        id_token: bob.credentials.idToken,
      }),
    );
    expect(await failure(store.account(alice.id).load())).toMatchObject({
      code: 'INVALID_CREDENTIALS_FILE',
      message: `the test vault holds the tokens of another account for ${store.pathOf(alice.id)}.`,
    });
  });

  it('keep the previous file when the secret store refuses to save', async () => {
    const vault = memorySecrets();
    const store = createFileAccountStore({ directory, clientSecrets, secrets: vault.store });
    const account = await signInAlice(store);
    const path = store.pathOf(account.id);
    const before = await readFile(path, 'utf8');
    const locked = createFileAccountStore({
      directory,
      clientSecrets,
      secrets: { ...memorySecrets({ failSet: true }).store, get: vault.store.get },
    });
    const error = await failure(locked.account(account.id).save(account.credentials));
    expect(error).toMatchObject({
      code: 'TOKEN_STORE_ERROR',
      message: 'The test vault is locked.',
    });
    expect(await readFile(path, 'utf8')).toBe(before);
  });
});
