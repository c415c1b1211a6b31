import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useSandbox } from '@installed-oauth/test-support';
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  authorize,
  type ClientSecrets,
  type Credentials,
  credentialsFromTokenResponse,
  getFreshCredentials,
  InstalledOAuthError,
  isInstalledOAuthError,
  isLoopbackHost,
  parseClientSecrets,
  refreshCredentials,
  revokeCredentials,
  type TokenStore,
} from '../src/index.js';
import { agentStrategy, DRIVE_SCOPE, sandboxSecrets } from './helpers.js';

const sandbox = useSandbox();
let clientSecrets: ClientSecrets;
beforeAll(() => {
  clientSecrets = sandboxSecrets(sandbox);
});

const someCredentials: Credentials = credentialsFromTokenResponse(
  { access_token: 'ya29.x', refresh_token: '1//x', expires_in: 3600, scope: DRIVE_SCOPE },
  { receivedAt: Date.now() },
);

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

describe('bad arguments fail at once with a TypeError', () => {
  it.each([
    [
      'refreshCredentials without clientSecrets',
      () => refreshCredentials({ credentials: someCredentials } as never),
      /"clientSecrets" is required/,
    ],
    [
      'refreshCredentials without credentials',
      () => refreshCredentials({ clientSecrets } as never),
      /"credentials" is required/,
    ],
    [
      'revokeCredentials without clientSecrets',
      () => revokeCredentials({ credentials: someCredentials } as never),
      /"clientSecrets" is required/,
    ],
    [
      'revokeCredentials without credentials',
      () => revokeCredentials({ clientSecrets } as never),
      /"credentials" is required/,
    ],
    [
      'refreshCredentials without options',
      () => refreshCredentials(undefined as never),
      /"clientSecrets" is required/,
    ],
    [
      'revokeCredentials without options',
      () => revokeCredentials(undefined as never),
      /"clientSecrets" is required/,
    ],
    [
      'getFreshCredentials without options',
      () => getFreshCredentials(undefined as never),
      /"store" must be a TokenStore/,
    ],
    [
      'getFreshCredentials without a store',
      () => getFreshCredentials({ clientSecrets, store: {} as TokenStore }),
      /"store" must be a TokenStore/,
    ],
  ])('%s', async (_name, call, message) => {
    await expect(call()).rejects.toThrow(message);
    await expect(call()).rejects.toBeInstanceOf(TypeError);
  });
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

describe('isInstalledOAuthError', () => {
  it("tells the library's errors apart from others, and by code", () => {
    const error = new InstalledOAuthError('NETWORK_ERROR', 'offline');
    expect(isInstalledOAuthError(error)).toBe(true);
    expect(isInstalledOAuthError(error, 'NETWORK_ERROR')).toBe(true);
    expect(isInstalledOAuthError(error, 'TOKEN_STORE_ERROR')).toBe(false);
    expect(isInstalledOAuthError(new Error('offline'))).toBe(false);
  });
});

describe('loopback hosts (RFC 8252 §7.3, RFC 6761)', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['localhost', true],
    ['app.localhost', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['128.0.0.1', false],
    ['localhost.example.com', false],
    ['::2', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
