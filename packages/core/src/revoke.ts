import { assertClientSecrets, type ClientSecrets } from './client-secrets.js';
import type { Credentials } from './credentials.js';
import { invalidArgument } from './errors.js';
import { isLoopbackHost } from './loopback-host.js';
import {
  createConfiguration,
  defaultRevocationEndpoint,
  type FetchLike,
} from './openid-client-configuration.js';
import { fromOpenIdClientError } from './openid-client-errors.js';

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
