import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountIdOf } from '@installed-oauth/sandbox';
import { expectModeWherePosix, revokeAtServer, useSandbox } from '@installed-oauth/test-support';
import { beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  type AccountStore,
  type ClientSecrets,
  createInstalledApp,
  type InstalledApp,
  InstalledOAuthError,
  parseClientSecrets,
  type SecretStore,
} from '../src/index.js';
import { createFileAccountStore } from '../src/node/index.js';
import { agentStrategy, DRIVE_SCOPE, failure, sandboxSecrets } from './helpers.js';

const sandbox = useSandbox();
let clientSecrets: ClientSecrets;
let directory: string;
beforeAll(() => {
  clientSecrets = sandboxSecrets(sandbox);
});
beforeEach(async () => {
  directory = join(await mkdtemp(join(tmpdir(), 'core-app-')), 'accounts');
});

const SCOPES = ['openid', 'email', DRIVE_SCOPE];
const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
// The sandbox gives accounts Google-like numeric ids, apart from their addresses.
const ALICE_ID = accountIdOf(ALICE);
const BOB_ID = accountIdOf(BOB);

function app(folder = directory): InstalledApp {
  return createInstalledApp({
    clientSecrets,
    scopes: SCOPES,
    store: createFileAccountStore({ directory: folder, clientSecrets }),
  });
}

describe('createInstalledApp(): stored credentials, else sign in', () => {
  it('signs in on first use, then uses the stored account without a request', async () => {
    const signedIn = await app().getCredentials({
      signIn: { strategy: agentStrategy({ login: ALICE }) },
    });
    expect(signedIn).toMatchObject({ id: ALICE_ID, email: ALICE });
    expect(signedIn.credentials.refreshToken).toBeTruthy();

    const exchanges = sandbox.counters.authorizationCodeGrants;
    const refreshes = sandbox.counters.refreshGrants;
    const again = await app().getCredentials();
    expect(again.credentials.accessToken).toBe(signedIn.credentials.accessToken);
    expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges);
    expect(sandbox.counters.refreshGrants).toBe(refreshes);
  });

  it('without a sign-in allowed, says "not signed in" (REAUTHENTICATION_REQUIRED)', async () => {
    const error = await failure(app().getCredentials());
    expect(error.code).toBe('REAUTHENTICATION_REQUIRED');
    expect(error.message).toBe('Not signed in.');
    const named = await failure(app().getCredentials({ account: BOB }));
    expect(named.message).toBe(`The account ${BOB} is not signed in.`);
  });

  it('refreshes an expired access token once, under the lock, and keeps the refresh token', async () => {
    const first = await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    const refreshes = sandbox.counters.refreshGrants;
    const refreshed = await app().getCredentials({ forceRefresh: true });
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
    expect(refreshed.credentials.accessToken).not.toBe(first.credentials.accessToken);
    expect(refreshed.credentials.refreshToken).toBe(first.credentials.refreshToken);
  });

  it('signs in again when the grant is gone, when allowed to; otherwise says so', async () => {
    const first = await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    await revokeAtServer(sandbox, first.credentials.refreshToken ?? '');
    const dead = await failure(app().getCredentials({ forceRefresh: true }));
    expect(dead.code).toBe('REAUTHENTICATION_REQUIRED');

    const exchanges = sandbox.counters.authorizationCodeGrants;
    const renewed = await app().getCredentials({
      forceRefresh: true,
      signIn: { strategy: agentStrategy({ login: ALICE }) },
    });
    expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 1);
    expect(renewed.id).toBe(ALICE_ID);
    expect(renewed.credentials.refreshToken).not.toBe(first.credentials.refreshToken);
    expect((await app().accounts()).map((account) => account.id)).toEqual([ALICE_ID]);
  });
});

