import { assertClientSecrets, type ClientSecrets } from './client-secrets.js';
import type { Credentials } from './credentials.js';
import { InstalledOAuthError, invalidArgument } from './errors.js';
import { isLoopbackHost } from './loopback-host.js';
import {
  createConfiguration,
  defaultRevocationEndpoint,
  type FetchLike,
} from './openid-client-configuration.js';
import { fromOpenIdClientError } from './openid-client-errors.js';
import { sanitise } from './outside-text.js';

export interface RevokeOptions {
  clientSecrets: ClientSecrets;
  credentials: Credentials;
  /** Default: `/revoke` on the token endpoint's origin (Google: https://oauth2.googleapis.com/revoke). */
  revocationEndpoint?: string | undefined;
  fetch?: FetchLike | undefined;
}

export interface RevokeResult {
  /** Which token was sent: the refresh token when there is one, since that ends the grant. */
  revoked: 'refresh_token' | 'access_token';
  /** The server said the token was already invalid (revoked or expired): nothing left to revoke. */
  alreadyInvalid: boolean;
}

/**
 * Revokes the grant at the server (RFC 7009). The refresh token is revoked when present, not
 * only the access token, so the authorization really ends.
 *
 * @example
 * ```ts
 * await revokeCredentials({ clientSecrets, credentials });
 * await store.delete();
 * ```
 */
export async function revokeCredentials(options: RevokeOptions): Promise<RevokeResult> {
  const { clientSecrets, credentials, revocationEndpoint } = options ?? {};
  assertClientSecrets(clientSecrets, 'revokeCredentials()');
  if (typeof credentials !== 'object' || credentials === null)
    throw invalidArgument('revokeCredentials(): "credentials" is required');
  if (revocationEndpoint !== undefined) {
    const url = URL.parse(revocationEndpoint);
    const insecureAllowed =
      url?.protocol === 'http:' && clientSecrets.insecureTransport && isLoopbackHost(url.hostname);
    if (!url || (url.protocol !== 'https:' && !insecureAllowed)) {
      throw invalidArgument(
        `revokeCredentials(): "revocationEndpoint" must be an https URL, got ${JSON.stringify(revocationEndpoint)}`,
      );
    }
  }
  const endpoint = revocationEndpoint ?? defaultRevocationEndpoint(clientSecrets);
  const { client, configuration } = await createConfiguration(clientSecrets, {
    revocationEndpoint: endpoint,
    fetch: options.fetch,
  });
  const revoked = credentials.refreshToken ? 'refresh_token' : 'access_token';
  const token = credentials.refreshToken ?? credentials.accessToken;
  try {
    await client.tokenRevocation(configuration, token, { token_type_hint: revoked });
    return { revoked, alreadyInvalid: false };
  } catch (error) {
    // Google answers 400 invalid_token for a token that is already revoked or expired.
    if (
      error instanceof client.ResponseBodyError &&
      (error.error === 'invalid_token' || error.error === 'invalid_grant')
    ) {
      return { revoked, alreadyInvalid: true };
    }
    throw fromOpenIdClientError(client, error, 'revoke', endpoint);
  }
}

export interface RevokeTokenOptions {
  /** The refresh token (ends the whole grant) or an access token. */
  token: string;
  /** Google's is https://oauth2.googleapis.com/revoke; http only for loopback IP literals. */
  revocationEndpoint: string;
  fetch?: FetchLike | undefined;
}

/**
 * Revokes one token without client authentication, as Google's revocation endpoint allows
 * (the token names its client): for tokens of another client than the one at hand, such as a
 * stored sign-in made with an older client file, which `revokeCredentials` would send with the
 * wrong client's credentials.
 *
 * @example
 * ```ts
 * await revokeToken({ token: refreshToken, revocationEndpoint: 'https://oauth2.googleapis.com/revoke' });
 * ```
 */
export async function revokeToken(
  options: RevokeTokenOptions,
): Promise<{ alreadyInvalid: boolean }> {
  const { token, revocationEndpoint } = options ?? {};
  if (typeof token !== 'string' || token === '')
    throw invalidArgument('revokeToken(): "token" must be a non-empty string');
  const url = URL.parse(String(revocationEndpoint));
  const local = url?.protocol === 'http:' && ['127.0.0.1', '[::1]'].includes(url.hostname);
  if (!url || (url.protocol !== 'https:' && !local)) {
    throw invalidArgument(
      `revokeToken(): "revocationEndpoint" must be an https URL, got ${JSON.stringify(revocationEndpoint)}`,
    );
  }
  const send = options.fetch ?? ((target, init) => fetch(target, init as RequestInit));
  let response: Response;
  try {
    response = await send(url.href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
      redirect: 'manual',
    });
  } catch (error) {
    throw new InstalledOAuthError(
      'NETWORK_ERROR',
      `Could not reach ${url.origin} while revoking the token: ${sanitise(String((error as Error)?.message ?? error))}.`,
      { cause: error, hint: 'Check the network connection (and any proxy), then try again.' },
    );
  }
  if (response.ok) return { alreadyInvalid: false };
  const body = (await response.json().catch(() => ({}))) as { error?: unknown };
  // Google answers 400 invalid_token for a token that is already revoked or expired.
  if (response.status === 400 && (body.error === 'invalid_token' || body.error === 'invalid_grant'))
    return { alreadyInvalid: true };
  throw new InstalledOAuthError(
    'TOKEN_REQUEST_FAILED',
    `The server refused revoking the token: HTTP ${response.status}${typeof body.error === 'string' ? ` ${sanitise(body.error)}` : ''}.`,
    { details: { status: response.status } },
  );
}
