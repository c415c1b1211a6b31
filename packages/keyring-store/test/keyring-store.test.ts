import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  type ClientSecrets,
  createInstalledApp,
  parseClientSecrets,
  type RedirectStrategy,
} from '@installed-oauth/core';
import { createFileAccountStore } from '@installed-oauth/core/node';
import { runConsentAgent } from '@installed-oauth/sandbox';
import {
  credentialStore,
  expectModeWherePosix,
  failure,
  itWith,
  linux,
  type Need,
  useSandbox,
} from '@installed-oauth/test-support';
import { beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AsyncEntry } from '@napi-rs/keyring';
import {
  createKeyringAccountStore,
  createKeyringSecretStore,
  keyringName,
  keyringStatus,
  MAX_VALUE_LENGTH,
} from '../src/index.js';
import { keyringHint, secretStoreOver, statusOver } from '../src/keyring.js';

/** Linux's list of the kernel's keys, where a keyring write that fell back would show. */
const kernelKeys = itWith({
  get missing() {
    return process.platform === 'linux' && existsSync('/proc/keys')
      ? ''
      : "needs Linux's /proc/keys";
  },
} satisfies Need);

const run = promisify(execFile);
const withStore = itWith(credentialStore);
const sandbox = useSandbox();
const SCOPES = ['https://www.googleapis.com/auth/drive.metadata.readonly', 'openid', 'email'];
let clientSecrets: ClientSecrets;
let directory: string;
let service: string;
beforeAll(() => {
  clientSecrets = parseClientSecrets(sandbox.clientSecrets, { allowInsecureTransport: true });
});
beforeEach(async () => {
  directory = join(await mkdtemp(join(tmpdir(), 'keyring-store-')), 'accounts');
  service = `installed-oauth-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
});

/** The sandbox's consent page plays the browser; the strategy is the simplest that works. */
function consentStrategy(login: string): RedirectStrategy {
  return {
    name: 'consent-agent',
    specificationVersion: 'v1',
    async receive(request) {
      const url = request.buildAuthorizationUrl('http://127.0.0.1:1/');
      const { redirectUrl } = await runConsentAgent(url.href, { deliver: false, login });
      return new URL(redirectUrl).searchParams;
    },
  };
}

async function filesUnder(folder: string): Promise<string> {
  const names = await readdir(folder, { recursive: true });
  const texts = await Promise.all(
    names.map((name) => readFile(join(folder, String(name)), 'utf8').catch(() => '')),
  );
  return texts.join('\n');
}

describe(`accounts in ${keyringName()}`, () => {
  withStore(
    'keeps the refresh token in the keyring alone, and reads the account back in a second process',
    async () => {
      const store = createKeyringAccountStore({ directory, clientSecrets, service });
      const app = createInstalledApp({ clientSecrets, scopes: SCOPES, store });
      const account = await app.signIn({ strategy: consentStrategy('kai@example.com') });
      const { refreshToken, accessToken, idToken } = account.credentials;
      const onDisk = await filesUnder(directory);
      for (const secret of [refreshToken, idToken]) expect(onDisk).not.toContain(secret);
      // The access token, dead within the hour, is in the account's file, which is 0600.
      const path = store.pathOf(account.id);
      expect(JSON.parse(await readFile(path, 'utf8')).token).toBe(accessToken);
      await expectModeWherePosix(path, 0o600);
      expect(await store.storageOf(account.id)).toBe('secret store');

      // The entry, as the keyring itself shows it: service, "<client id>/<account id>", and
      // the refresh token as its only content.
      const entry = new AsyncEntry(service, `${clientSecrets.clientId}/${account.id}`);
      expect(JSON.parse((await entry.getPassword()) ?? '{}')).toEqual({
        refresh_token: refreshToken,
      });

      // Another process, with its own store over the same folder and keyring.
      const program = fileURLToPath(new URL('./fixtures/read-account.mjs', import.meta.url));
      const { stdout } = await run(process.execPath, [
        program,
        directory,
        sandbox.clientSecretsPath,
        service,
      ]);
      expect(JSON.parse(stdout)).toEqual({
        id: account.id,
        email: 'kai@example.com',
        tokens: 'same',
      });

      // Signing out revokes, deletes the file, and removes the keyring entry.
      expect((await app.signOut()).revocation).toBe('revoked');
      expect(await entry.getPassword()).toBeNull();
      expect(await store.accounts()).toEqual([]);
    },
  );

  withStore(
    'sends one refresh when two programs find the access token expired at once',
    async () => {
      const store = createKeyringAccountStore({ directory, clientSecrets, service });
      const app = createInstalledApp({ clientSecrets, scopes: SCOPES, store });
      const account = await app.signIn({ strategy: consentStrategy('kai@example.com') });
      await store.account(account.id).save({ ...account.credentials, expiresAt: Date.now() - 1 });
      const refreshes = sandbox.counters.refreshGrants;
      const other = createInstalledApp({
        clientSecrets,
        scopes: SCOPES,
        store: createKeyringAccountStore({ directory, clientSecrets, service }),
      });
      const [first, second] = await Promise.all([app.getCredentials(), other.getCredentials()]);
      expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
      expect(first.credentials.accessToken).toBe(second.credentials.accessToken);
      await app.signOut();
    },
  );

  withStore('moves an existing authorized_user file into the keyring only when asked', async () => {
    const plain = createFileAccountStore({ directory, clientSecrets });
    const app = createInstalledApp({ clientSecrets, scopes: SCOPES, store: plain });
    const account = await app.signIn({ strategy: consentStrategy('kai@example.com') });
    const store = createKeyringAccountStore({ directory, clientSecrets, service });
    expect(await store.storageOf(account.id)).toBe('file');
    expect((await store.account(account.id).load())?.refreshToken).toBe(
      account.credentials.refreshToken,
    );
    expect(await store.moveSecrets(account.id)).toBe(true);
    expect(await filesUnder(directory)).not.toContain(account.credentials.refreshToken);
    expect((await store.account(account.id).load())?.refreshToken).toBe(
      account.credentials.refreshToken,
    );
    await createInstalledApp({ clientSecrets, scopes: SCOPES, store }).signOut();
  });

  withStore(
    'keeps a refresh token of the largest size Google documents, and refuses a value no Windows keyring could keep',
    async () => {
      const store = createKeyringAccountStore({ directory, clientSecrets, service });
      const app = createInstalledApp({ clientSecrets, scopes: SCOPES, store });
      const account = await app.signIn({ strategy: consentStrategy('kai@example.com') });
      // Google: refresh tokens up to 512 bytes, access tokens up to 2,048.
      const largest = {
        ...account.credentials,
        refreshToken: `1//${'r'.repeat(509)}`,
        accessToken: `ya29.${'a'.repeat(2043)}`,
      };
      await store.account(account.id).save(largest);
      const loaded = await store.account(account.id).load();
      expect(loaded?.refreshToken).toBe(largest.refreshToken);
      expect(loaded?.accessToken).toBe(largest.accessToken);

      // The limit itself: 1,280 characters are kept, 1,281 refused before the keyring is asked.
      const secrets = createKeyringSecretStore({ service, namespace: 'limits' });
      await secrets.set('at-limit', 'x'.repeat(MAX_VALUE_LENGTH));
      expect(await secrets.get('at-limit')).toHaveLength(MAX_VALUE_LENGTH);
      expect(await failure(secrets.set('over', 'x'.repeat(MAX_VALUE_LENGTH + 1)))).toMatchObject({
        code: 'TOKEN_STORE_ERROR',
        message: `Cannot save in ${keyringName()}: the value is 1281 characters long, and the Windows Credential Manager keeps at most 1280 (the limit is kept on every platform).`,
        details: { length: 1281, maxLength: 1280 },
      });
      expect(await new AsyncEntry(service, 'limits/over').getPassword()).toBeNull();
      await secrets.delete('at-limit');
      await app.signOut();
    },
  );

  withStore(
    'reads an entry written in the earlier form (all three tokens in the keyring) and writes the new form at the next refresh',
    async () => {
      const store = createKeyringAccountStore({ directory, clientSecrets, service });
      const app = createInstalledApp({ clientSecrets, scopes: SCOPES, store });
      const account = await app.signIn({ strategy: consentStrategy('kai@example.com') });
      const { credentials } = account;
      const path = store.pathOf(account.id);
      const entry = new AsyncEntry(service, `${clientSecrets.clientId}/${account.id}`);
      const { token: _inTheKeyringThen, ...earlierFile } = JSON.parse(await readFile(path, 'utf8'));
      await writeFile(path, JSON.stringify(earlierFile), { mode: 0o600 });
      await entry.setPassword(
        JSON.stringify({
          refresh_token: credentials.refreshToken,
          token: credentials.accessToken,
          id_token: credentials.idToken,
        }),
      );
      expect(await store.account(account.id).load()).toEqual(credentials);

      const refreshed = await app.getCredentials({ forceRefresh: true });
      expect(refreshed).toMatchObject({ id: account.id, email: 'kai@example.com' });
      expect(JSON.parse((await entry.getPassword()) ?? '{}')).toEqual({
        refresh_token: credentials.refreshToken,
      });
      expect(JSON.parse(await readFile(path, 'utf8')).token).toBe(
        refreshed.credentials.accessToken,
      );
      await app.signOut();
    },
  );

  withStore('reports a working store', async () => {
    expect(await keyringStatus({ service })).toEqual({ available: true, name: keyringName() });
  });
});