describe('createInstalledApp(): several accounts', () => {
  it('keeps each account apart: a second sign-in never touches the first', async () => {
    const alice = await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    const bob = await app().signIn({ strategy: agentStrategy({ login: BOB }) });
    expect((await app().accounts()).map((account) => account.email)).toEqual([ALICE, BOB]);
    expect((await app().getCredentials()).id).toBe(BOB_ID); // the latest sign-in is active
    expect((await app().getCredentials({ account: BOB })).credentials.accessToken).toBe(
      bob.credentials.accessToken,
    );
    expect((await app().getCredentials({ account: ALICE })).credentials.refreshToken).toBe(
      alice.credentials.refreshToken,
    );
    const files = (await readdir(directory)).sort();
    expect(files).toEqual(['accounts.json', `${ALICE_ID}.json`, `${BOB_ID}.json`].sort()); // no lock left
    for (const file of [`${ALICE_ID}.json`, `${BOB_ID}.json`]) {
      await expectModeWherePosix(join(directory, file), 0o600);
      expect(JSON.parse(await readFile(join(directory, file), 'utf8'))).toMatchObject({
        type: 'authorized_user',
        client_id: sandbox.clientId,
      });
    }
  });

  it('acts as the active account: the latest sign-in, or the one switched to, kept in accounts.json', async () => {
    await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    await app().signIn({ strategy: agentStrategy({ login: BOB }) });
    expect(await app().activeAccount()).toBe(BOB_ID);
    const switched = await app().switchAccount(ALICE); // by e-mail address
    expect([switched.id, switched.email]).toEqual([ALICE_ID, ALICE]);
    // Another app over the same folder (another process) sees the choice.
    expect(await app().activeAccount()).toBe(ALICE_ID);
    expect((await app().getCredentials()).id).toBe(ALICE_ID);
    expect(JSON.parse(await readFile(join(directory, 'accounts.json'), 'utf8'))).toEqual({
      accounts: [ALICE_ID, BOB_ID],
      active: ALICE_ID,
    });
    expect(await app().findAccount(BOB)).toBe(BOB_ID);
    expect(await app().findAccount('nobody@example.com')).toBeUndefined();
  });

  it('falls back to the earliest signed in when the active account is signed out or its file removed', async () => {
    await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    await app().signIn({ strategy: agentStrategy({ login: BOB }) });
    await app().signOut(); // the active one, Bob
    expect(await app().activeAccount()).toBe(ALICE_ID);
    await app().signIn({ strategy: agentStrategy({ login: BOB }) });
    await rm(join(directory, `${BOB_ID}.json`)); // by hand
    expect(await app().activeAccount()).toBe(ALICE_ID);
  });

  it('with a store that keeps no choice, the earliest acts and switchAccount says why it cannot', async () => {
    const files = createFileAccountStore({ directory, clientSecrets });
    const plain = createInstalledApp({
      clientSecrets,
      scopes: SCOPES,
      store: { accounts: files.accounts, account: files.account, withLock: files.withLock },
    });
    await plain.signIn({ strategy: agentStrategy({ login: ALICE }) });
    await plain.signIn({ strategy: agentStrategy({ login: BOB }) });
    expect(await plain.activeAccount()).toBe(ALICE_ID);
    await expect(plain.switchAccount(BOB)).rejects.toThrow(
      'switchAccount(): the store keeps no active account (no setActiveAccount)',
    );
  });

  it('switchAccount: a name nobody signed in with is REAUTHENTICATION_REQUIRED, not-signed-in', async () => {
    await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    const error = await failure(app().switchAccount('nobody@example.com'));
    expect([error.code, error.details.reason]).toEqual([
      'REAUTHENTICATION_REQUIRED',
      'not-signed-in',
    ]);
    expect(await app().activeAccount()).toBe(ALICE_ID);
  });

  it('keeps the stored refresh token of the same account when Google skips the consent screen', async () => {
    const first = await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    const exchanges = sandbox.counters.authorizationCodeGrants;
    const again = await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    // One round trip: no consent asked, and no refresh token sent (as at Google).
    expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 1);
    expect(again.credentials.refreshToken).toBe(first.credentials.refreshToken);
  });

  it('asks again with the consent screen when Google skips it and the stored refresh token no longer works', async () => {
    const first = await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    // As for an app in "Testing" status after 7 days: the token is dead, the consent remembered.
    await sandbox.expireRefreshToken(first.credentials.refreshToken ?? '');
    const urls: URL[] = [];
    const again = await app().signIn({
      strategy: agentStrategy({ login: ALICE, onUrl: (url) => urls.push(url) }),
    });
    expect(urls.map((url) => url.searchParams.get('prompt'))).toEqual([null, 'consent']);
    expect(again.credentials.refreshToken).toEqual(expect.any(String));
    expect(again.credentials.refreshToken).not.toBe(first.credentials.refreshToken);
    // The account that was saved works: no "signed in", then "sign in again".
    expect((await app().getCredentials({ account: ALICE, forceRefresh: true })).id).toBe(ALICE_ID);
  });

  it('asks once more, with the consent screen, for an account that authorized the client before but has no refresh token here', async () => {
    // Alice authorized this client in another folder (another machine, a deleted config).
    const elsewhere = join(await mkdtemp(join(tmpdir(), 'core-app-')), 'accounts');
    await app(elsewhere).signIn({ strategy: agentStrategy({ login: BOB }) });
    await app(elsewhere).signIn({ strategy: agentStrategy({ login: ALICE }) });
    // Here Bob is stored, so the first round skips consent: Google sends Alice no refresh token.
    await app().signIn({ strategy: agentStrategy({ login: BOB }) });
    const urls: URL[] = [];
    const exchanges = sandbox.counters.authorizationCodeGrants;
    const alice = await app().signIn({
      strategy: agentStrategy({ login: ALICE, onUrl: (url) => urls.push(url) }),
    });
    expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 2);
    expect(urls.map((url) => url.searchParams.get('prompt'))).toEqual([null, 'consent']);
    expect(urls[1]?.searchParams.get('login_hint')).toBe(ALICE);
    expect(alice.credentials.refreshToken).toBeTruthy();
    const refreshes = sandbox.counters.refreshGrants;
    await app().getCredentials({ account: ALICE, forceRefresh: true });
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
  });

  it('signs one account out (revoked at the server, deleted here) while the other keeps working', async () => {
    const alice = await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    await app().signIn({ strategy: agentStrategy({ login: BOB }) });
    expect(await app().signOut({ account: ALICE })).toEqual({
      account: ALICE_ID,
      revocation: 'revoked',
    });
    expect((await app().accounts()).map((account) => account.id)).toEqual([BOB_ID]);
    expect((await app().getCredentials({ forceRefresh: true })).id).toBe(BOB_ID);
    const response = await fetch(sandbox.tokenEndpoint, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: alice.credentials.refreshToken ?? '',
        client_id: sandbox.clientId,
        client_secret: sandbox.clientSecret,
      }),
    });
    expect(response.status).toBe(400); // the grant ended at the server
    expect(await app().signOut({ account: ALICE })).toEqual({
      account: undefined,
      revocation: 'not-attempted',
    });
  });

  it('deletes locally when the server cannot be reached, and says the revocation failed', async () => {
    await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    const offline = createInstalledApp({
      clientSecrets,
      scopes: SCOPES,
      store: createFileAccountStore({ directory, clientSecrets }),
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    const result = await offline.signOut();
    expect(result).toMatchObject({ account: ALICE_ID, revocation: 'failed' });
    expect(result.error?.code).toBe('NETWORK_ERROR');
    expect(await offline.accounts()).toEqual([]);
  });

  it('removes a corrupt account file on sign-out, with nothing to revoke', async () => {
    const store = createFileAccountStore({ directory, clientSecrets });
    await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    await writeFile(store.pathOf(ALICE_ID), '{ not json');
    expect(await app().accounts()).toEqual([]); // unreadable ones are left out
    expect(await app().signOut({ account: ALICE_ID })).toEqual({
      account: ALICE_ID,
      revocation: 'not-attempted',
    });
    expect(await store.accounts()).toEqual([]);
  });

  it('finds an account by its e-mail address as well as by its id', async () => {
    await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    expect((await app().getCredentials({ account: ALICE })).id).toBe(ALICE_ID);
    expect((await app().getCredentials({ account: ALICE_ID })).email).toBe(ALICE);
    expect(await app().signOut({ account: 'nobody@example.com' })).toEqual({
      account: undefined,
      revocation: 'not-attempted',
    });
  });
});

