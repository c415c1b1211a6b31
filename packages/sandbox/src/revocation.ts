import type { IncomingMessage, ServerResponse } from 'node:http';
import type { createAuthorizationServer } from './authorization-server.js';
import { readForm } from './interactions.js';

type Provider = ReturnType<typeof createAuthorizationServer>;

export interface RevocationOptions {
  provider: Provider;
  clientId: string;
  clientSecret: string;
  /** Every grant that ends with `grantId`: all of its account's grants with the client. */
  grantsOf(grantId: string): string[];
  /** Called once per successful revocation with the grants it ended. */
  onRevoked(grantIds: string[]): void;
}

function sendJson(res: ServerResponse, status: number, body?: object): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

/**
 * Google's revocation endpoint (`POST /revoke`, `token=`), which oidc-provider's differs from in
 * three ways: client authentication is optional (Google needs none, as the token names its
 * client); revoking an access token or a refresh token ends the whole grant; and that grant is
 * the account's one grant with the client, so every sign-in of that account with that client
 * ends, with all its tokens. A token that is unknown, expired or already revoked gets
 * 400 `invalid_token`, as at Google (RFC 7009 would allow 200).
 */
export function createRevocationHandler(options: RevocationOptions) {
  const { provider } = options;

  async function endGrant(grantId: string): Promise<void> {
    await Promise.all([
      provider.AccessToken.revokeByGrantId(grantId),
      provider.RefreshToken.revokeByGrantId(grantId),
      provider.AuthorizationCode.revokeByGrantId(grantId),
      provider.Grant.adapter.destroy(grantId),
    ]);
  }

  return async function revoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'invalid_request' });
    const form = await readForm(req);
    const clientId = form.get('client_id');
    if (clientId !== null) {
      const secret = form.get('client_secret');
      if (clientId !== options.clientId || (secret !== null && secret !== options.clientSecret))
        return sendJson(res, 401, { error: 'invalid_client' });
    }
    const value = form.get('token') ?? '';
    const token =
      (value && (await provider.RefreshToken.find(value))) ||
      (value && (await provider.AccessToken.find(value))) ||
      undefined;
    if (!token || token.isExpired || token.clientId !== options.clientId) {
      return sendJson(res, 400, {
        error: 'invalid_token',
        error_description: 'Token expired or revoked',
      });
    }
    const grantIds = token.grantId ? options.grantsOf(token.grantId) : [];
    await token.destroy();
    await Promise.all(grantIds.map(endGrant));
    options.onRevoked(grantIds);
    sendJson(res, 200);
  };
}
