import { useSandbox } from '@installed-oauth/test-support';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { refreshUnderLock } from '../src/fresh-credentials.js';
import {
  authorize,
  type ClientSecrets,
  type Credentials,
  getFreshCredentials,
  InstalledOAuthError,
  isInstalledOAuthError,
  type TokenStore,
} from '../src/index.js';
import { agentStrategy, DRIVE_SCOPE, sandboxSecrets, someCredentials } from './helpers.js';

const sandbox = useSandbox();
let clientSecrets: ClientSecrets;
beforeAll(() => {
  clientSecrets = sandboxSecrets(sandbox);
});

/** A TokenStore in memory; `beforeRefresh` plays another process acting while this one waits. */
function memoryStore(
  initial: Credentials | undefined,
  beforeRefresh?: (store: TokenStore) => Promise<void>,
): TokenStore & { saved: Credentials[] } {
  let current = initial;
  const saved: Credentials[] = [];
  const store: TokenStore & { saved: Credentials[] } = {
    saved,
    load: async () => current,
    save: async (credentials) => {
      saved.push(credentials);
      current = credentials;
    },
    delete: async () => {
      current = undefined;
    },
  };
  if (beforeRefresh) {
    store.withLock = async (task) => {
      await beforeRefresh(store);
      return task();
    };
  }
  return store;
}

describe('getFreshCredentials with stores other than the file store', () => {
  const signIn = () =>
    authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy: agentStrategy() });

  it('refreshes through a store that has no lock of its own', async () => {
    const signedIn = await signIn();
    const store = memoryStore({ ...signedIn, expiresAt: Date.now() - 1000 });
    const fresh = await getFreshCredentials({ store, clientSecrets });
    expect(fresh.accessToken).not.toBe(signedIn.accessToken);
    expect(store.saved).toEqual([fresh]);
  });

  it('says "not signed in" when another process signed out while this one waited', async () => {
    const store = memoryStore({ ...someCredentials, expiresAt: Date.now() - 1000 }, (self) =>
      self.delete(),
    );
    const error = await getFreshCredentials({ store, clientSecrets }).catch((e: unknown) => e);
    expect(isInstalledOAuthError(error, 'REAUTHENTICATION_REQUIRED')).toBe(true);
    expect((error as Error).message).toBe('Not signed in: no stored credentials.');
  });

  it('takes the token another process refreshed meanwhile, even when forced, without a request', async () => {
    const theirs = { ...someCredentials, accessToken: 'ya29.refreshed-by-the-other-process' };
    const store = memoryStore(someCredentials, (self) => self.save(theirs));
    const before = sandbox.counters.refreshGrants;
    expect(await getFreshCredentials({ store, clientSecrets, forceRefresh: true })).toEqual(theirs);
    expect(sandbox.counters.refreshGrants).toBe(before);
  });
});

describe('a disk that refuses writes (injected: the store fails as a full or read-only disk does)', () => {
  const signIn = () =>
    authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy: agentStrategy() });
  /** The store's error for a disk that refuses writes, as the file stores report it. */
  const diskRefuses = (errno: string) =>
    new InstalledOAuthError('TOKEN_STORE_ERROR', `Cannot write the file: ${errno}.`, {
      details: { reason: 'unwritable', errno },
    });

  it('refreshes in memory when the save fails, and says it was not saved', async () => {
    const signedIn = await signIn();
    const store = memoryStore({ ...signedIn, expiresAt: Date.now() - 1000 });
    store.save = async () => {
      throw diskRefuses('ENOSPC');
    };
    store.withLock = (task) => task();
    const refreshes = sandbox.counters.refreshGrants;
    const expired = (await store.load()) as Credentials;
    const { credentials, unsaved } = await refreshUnderLock(store, expired, { clientSecrets });
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
    expect(credentials.accessToken).not.toBe(signedIn.accessToken);
    expect(unsaved?.details).toMatchObject({ reason: 'unwritable', errno: 'ENOSPC' });
    // getFreshCredentials hands out the refreshed credentials all the same.
    expect((await getFreshCredentials({ store, clientSecrets })).accessToken).not.toBe(
      signedIn.accessToken,
    );
  });

  it('refreshes without the lock when the lock cannot be made, once', async () => {
    const signedIn = await signIn();
    const expired = { ...signedIn, expiresAt: Date.now() - 1000 };
    const store = memoryStore(expired);
    store.withLock = async () => {
      throw diskRefuses('EROFS');
    };
    const refreshes = sandbox.counters.refreshGrants;
    const { credentials, unsaved } = await refreshUnderLock(store, expired, { clientSecrets });
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
    expect(credentials.refreshToken).toBe(signedIn.refreshToken);
    expect(unsaved?.message).toBe('Cannot write the file: EROFS.');
    expect(store.saved).toEqual([]);
  });

  it('fails as before on any other store error', async () => {
    const store = memoryStore({ ...someCredentials, expiresAt: Date.now() - 1000 });
    store.withLock = async () => {
      throw new InstalledOAuthError('TOKEN_STORE_ERROR', 'Timed out waiting for the lock.');
    };
    const error = await getFreshCredentials({ store, clientSecrets }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('Timed out waiting for the lock.');
  });
});