describe("createInstalledApp(): writers take turns under the store's lock", () => {
  /**
   * The file store of `directory`, whose lock waits for `gate` first: a process that has read
   * the store and is about to refresh, held at the lock while another process acts.
   */
  function heldAtTheLock() {
    const inner = createFileAccountStore({ directory, clientSecrets });
    let open!: () => void;
    let arrived!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const waiting = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const withLock = async <T>(task: () => Promise<T>) => {
      arrived();
      await gate;
      return inner.withLock(task);
    };
    const store: AccountStore = {
      accounts: () => inner.accounts(),
      account: (id) => ({ ...inner.account(id), withLock }),
      withLock,
    };
    const held = createInstalledApp({ clientSecrets, scopes: SCOPES, store });
    /** `waiting` resolves once the held process has read the store and asks for the lock. */
    return { held, waiting, open };
  }

  it('a refresh held at the lock while another process signs out does not bring the account back', async () => {
    await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    const { held, waiting, open } = heldAtTheLock();
    const refreshing = held.getCredentials({ forceRefresh: true });
    refreshing.catch(() => {});
    await waiting;
    expect(await app().signOut()).toMatchObject({ account: ALICE_ID, revocation: 'revoked' });
    open();
    expect((await failure(refreshing)).code).toBe('REAUTHENTICATION_REQUIRED');
    expect(await app().accounts()).toEqual([]);
    expect(await readdir(directory)).not.toContain(`${ALICE_ID}.json`);
  });

  it('a refresh held at the lock while another process signs in again takes the new sign-in, sending nothing', async () => {
    await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    const { held, waiting, open } = heldAtTheLock();
    const refreshing = held.getCredentials({ forceRefresh: true });
    await waiting;
    const renewed = await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    const refreshes = sandbox.counters.refreshGrants;
    open();
    expect((await refreshing).credentials.accessToken).toBe(renewed.credentials.accessToken);
    expect(sandbox.counters.refreshGrants).toBe(refreshes);
  });
});

