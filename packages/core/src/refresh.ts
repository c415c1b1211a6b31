import { assertClientSecrets, type ClientSecrets } from './client-secrets.js';
import { type Credentials, credentialsFromTokenResponse } from './credentials.js';
import { InstalledOAuthError, invalidArgument } from './errors.js';
import { createConfiguration, type FetchLike } from './openid-client-configuration.js';
import { fromOpenIdClientError } from './openid-client-errors.js';
import { clockProblem } from './server-clock.js';

export interface RefreshOptions {
  clientSecrets: ClientSecrets;
  credentials: Credentials;
  fetch?: FetchLike | undefined;
}

/**
 * Gets a new access token with the refresh token. The result keeps the old refresh token
 * when the response omits one (Google's refresh responses do).
 *
 * @throws {InstalledOAuthError} `REAUTHENTICATION_REQUIRED` when the refresh token no longer
 *   works (`invalid_grant`: revoked, expired — 7 days for apps in "Testing" status — or
 *   missing); `NETWORK_ERROR`; `TOKEN_REQUEST_FAILED`.
 *
 * @example
 * ```ts
 * if (isExpired(credentials)) credentials = await refreshCredentials({ clientSecrets, credentials });
 * ```
 */
export async function refreshCredentials(options: RefreshOptions): Promise<Credentials> {
  const { clientSecrets, credentials } = options ?? {};
  assertClientSecrets(clientSecrets, 'refreshCredentials()');
  if (typeof credentials !== 'object' || credentials === null)
    throw invalidArgument('refreshCredentials(): "credentials" is required');
  if (!credentials.refreshToken) {
    throw new InstalledOAuthError(
      'REAUTHENTICATION_REQUIRED',
      'There is no refresh token to renew the access token with.',
      {
        hint: 'Sign in again; ask for offline access (access_type=offline) to get a refresh token.',
      },
    );
  }
  const { client, configuration, clock } = await createConfiguration(clientSecrets, {
    fetch: options.fetch,
  });
  let response: Awaited<ReturnType<typeof client.refreshTokenGrant>>;
  try {
    response = await client.refreshTokenGrant(configuration, credentials.refreshToken);
  } catch (error) {
    throw (
      clockProblem(clock, clientSecrets.tokenEndpoint, 'refresh', error) ??
      fromOpenIdClientError(client, error, 'refresh', clientSecrets.tokenEndpoint)
    );
  }
  const clockOff = clockProblem(clock, clientSecrets.tokenEndpoint, 'refresh');
  if (clockOff) throw clockOff;
  return credentialsFromTokenResponse(response, {
    receivedAt: Date.now(),
    previous: credentials,
  });
}
