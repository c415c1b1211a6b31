import { type Sandbox, startSandbox } from '@installed-oauth/sandbox';
import { closedPort } from '@installed-oauth/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  authorize,
  type ClientSecrets,
  type Credentials,
  type InstalledOAuthError,
  refreshCredentials,
  revokeCredentials,
  revokeToken,
} from '../src/index.js';
import {
  agentStrategy,
  DRIVE_SCOPE,
  expectNoSecrets,
  sandboxSecrets,
  someCredentials,
} from './helpers.js';

let sandbox: Sandbox;
let clientSecrets: ClientSecrets;
beforeAll(async () => {
  sandbox = await startSandbox({ accessTokenTtl: 120 });
  clientSecrets = sandboxSecrets(sandbox);
});
afterAll(() => sandbox.close());

const signIn = () => authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy: agentStrategy() });

async function listStatus(credentials: Credentials): Promise<number> {
  const response = await fetch(`${sandbox.driveApiRoot}drive/v3/files?pageSize=1`, {
    headers: { authorization: `Bearer ${credentials.accessToken}` },
  });
  return response.status;
}

describe('refreshCredentials', () => {
  it('gets a new access token and keeps the refresh token the response omits', async () => {
    const credentials = await signIn();
    const refreshed = await refreshCredentials({ clientSecrets, credentials });
    expect(refreshed.accessToken).not.toBe(credentials.accessToken);
    expect(refreshed.refreshToken).toBe(credentials.refreshToken);
    expect(refreshed.scopes).toEqual([DRIVE_SCOPE]);
    expect(await listStatus(refreshed)).toBe(200);
  });

  it('asks to sign in again, mentioning the 7-day Testing expiry, on invalid_grant', async () => {
    const credentials = await signIn();
    await revokeCredentials({ clientSecrets, credentials });
    try {
      await refreshCredentials({ clientSecrets, credentials });
      throw new Error('expected a throw');
    } catch (error) {
      const failure = error as InstalledOAuthError;
      expect(failure.code).toBe('REAUTHENTICATION_REQUIRED');
      expect(failure.message).toMatch(/invalid_grant/);
      expect(failure.hint).toMatch(/7 days/);
      expectNoSecrets(`${failure.message} ${failure.hint}`, [
        credentials.refreshToken ?? '',
        credentials.accessToken,
        sandbox.clientSecret,
      ]);
    }
  });

  it("names a Workspace re-authentication policy (invalid_rapt) as the organisation's, not as an expiry", async () => {
    // Google's answer when a Workspace session-control policy asks for a fresh sign-in.
    const googleSays = async () =>
      Response.json(
        {
          error: 'invalid_grant',
          error_description: 'reauth related error (invalid_rapt)',
          error_uri: 'https://support.google.com/a/answer/9368756',
          error_subtype: 'invalid_rapt',
        },
        { status: 400 },
      );
    const failure = (await refreshCredentials({
      clientSecrets,
      credentials: someCredentials,
      fetch: googleSays,
    }).catch((error) => error)) as InstalledOAuthError;
    expect(failure.code).toBe('REAUTHENTICATION_REQUIRED');
    expect(failure.message).toBe(
      'Your organisation asks you to sign in again every so often, and that time has come (a Google Workspace re-authentication policy).',
    );
    expect(failure.hint).toMatch(/support\.google\.com\/a\/answer\/9368756/);
    expect(failure.hint).not.toMatch(/Testing|7 days/);
    expect(failure.details).toMatchObject({ error: 'invalid_grant', reason: 'invalid_rapt' });
  });

  it('names what was wrong with a token response it cannot use, in its own words', async () => {
    const failure = (await refreshCredentials({
      clientSecrets,
      credentials: someCredentials,
      fetch: async () => Response.json({ access_token: 'ya29.other', token_type: 'mac' }),
    }).catch((error) => error)) as InstalledOAuthError;
    expect(failure.code).toBe('TOKEN_REQUEST_FAILED');
    expect(failure.message).toBe(
      'Failed while refreshing the access token: OAUTH_UNSUPPORTED_OPERATION: unsupported `token_type` value.',
    );
  });

  it('asks to sign in again when there is no refresh token', async () => {
    const online = await authorize({
      clientSecrets,
      scopes: [DRIVE_SCOPE],
      strategy: agentStrategy(),
      accessType: 'online',
    });
    expect(online.refreshToken).toBeUndefined();
    await expect(refreshCredentials({ clientSecrets, credentials: online })).rejects.toMatchObject({
      code: 'REAUTHENTICATION_REQUIRED',
    });
  });
});

