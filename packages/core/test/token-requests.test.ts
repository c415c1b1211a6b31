import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startUntrustedHttpsServer, useSandbox } from '@installed-oauth/test-support';
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  authorize,
  type ClientSecrets,
  parseClientSecrets,
  refreshCredentials,
  revokeCredentials,
} from '../src/index.js';
import { agentStrategy, DRIVE_SCOPE, failure, sandboxSecrets, someCredentials } from './helpers.js';

const sandbox = useSandbox();
let clientSecrets: ClientSecrets;
beforeAll(() => {
  clientSecrets = sandboxSecrets(sandbox);
});

async function listen(
  handler: Parameters<typeof createServer>[1],
): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the token request', () => {
  it('goes through an injected fetch', async () => {
    const seen: string[] = [];
    const credentials = await authorize({
      clientSecrets,
      scopes: [DRIVE_SCOPE],
      strategy: agentStrategy(),
      fetch: (url, init) => {
        seen.push(String(url));
        return fetch(url, init as RequestInit);
      },
    });
    expect(credentials.accessToken).toBeTruthy();
    expect(seen).toEqual([sandbox.tokenEndpoint]);
  });

  it('is sent without a client secret when the file has none (and the sandbox refuses it)', async () => {
    const { client_secret: _secret, ...withoutSecret } = sandbox.clientSecrets.installed;
    const publicClient = parseClientSecrets(
      { installed: withoutSecret },
      { allowInsecureTransport: true },
    );
    expect(publicClient.clientSecret).toBeUndefined();
    await expect(
      authorize({ clientSecrets: publicClient, scopes: [DRIVE_SCOPE], strategy: agentStrategy() }),
    ).rejects.toMatchObject({
      code: 'TOKEN_REQUEST_FAILED',
      details: { error: 'invalid_client' },
    });
  });
});

describe('revocation', () => {
  it('treats a token the server already considers invalid (Google: 400 invalid_token) as nothing left to revoke', async () => {
    const credentials = await authorize({
      clientSecrets,
      scopes: [DRIVE_SCOPE],
      strategy: agentStrategy(),
    });
    expect(await revokeCredentials({ clientSecrets, credentials })).toEqual({
      revoked: 'refresh_token',
      alreadyInvalid: false,
    });
    expect(await revokeCredentials({ clientSecrets, credentials })).toEqual({
      revoked: 'refresh_token',
      alreadyInvalid: true,
    });
  });

  it('revokes the access token when there is no refresh token', async () => {
    let body = '';
    const { server, url } = await listen((req, res) => {
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => res.writeHead(200).end());
    });
    try {
      const online = { ...someCredentials, refreshToken: undefined };
      const result = await revokeCredentials({
        clientSecrets,
        credentials: online,
        revocationEndpoint: `${url}/revoke`,
      });
      expect(result).toEqual({ revoked: 'access_token', alreadyInvalid: false });
      expect(new URLSearchParams(body).get('token_type_hint')).toBe('access_token');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('a certificate Node does not trust (a company proxy inspecting HTTPS)', () => {
  it('says what it is and how to make Node trust it, as NETWORK_ERROR with its reason', async () => {
    const untrusted = await startUntrustedHttpsServer((_req, res) => res.writeHead(500).end());
    const { origin } = untrusted;
    try {
      const secrets = parseClientSecrets({
        installed: {
          ...sandbox.clientSecrets.installed,
          auth_uri: `${origin}/o/oauth2/auth`,
          token_uri: `${origin}/token`,
        },
      });
      const error = await failure(
        refreshCredentials({ clientSecrets: secrets, credentials: someCredentials }),
      );
      expect(error.code).toBe('NETWORK_ERROR');
      expect(error.message).toBe(
        `Could not reach ${origin} while refreshing the access token: a certificate in the chain is not trusted by Node (DEPTH_ZERO_SELF_SIGNED_CERT) — probably a company proxy inspecting HTTPS.`,
      );
      expect(error.hint).toMatch(/^Set NODE_EXTRA_CA_CERTS to your company's root certificate/);
      expect(error.details).toEqual({
        reason: 'untrusted-certificate',
        certificate: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      });
    } finally {
      await untrusted.close();
    }
  });
});