describe('createInstalledApp(): files it cannot use', () => {
  it("replaces another client's credentials file when a sign-in is allowed, and reports it otherwise", async () => {
    const store = createFileAccountStore({ directory, clientSecrets });
    await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    const path = store.pathOf(ALICE_ID);
    const json = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...json, client_id: 'another.apps.example' }));
    expect((await failure(app().getCredentials())).message).toMatch(
      /belong to another OAuth client/,
    );
    const renewed = await app().getCredentials({
      signIn: { strategy: agentStrategy({ login: ALICE }) },
    });
    expect(renewed.id).toBe(ALICE_ID);
    expect(JSON.parse(await readFile(path, 'utf8')).client_id).toBe(sandbox.clientId);
  });

  it('refuses a client file whose token endpoint is not the one that issued the credentials', async () => {
    await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    const path = createFileAccountStore({ directory, clientSecrets }).pathOf(ALICE_ID);
    await writeFile(
      path,
      JSON.stringify({
        ...JSON.parse(await readFile(path, 'utf8')),
        expiry: new Date(Date.now() - 60_000).toISOString(),
      }),
    );
    // The same client id and secret, as a planted client_secret.json would copy them, with
    // another (attacker's) token endpoint.
    const planted = parseClientSecrets(
      {
        installed: {
          ...sandbox.clientSecrets.installed,
          token_uri: 'https://tokens.attacker.example/token',
        },
      },
      { allowInsecureTransport: true },
    );
    const sent: string[] = [];
    const spy = createInstalledApp({
      clientSecrets: planted,
      scopes: SCOPES,
      store: createFileAccountStore({ directory, clientSecrets: planted }),
      fetch: async (url) => {
        sent.push(String(url));
        throw new Error('nothing may be sent');
      },
    });
    const refused = await failure(
      spy.getCredentials({ signIn: { strategy: agentStrategy({ login: ALICE }) } }),
    );
    expect(refused).toMatchObject({
      code: 'INVALID_CLIENT_SECRETS',
      details: { reason: 'other-endpoint', path },
    });
    expect(refused.message).toBe(
      `The client configuration names the token endpoint https://tokens.attacker.example/token, but the credentials in ${path} were issued by ${sandbox.tokenEndpoint}; their refresh token is sent to no other endpoint.`,
    );
    expect(sent).toEqual([]);
    // Nor is it revoked there or deleted: with the right client file it can still be revoked.
    expect((await failure(spy.signOut())).code).toBe('INVALID_CLIENT_SECRETS');
    expect(sent).toEqual([]);
    expect(JSON.parse(await readFile(path, 'utf8')).token_uri).toBe(sandbox.tokenEndpoint);
    // The genuine client file still works.
    expect((await app().getCredentials()).id).toBe(ALICE_ID);
  });

  it('keeps the order of sign-in when accounts.json is damaged, and reports a folder it cannot read', async () => {
    await app().signIn({ strategy: agentStrategy({ login: BOB }) });
    await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    const store = createFileAccountStore({ directory, clientSecrets });
    expect(await store.accounts()).toEqual([BOB_ID, ALICE_ID]);
    await writeFile(join(directory, 'accounts.json'), 'not json');
    // The files are still there; only the order is lost (by name now).
    expect(await store.accounts()).toEqual([BOB_ID, ALICE_ID].sort());
    const notAFolder = join(directory, `${ALICE_ID}.json`);
    const broken = createFileAccountStore({ directory: notAFolder, clientSecrets });
    expect((await failure(broken.accounts())).message).toBe(
      `Cannot list ${notAFolder}: a part of the path is not a folder.`,
    );
  });

  it('says which account a second round of consent was completed with, when it is another', async () => {
    const elsewhere = join(await mkdtemp(join(tmpdir(), 'core-app-')), 'accounts');
    await app(elsewhere).signIn({ strategy: agentStrategy({ login: ALICE }) });
    await app().signIn({ strategy: agentStrategy({ login: BOB }) });
    // Alice first (no refresh token for her here), then Bob at the consent screen.
    const logins = [ALICE, BOB];
    const strategy = agentStrategy();
    const switching = {
      ...strategy,
      receive: (request: Parameters<typeof strategy.receive>[0]) =>
        agentStrategy({ login: logins.shift() ?? BOB }).receive(request),
    };
    const revocations = sandbox.counters.revocations;
    const error = await failure(app().signIn({ strategy: switching }));
    expect(error.code).toBe('AUTHORIZATION_FAILED');
    expect(error.message).toBe(
      'The second sign-in, asked for to get a refresh token, was completed with another account.',
    );
    expect((await app().accounts()).map((account) => account.id)).toEqual([BOB_ID]);
    // Bob's tokens from that round are dropped, not revoked: that would end the grant of the
    // Bob stored here too.
    expect(sandbox.counters.revocations).toBe(revocations);
    expect((await app().getCredentials({ account: BOB, forceRefresh: true })).id).toBe(BOB_ID);

    // Carol is not stored here, but her tokens are not revoked either: her one grant with this
    // client may hold a sign-in on another machine.
    const carolFirst = [ALICE, 'carol@example.com'];
    const toCarol = {
      ...strategy,
      receive: (request: Parameters<typeof strategy.receive>[0]) =>
        agentStrategy({ login: carolFirst.shift() ?? BOB }).receive(request),
    };
    expect((await failure(app().signIn({ strategy: toCarol }))).code).toBe('AUTHORIZATION_FAILED');
    expect(sandbox.counters.revocations).toBe(revocations);
  });
});

