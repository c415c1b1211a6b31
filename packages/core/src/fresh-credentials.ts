import type { ClientSecrets } from './client-secrets.js';
import { type Credentials, isExpired } from './credentials.js';
import { InstalledOAuthError, invalidArgument, isInstalledOAuthError } from './errors.js';
import type { FetchLike } from './openid-client-configuration.js';
import { refreshCredentials } from './refresh.js';
import type { TokenStore } from './token-store.js';

export interface FreshCredentialsOptions {
  store: TokenStore;
  clientSecrets: ClientSecrets;
  /** Refresh even when the stored access token still looks valid (e.g. after a 401). */
  forceRefresh?: boolean | undefined;
  fetch?: FetchLike | undefined;
}

/**
 * Loads credentials and refreshes them when the access token has expired, saving the result
 * (when the disk refuses the write, the refreshed credentials are still returned, unsaved).
 * Under the store's lock the credentials are loaded again, so when several processes start
 * with an expired token only the first sends a refresh request; the others use its result.
 *
 * @throws {InstalledOAuthError} `REAUTHENTICATION_REQUIRED` when nothing is stored or the
 *   refresh token no longer works.
 *
 * @example
 * ```ts
 * const clientSecrets = await readClientSecretsFile('client_secret.json');
 * const path = join(homedir(), '.config', 'my-app', 'credentials.json');
 * const store = createFileTokenStore({ path, clientSecrets });
 * const { accessToken } = await getFreshCredentials({ store, clientSecrets });
 * ```
 */
export async function getFreshCredentials(options: FreshCredentialsOptions): Promise<Credentials> {
  const { store } = options ?? {};
  if (typeof store?.load !== 'function' || typeof store.save !== 'function') {
    throw invalidArgument('getFreshCredentials(): "store" must be a TokenStore');
  }
  const current = await store.load();
  if (!current) throw notSignedIn();
  if (!options.forceRefresh && !isExpired(current)) return current;
  return (await refreshUnderLock(store, current, options)).credentials;
}

/** What {@link refreshUnderLock} got: the credentials, and why they were not saved, if not. */
export interface Refreshed {
  credentials: Credentials;
  /**
   * The store's error when the disk refused the write (full, read-only): the credentials are
   * valid for this run, and the next run refreshes again.
   */
  unsaved?: InstalledOAuthError | undefined;
}

/** A store error whose cause is a disk that refuses writes for now (see the file stores). */
function isUnwritable(error: unknown): error is InstalledOAuthError {
  return isInstalledOAuthError(error, 'TOKEN_STORE_ERROR') && error.details.reason === 'unwritable';
}

/**
 * Refreshes `current`, which was just loaded from `store`, under the store's lock: loaded again
 * there, since another process may have refreshed while this one waited for the lock. A disk
 * that refuses writes (full, read-only) does not stop the refresh: the lock is then not taken
 * (Google's refresh tokens do not rotate, so an unserialised refresh is harmless), the result is
 * not saved, and `unsaved` says why. Any other store failure is thrown.
 */
export async function refreshUnderLock(
  store: TokenStore,
  current: Credentials,
  options: {
    clientSecrets: ClientSecrets;
    forceRefresh?: boolean | undefined | undefined;
    fetch?: FetchLike | undefined | undefined;
  },
): Promise<Refreshed> {
  const refreshFrom = (credentials: Credentials) =>
    refreshCredentials({
      clientSecrets: options.clientSecrets,
      credentials,
      fetch: options.fetch,
    });
  const refresh = async (): Promise<Refreshed> => {
    const latest = await store.load();
    if (!latest) throw notSignedIn();
    const refreshedMeanwhile = latest.accessToken !== current.accessToken;
    if (!isExpired(latest) && (!options.forceRefresh || refreshedMeanwhile))
      return { credentials: latest };
    const refreshed = await refreshFrom(latest);
    try {
      await store.save(refreshed);
    } catch (error) {
      if (!isUnwritable(error)) throw error;
      return { credentials: refreshed, unsaved: error };
    }
    return { credentials: refreshed };
  };
  if (!store.withLock) return refresh();
  try {
    return await store.withLock(refresh);
  } catch (error) {
    // The lock itself could not be made: the disk refuses writes. Refresh in memory.
    if (!isUnwritable(error)) throw error;
    return { credentials: await refreshFrom(current), unsaved: error };
  }
}

function notSignedIn(): InstalledOAuthError {
  return new InstalledOAuthError(
    'REAUTHENTICATION_REQUIRED',
    'Not signed in: no stored credentials.',
    {
      hint: 'Sign in first.',
    },
  );
}
