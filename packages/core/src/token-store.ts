import type { ClientSecrets } from './client-secrets.js';
import type { FetchLike } from './configuration.js';
import { type Credentials, isExpired } from './credentials.js';
import { InstalledOAuthError, invalidArgument } from './errors.js';
import { refreshCredentials } from './refresh.js';

/**
 * Where credentials live between runs. `@installed-oauth/core/node` has a file store; write
 * your own for a keychain or a database. Implementations report failures as
 * `InstalledOAuthError` (`TOKEN_STORE_ERROR`, `INVALID_CREDENTIALS_FILE`).
 */
export interface TokenStore {
  /** The stored credentials, or undefined when there are none. */
  load(): Promise<Credentials | undefined>;
  /** Replaces the stored credentials in one step: a reader sees the old or the new, never half. */
  save(credentials: Credentials): Promise<void>;
  /** Removes the stored credentials; no error when there are none. */
  delete(): Promise<void>;
  /**
   * Runs `task` while holding a lock that other processes using the same store respect, so
   * that two of them never refresh at once. Optional: without it, refreshes are not serialised.
   */
  withLock?<T>(task: () => Promise<T>): Promise<T>;
}

export interface FreshCredentialsOptions {
  store: TokenStore;
  clientSecrets: ClientSecrets;
  /** Refresh even when the stored access token still looks valid (e.g. after a 401). */
  forceRefresh?: boolean;
  fetch?: FetchLike;
}

/**
 * Loads credentials and refreshes them when the access token has expired, saving the result.
 * Under the store's lock the credentials are loaded again, so when several processes start
 * with an expired token only the first sends a refresh request; the others use its result.
 *
 * @throws {InstalledOAuthError} `REAUTHENTICATION_REQUIRED` when nothing is stored or the
 *   refresh token no longer works.
 *
 * @example
 * ```ts
 * const store = createFileTokenStore({ path: '~/.config/my-app/credentials.json' });
 * const { accessToken } = await getFreshCredentials({ store, clientSecrets });
 * ```
 */
export async function getFreshCredentials(options: FreshCredentialsOptions): Promise<Credentials> {
  const { store, clientSecrets } = options ?? {};
  if (typeof store?.load !== 'function' || typeof store.save !== 'function') {
    throw invalidArgument('getFreshCredentials(): "store" must be a TokenStore');
  }
  const notSignedIn = () =>
    new InstalledOAuthError('REAUTHENTICATION_REQUIRED', 'Not signed in: no stored credentials.', {
      hint: 'Sign in first.',
    });

  const current = await store.load();
  if (!current) throw notSignedIn();
  if (!options.forceRefresh && !isExpired(current)) return current;

  const refresh = async () => {
    const latest = await store.load();
    if (!latest) throw notSignedIn();
    // Another process may have refreshed while this one waited for the lock.
    const refreshedMeanwhile = latest.accessToken !== current.accessToken;
    if (!isExpired(latest) && (!options.forceRefresh || refreshedMeanwhile)) return latest;
    const refreshed = await refreshCredentials({
      clientSecrets,
      credentials: latest,
      fetch: options.fetch,
    });
    await store.save(refreshed);
    return refreshed;
  };
  return store.withLock ? store.withLock(refresh) : refresh();
}
