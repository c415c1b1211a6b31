import type { ClientSecrets } from './client-secrets.js';
import { type Credentials, isExpired } from './credentials.js';
import { InstalledOAuthError, invalidArgument } from './errors.js';
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
 * Loads credentials and refreshes them when the access token has expired, saving the result.
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
  return refreshStored(store, current, options);
}

/**
 * Refreshes `current`, which was just loaded from `store`, under the store's lock: loaded again
 * there, since another process may have refreshed while this one waited for the lock.
 */
export async function refreshStored(
  store: TokenStore,
  current: Credentials,
  options: {
    clientSecrets: ClientSecrets;
    forceRefresh?: boolean | undefined | undefined;
    fetch?: FetchLike | undefined | undefined;
  },
): Promise<Credentials> {
  const refresh = async () => {
    const latest = await store.load();
    if (!latest) throw notSignedIn();
    const refreshedMeanwhile = latest.accessToken !== current.accessToken;
    if (!isExpired(latest) && (!options.forceRefresh || refreshedMeanwhile)) return latest;
    const refreshed = await refreshCredentials({
      clientSecrets: options.clientSecrets,
      credentials: latest,
      fetch: options.fetch,
    });
    await store.save(refreshed);
    return refreshed;
  };
  return store.withLock ? store.withLock(refresh) : refresh();
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