describe('createInstalledApp(): a store that cannot save', () => {
  it('says so before the browser opens, so that no one consents for tokens that would be dropped', async () => {
    const locked: SecretStore = {
      description: 'a locked keyring',
      get: async () => undefined,
      set: async () => {
        throw new Error('saved although check() said it cannot');
      },
      delete: async () => {},
      check: async () => {
        throw new InstalledOAuthError('TOKEN_STORE_ERROR', 'Cannot save in a locked keyring.');
      },
    };
    const urls: URL[] = [];
    const strategy = agentStrategy({ onUrl: (url) => urls.push(url) });
    const withLocked = createInstalledApp({
      clientSecrets,
      scopes: SCOPES,
      store: createFileAccountStore({ directory, clientSecrets, secrets: locked }),
    });
    expect(await failure(withLocked.signIn({ strategy }))).toMatchObject({
      code: 'TOKEN_STORE_ERROR',
      message: 'Cannot save in a locked keyring.',
    });
    // A folder that cannot be made (a file stands where it should be).
    await writeFile(`${directory}-file`, '');
    const blocked = createInstalledApp({
      clientSecrets,
      scopes: SCOPES,
      store: createFileAccountStore({
        directory: join(`${directory}-file`, 'accounts'),
        clientSecrets,
      }),
    });
    expect((await failure(blocked.signIn({ strategy }))).code).toBe('TOKEN_STORE_ERROR');
    expect(urls).toEqual([]);
    // Where new accounts go to files, the secret store is not asked.
    const toFiles = createFileAccountStore({
      directory,
      clientSecrets,
      secrets: locked,
      newAccountStorage: () => 'file',
    });
    await expect(toFiles.checkWritable()).resolves.toBeUndefined();
  });
});