describe('several programs at once', () => {
  withStore('twelve probes at the same moment all find the working keyring', async () => {
    // Each probe writes and removes an entry of its own: none removes another's mid-probe.
    const statuses = await Promise.all(
      Array.from({ length: 12 }, () => keyringStatus({ service })),
    );
    expect(statuses.filter((status) => !status.available)).toEqual([]);
  });
});

describe('without a credential store', () => {
  it('names the store and what to do on each platform', () => {
    expect(['linux', 'darwin', 'win32'].map((p) => keyringName(p as NodeJS.Platform))).toEqual([
      'the Secret Service keyring',
      'the macOS Keychain',
      'the Windows Credential Manager',
    ]);
    for (const platform of ['linux', 'darwin', 'win32'] as const)
      expect(keyringHint(platform)).toMatch(/or use the file store\.$/);
  });

  kernelKeys(
    "writes nothing to the kernel's key store when there is no Secret Service (probe and save)",
    async () => {
      // Left to itself the binding falls back to the kernel's key store without a Secret
      // Service, keeping what a failed write was given (and on Node 22 and later it cannot
      // remove it again); keyring-store's entries are pinned to the Secret Service.
      const service = `installed-oauth-kernel-${process.pid}-${Date.now()}`;
      const program = fileURLToPath(new URL('./fixtures/no-keyring.mjs', import.meta.url));
      const env = { PATH: process.env.PATH, HOME: await mkdtemp(join(tmpdir(), 'no-bus-')) };
      for (const what of ['status', 'save'])
        await run(process.execPath, [program, what, service], { env });
      const left = async () =>
        (await readFile('/proc/keys', 'utf8'))
          .split('\n')
          .filter((line) => line.includes(`@${service}:`));
      // A removed key is collected by the kernel a moment later: wait for that, bounded.
      for (let waited = 0; (await left()).length > 0 && waited < 60_000; waited += 100)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await left()).toEqual([]);
    },
  );

  itWith(linux('a session without D-Bus, so without a Secret Service'))(
    'says so, with what to do, when no Secret Service answers (a session without a bus)',
    async () => {
      // A process with no session bus to find: no address, no runtime folder with one.
      const program = fileURLToPath(new URL('./fixtures/no-keyring.mjs', import.meta.url));
      const env = { PATH: process.env.PATH, HOME: await mkdtemp(join(tmpdir(), 'no-bus-')) };
      const ask = async (what: string) =>
        JSON.parse((await run(process.execPath, [program, what, service], { env })).stdout);
      const [status, error] = [await ask('status'), await ask('save')];
      // A sign-in is refused before any browser is sent to Google's consent screen.
      const folder = await mkdtemp(join(tmpdir(), 'no-bus-accounts-'));
      const signIn = JSON.parse(
        (await run(process.execPath, [program, 'sign-in', service, folder], { env })).stdout,
      );
      expect(signIn).toEqual({
        code: 'TOKEN_STORE_ERROR',
        message: expect.stringMatching(/^Cannot save in the Secret Service keyring: /),
        urlsBuilt: 0,
      });
      expect(status).toMatchObject({
        available: false,
        name: 'the Secret Service keyring',
        hint: expect.stringMatching(/^No Secret Service answered on the session bus/),
      });
      expect(error).toMatchObject({
        code: 'TOKEN_STORE_ERROR',
        message: expect.stringMatching(/^Cannot save in the Secret Service keyring: /),
        hint: expect.stringContaining('or use the file store'),
      });
    },
  );

  it('turns every failure of the platform store into a TOKEN_STORE_ERROR naming it', async () => {
    // The native binding is the boundary: here it fails as it does with no Secret Service.
    const refused = async () => {
      throw new Error("Couldn't access platform storage: AccessDenied");
    };
    const failing = () => ({
      getPassword: refused,
      setPassword: refused,
      deleteCredential: refused,
    });
    const secrets = secretStoreOver(failing, { service, namespace: 'client' });
    const name = keyringName();
    for (const [operation, doing] of [
      [() => secrets.get('a'), 'read from'],
      [() => secrets.set('a', 'x'), 'save in'],
      [() => secrets.delete('a'), 'delete from'],
    ] as const) {
      expect(await failure(operation())).toMatchObject({
        code: 'TOKEN_STORE_ERROR',
        message: `Cannot ${doing} ${name}: Couldn't access platform storage: AccessDenied.`,
        hint: keyringHint(),
      });
    }
    expect(await statusOver(failing, service)).toEqual({
      available: false,
      name,
      reason: "Couldn't access platform storage: AccessDenied",
      hint: keyringHint(),
    });
    // A binding that rejects with something other than an Error is reported the same way.
    const odd = async () => Promise.reject('locked');
    const oddEntry = () => ({ getPassword: odd, setPassword: odd, deleteCredential: odd });
    expect(
      (await failure(secretStoreOver(oddEntry, { service, namespace: 'c' }).get('a'))).message,
    ).toBe(`Cannot read from ${name}: locked.`);
    expect(await statusOver(oddEntry, service)).toMatchObject({
      available: false,
      reason: 'locked',
    });
  });

  it('tells an entry that is not there from a store that does not answer', async () => {
    // As on Linux without a Secret Service: reads find nothing, writes are refused.
    const entry = () => ({
      getPassword: async () => null,
      setPassword: async () => {
        throw new Error("Couldn't access platform storage: AccessDenied");
      },
      deleteCredential: async () => false,
    });
    expect(
      await failure(secretStoreOver(entry, { service, namespace: 'c' }).get('a')),
    ).toMatchObject({
      code: 'TOKEN_STORE_ERROR',
      message: `Cannot read from ${keyringName()}: Couldn't access platform storage: AccessDenied.`,
    });
    // A working store with nothing under the key: simply nothing.
    const working = () => ({
      getPassword: async () => null,
      setPassword: async () => {},
      deleteCredential: async () => true,
    });
    expect(await secretStoreOver(working, { service, namespace: 'c' }).get('a')).toBeUndefined();
  });

  it('refuses a store without a service name, before touching the keyring', () => {
    expect(() => createKeyringAccountStore({ directory, clientSecrets, service: ' ' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });
});