describe('revokeCredentials', () => {
  it('revokes the refresh token, which ends the grant and its access tokens', async () => {
    const credentials = await signIn();
    const before = sandbox.counters.revocations;
    const result = await revokeCredentials({ clientSecrets, credentials });
    expect(result).toEqual({ revoked: 'refresh_token', alreadyInvalid: false });
    expect(sandbox.counters.revocations).toBe(before + 1);
    expect(await listStatus(credentials)).toBe(401);
  });

  it('uses /revoke on the token endpoint origin by default, and accepts another endpoint', async () => {
    const credentials = await signIn();
    await expect(
      revokeCredentials({
        clientSecrets,
        credentials,
        revocationEndpoint: `${sandbox.issuer}/nowhere`,
      }),
    ).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(await listStatus(credentials)).toBe(200);
    await revokeCredentials({
      clientSecrets,
      credentials,
      revocationEndpoint: sandbox.revocationEndpoint,
    });
    expect(await listStatus(credentials)).toBe(401);
  });

  it('refuses a plain-http revocation endpoint on a non-loopback host', async () => {
    const credentials = await signIn();
    await expect(
      revokeCredentials({
        clientSecrets,
        credentials,
        revocationEndpoint: 'http://example.com/revoke',
      }),
    ).rejects.toThrow(/must be an https URL/);
  });
});

describe('revokeToken: one token, without client authentication', () => {
  it("ends the token's grant at a server that needs no client (as Google's), and says when it already had", async () => {
    const credentials = await signIn();
    const revocationEndpoint = sandbox.revocationEndpoint;
    const token = credentials.refreshToken ?? '';
    expect(await revokeToken({ token, revocationEndpoint })).toEqual({ alreadyInvalid: false });
    await expect(refreshCredentials({ clientSecrets, credentials })).rejects.toMatchObject({
      code: 'REAUTHENTICATION_REQUIRED',
    });
    expect(await revokeToken({ token, revocationEndpoint })).toEqual({ alreadyInvalid: true });
  });

  it('refuses a plain-http endpoint off loopback, and says when the server cannot be reached', async () => {
    await expect(
      revokeToken({ token: 'x', revocationEndpoint: 'http://example.com/revoke' }),
    ).rejects.toThrow(TypeError);
    const error = (await revokeToken({
      token: '1//refresh-token-value',
      revocationEndpoint: `http://127.0.0.1:${await closedPort()}/revoke`,
    }).catch((caught) => caught)) as InstalledOAuthError;
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).not.toContain('1//refresh-token-value');
    await expect(revokeToken(undefined as never)).rejects.toThrow(TypeError);
    await expect(
      revokeToken({ token: '', revocationEndpoint: sandbox.revocationEndpoint }),
    ).rejects.toThrow(/"token" must be a non-empty string/);
    // What other servers answer: a JSON error of another kind, or a page that is not JSON.
    const answers = [
      Response.json({ error: 'invalid_request' }, { status: 400 }),
      new Response('<html>Bad gateway</html>', { status: 502 }),
      Response.json({ error: 'invalid_grant' }, { status: 400 }),
    ];
    const answering = async () => answers.shift() as Response;
    const endpoint = 'https://oauth2.googleapis.com/revoke';
    const options = { token: 'x', revocationEndpoint: endpoint, fetch: answering };
    expect(await revokeToken(options).catch((caught) => caught.message)).toBe(
      'The server refused revoking the token: HTTP 400 invalid_request.',
    );
    expect(await revokeToken(options).catch((caught) => caught.message)).toBe(
      'The server refused revoking the token: HTTP 502.',
    );
    expect(await revokeToken(options)).toEqual({ alreadyInvalid: true });
    const refused = (await revokeToken({
      token: 'x',
      revocationEndpoint: sandbox.tokenEndpoint.replace('/token', '/nowhere'),
    }).catch((caught) => caught)) as InstalledOAuthError;
    expect(refused.code).toBe('TOKEN_REQUEST_FAILED');
  });
});