describe('createInstalledApp(): a box left unticked (granular consent)', () => {
  it('keeps the stored sign-in working when a second sign-in leaves Drive unticked', async () => {
    await app().signIn({ strategy: agentStrategy({ login: ALICE }) });
    const revocations = sandbox.counters.revocations;

    const error = await failure(
      app().signIn({ strategy: agentStrategy({ login: ALICE, untick: [DRIVE_SCOPE] }) }),
    );

    expect(error.code).toBe('SCOPES_NOT_GRANTED');
    expect(error.message).toContain('"See information about your Google Drive files"');
    expect(sandbox.counters.revocations).toBe(revocations);
    // The stored account is the first sign-in's, and its refresh token still refreshes.
    const stored = await app().getCredentials({ account: ALICE, forceRefresh: true });
    expect(stored.id).toBe(ALICE_ID);
    expect(stored.credentials.scopes).toContain(DRIVE_SCOPE);
  });

  it('stores nothing when the first sign-in leaves Drive unticked', async () => {
    const error = await failure(
      app().signIn({ strategy: agentStrategy({ login: ALICE, untick: [DRIVE_SCOPE] }) }),
    );
    expect(error.code).toBe('SCOPES_NOT_GRANTED');
    expect(error.details.missingScopes).toEqual([DRIVE_SCOPE]);
    expect(await app().accounts()).toEqual([]);
  });
});

describe('createInstalledApp(): arguments', () => {
  it('checks its options once, with coded TypeErrors', () => {
    const store = createFileAccountStore({ directory, clientSecrets });
    expect(() => createInstalledApp(undefined as never)).toThrow(
      expect.objectContaining({
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_VALUE',
        message: '[@installed-oauth/core] createInstalledApp() takes an options object',
      }),
    );
    expect(() =>
      createInstalledApp({ clientSecrets: { ...clientSecrets }, scopes: SCOPES, store }),
    ).toThrow(/"clientSecrets" must come from parseClientSecrets\(\)/);
    expect(() => createInstalledApp({ clientSecrets, scopes: [], store })).toThrow(
      /"scopes" must be a non-empty array/,
    );
    expect(() => createInstalledApp({ clientSecrets, scopes: SCOPES, store: {} as never })).toThrow(
      /"store" must be an AccountStore/,
    );
  });

  it('refuses account ids that are not names', () => {
    const store = createFileAccountStore({ directory, clientSecrets });
    for (const id of ['../escape', '', 'a/b', 'x.json', '.hidden']) {
      expect(() => store.account(id)).toThrow(/is not an account id/);
    }
    expect(() => createFileAccountStore({ directory: '', clientSecrets })).toThrow(
      /"directory" must be a non-empty string/,
    );
  });
});
