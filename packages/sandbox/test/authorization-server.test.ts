import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { runConsentAgent, type Sandbox, startSandbox } from '../src/index.js';
import {
  authorizationRequest,
  authorize,
  clientConfiguration,
  DRIVE_SCOPE,
  listFiles,
} from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

describe('client_secret.json', () => {
  it('is written in Google exact "installed" format, pointing at the sandbox', async () => {
    const json = JSON.parse(await readFile(sandbox.clientSecretsPath, 'utf8'));
    expect(Object.keys(json)).toEqual(['installed']);
    expect(Object.keys(json.installed)).toEqual([
      'client_id',
      'project_id',
      'auth_uri',
      'token_uri',
      'auth_provider_x509_cert_url',
      'client_secret',
      'redirect_uris',
    ]);
    expect(json.installed.auth_uri).toBe(`${sandbox.issuer}/o/oauth2/auth`);
    expect(json.installed.token_uri).toBe(`${sandbox.issuer}/token`);
    expect(json.installed.redirect_uris).toEqual(['http://localhost']);
    expect(json.installed.client_id).toMatch(/\.apps\.googleusercontent\.com$/);
  });
});

describe('authorization code flow with PKCE (openid-client)', () => {
  it('redirects back with code, state and iss, and grants the Drive scope with a refresh token', async () => {
    const config = clientConfiguration(sandbox);
    const attempt = await authorizationRequest(config);
    const { redirectUrl } = await runConsentAgent(attempt.url.href, { deliver: false });
    const callback = new URL(redirectUrl);
    expect(callback.origin + callback.pathname).toBe(attempt.redirectUri);
    expect(callback.searchParams.get('state')).toBe(attempt.state);
    expect(callback.searchParams.get('iss')).toBe(sandbox.issuer);
    expect(callback.searchParams.get('code')).toEqual(expect.any(String));

    const before = sandbox.counters.authorizationCodeGrants;
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: attempt.verifier,
      expectedState: attempt.state,
    });
    expect(tokens.scope).toBe(DRIVE_SCOPE);
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.expires_in).toBe(3600);
    expect(sandbox.counters.authorizationCodeGrants).toBe(before + 1);
  });

  it('lists every granted scope, openid and email too, and returns an id_token, as Google does', async () => {
    const tokens = await authorize(sandbox, { scope: `openid email ${DRIVE_SCOPE}` });
    expect(tokens.scope?.split(' ').sort()).toEqual(['email', DRIVE_SCOPE, 'openid']);
    expect(tokens.id_token).toEqual(expect.any(String));
    expect((await listFiles(sandbox, '', tokens.access_token)).status).toBe(200);
  });

  it('signs in the account login_hint names, as Google preselects it', async () => {
    const tokens = await authorize(sandbox, {
      scope: `openid email ${DRIVE_SCOPE}`,
      login_hint: 'someone.else@example.com',
    });
    const claims = JSON.parse(
      Buffer.from(tokens.id_token?.split('.')[1] ?? '', 'base64url').toString('utf8'),
    );
    expect(claims.email).toBe('someone.else@example.com');
  });

  it("signs in the sandbox's own account when the login field is left empty", async () => {
    const config = clientConfiguration(sandbox);
    const attempt = await authorizationRequest(config, { scope: `openid email ${DRIVE_SCOPE}` });
    const { redirectUrl } = await runConsentAgent(attempt.url.href, { login: '', deliver: false });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(redirectUrl), {
      pkceCodeVerifier: attempt.verifier,
      expectedState: attempt.state,
    });
    const claims = JSON.parse(
      Buffer.from(tokens.id_token?.split('.')[1] ?? '', 'base64url').toString('utf8'),
    );
    expect(claims.email).toBe('sandbox.user@example.com');
  });

  it('answers 404 for an interaction address without an id, and 405 for an unknown step', async () => {
    expect((await fetch(`${sandbox.issuer}/interaction/`)).status).toBe(404);
    const attempt = await authorizationRequest(clientConfiguration(sandbox));
    const first = await fetch(attempt.url, { redirect: 'manual' });
    const interaction = new URL(first.headers.get('location') ?? '', sandbox.issuer);
    const cookie = (first.headers.getSetCookie() ?? []).map((c) => c.split(';')[0]).join('; ');
    const odd = await fetch(`${interaction.href}/elsewhere`, {
      method: 'POST',
      headers: { cookie },
    });
    expect(odd.status).toBe(405);
    const huge = await fetch(`${interaction.href}/login`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `login=${'x'.repeat(20_000)}`,
    });
    expect(huge.status).toBe(400);
    expect(await huge.text()).toContain('form too large');
  });

  it('accepts any loopback port for the native client', async () => {
    const config = clientConfiguration(sandbox);
    const attempt = await authorizationRequest(config, { redirect_uri: 'http://[::1]:61234/' });
    const { redirectUrl } = await runConsentAgent(attempt.url.href, { deliver: false });
    expect(redirectUrl.startsWith('http://[::1]:61234/?code=')).toBe(true);
  });

  it('gives no refresh token without access_type=offline', async () => {
    const config = clientConfiguration(sandbox);
    const attempt = await authorizationRequest(config, { access_type: 'online' });
    const { redirectUrl } = await runConsentAgent(attempt.url.href, { deliver: false });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(redirectUrl), {
      pkceCodeVerifier: attempt.verifier,
      expectedState: attempt.state,
    });
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('requires PKCE', async () => {
    const url = new URL(sandbox.authorizationEndpoint);
    url.search = new URLSearchParams({
      client_id: sandbox.clientId,
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:45678/',
      scope: DRIVE_SCOPE,
      state: 'abc',
    }).toString();
    const { redirectUrl } = await runConsentAgent(url.href, { deliver: false });
    const callback = new URL(redirectUrl);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('refuses a code exchanged with the wrong verifier, and a code used twice', async () => {
    const config = clientConfiguration(sandbox);
    const attempt = await authorizationRequest(config);
    const { redirectUrl } = await runConsentAgent(attempt.url.href, { deliver: false });
    const wrongVerifier = oidc.randomPKCECodeVerifier();
    await expect(
      oidc.authorizationCodeGrant(config, new URL(redirectUrl), {
        pkceCodeVerifier: wrongVerifier,
        expectedState: attempt.state,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });

    const second = await authorizationRequest(config);
    const again = await runConsentAgent(second.url.href, { deliver: false });
    const checks = { pkceCodeVerifier: second.verifier, expectedState: second.state };
    await oidc.authorizationCodeGrant(config, new URL(again.redirectUrl), checks);
    await expect(
      oidc.authorizationCodeGrant(config, new URL(again.redirectUrl), checks),
    ).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refuses a redirect URI that is not loopback', async () => {
    const config = clientConfiguration(sandbox);
    const attempt = await authorizationRequest(config, {
      redirect_uri: 'https://attacker.example/',
    });
    await expect(runConsentAgent(attempt.url.href)).rejects.toThrow(/redirect_uri/);
  });
});

describe('token endpoint with a plain HTTP client', () => {
  it('exchanges the code with client_secret_post and refuses a wrong secret', async () => {
    const config = clientConfiguration(sandbox);
    const attempt = await authorizationRequest(config);
    const { redirectUrl } = await runConsentAgent(attempt.url.href, { deliver: false });
    const code = new URL(redirectUrl).searchParams.get('code') ?? '';
    const form = (secret: string) =>
      new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: attempt.redirectUri,
        code_verifier: attempt.verifier,
        client_id: sandbox.clientId,
        client_secret: secret,
      });
    const wrong = await fetch(sandbox.tokenEndpoint, {
      method: 'POST',
      body: form('not-the-secret'),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });

    const right = await fetch(sandbox.tokenEndpoint, {
      method: 'POST',
      body: form(sandbox.clientSecret),
    });
    expect(right.status).toBe(200);
    const body = (await right.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ scope: DRIVE_SCOPE, expires_in: 3600 });
    expect(typeof body.access_token).toBe('string');
  });
});

describe('refresh and revocation', () => {
  it('refreshes without returning a refresh token, as Google does', async () => {
    const tokens = await authorize(sandbox);
    const config = clientConfiguration(sandbox);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).toBeUndefined();
    expect(refreshed.scope).toBe(DRIVE_SCOPE);
    expect((await listFiles(sandbox, '', refreshed.access_token)).status).toBe(200);
  });

  it('sends a refresh token the first time, then only with prompt=consent, and again after revocation, as Google does', async () => {
    const own = await startSandbox();
    try {
      // prompt "" sends no prompt at all, as a client that holds a refresh token would.
      const refreshTokenOf = async (prompt: string) =>
        (await authorize(own, { prompt })).refresh_token;
      const first = await refreshTokenOf('');
      expect(first).toEqual(expect.any(String));
      expect(await refreshTokenOf('')).toBeUndefined();
      const second = await refreshTokenOf('consent');
      expect(second).toEqual(expect.any(String));
      // One revocation ends the account's whole grant with the client, both sign-ins included.
      await oidc.tokenRevocation(clientConfiguration(own), first ?? '');
      expect(await refreshTokenOf('')).toEqual(expect.any(String));
    } finally {
      await own.close();
    }
  });

  it('makes the refresh token fail with invalid_grant after revocation', async () => {
    const tokens = await authorize(sandbox);
    const config = clientConfiguration(sandbox);
    await oidc.tokenRevocation(config, tokens.refresh_token ?? '');
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token ?? '')).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    // Revoking the grant also ends the access tokens it issued, as at Google.
    expect((await listFiles(sandbox, '', tokens.access_token)).status).toBe(401);
    // Revoking it again: Google answers 400 invalid_token, not RFC 7009's permitted 200.
    const again = await fetch(sandbox.revocationEndpoint, {
      method: 'POST',
      body: new URLSearchParams({
        token: tokens.refresh_token ?? '',
        client_id: sandbox.clientId,
        client_secret: sandbox.clientSecret,
      }),
    });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({
      error: 'invalid_token',
      error_description: 'Token expired or revoked',
    });
  });
});

describe('one grant per account and client, as at Google', () => {
  const ALICE = 'alice@example.com';

  it("ends every sign-in of the account with the client when any one of its tokens is revoked, and no one else's", async () => {
    const config = clientConfiguration(sandbox);
    const here = await authorize(
      sandbox,
      { scope: `openid email ${DRIVE_SCOPE}` },
      { login: ALICE },
    );
    const elsewhere = await authorize(
      sandbox,
      { scope: `openid email ${DRIVE_SCOPE}` },
      { login: ALICE },
    );
    const someoneElse = await authorize(sandbox, { scope: `openid email ${DRIVE_SCOPE}` });
    const revocations = sandbox.counters.revocations;

    await oidc.tokenRevocation(config, elsewhere.access_token);

    expect(sandbox.counters.revocations).toBe(revocations + 1);
    for (const ended of [here, elsewhere]) {
      await expect(oidc.refreshTokenGrant(config, ended.refresh_token ?? '')).rejects.toMatchObject(
        {
          error: 'invalid_grant',
        },
      );
      expect((await listFiles(sandbox, '', ended.access_token)).status).toBe(401);
    }
    const alive = await oidc.refreshTokenGrant(config, someoneElse.refresh_token ?? '');
    expect((await listFiles(sandbox, '', alive.access_token)).status).toBe(200);
  });

  it('revokes a token sent without client authentication, as Google accepts', async () => {
    const tokens = await authorize(sandbox);
    const response = await fetch(sandbox.revocationEndpoint, {
      method: 'POST',
      body: new URLSearchParams({ token: tokens.refresh_token ?? '' }),
    });
    expect(response.status).toBe(200);
    await expect(
      oidc.refreshTokenGrant(clientConfiguration(sandbox), tokens.refresh_token ?? ''),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('the revocation endpoint, as Google answers', () => {
  const revoke = (body: Record<string, string>, method = 'POST') =>
    fetch(sandbox.revocationEndpoint, {
      method,
      ...(method === 'POST' ? { body: new URLSearchParams(body) } : {}),
    });

  it('refuses a wrong client secret or another client id, and other methods', async () => {
    const tokens = await authorize(sandbox);
    const token = tokens.refresh_token ?? '';
    expect(
      (await revoke({ token, client_id: sandbox.clientId, client_secret: 'GOCSPX-no' })).status,
    ).toBe(401);
    expect((await revoke({ token, client_id: 'another.apps.googleusercontent.com' })).status).toBe(
      401,
    );
    expect((await revoke({}, 'GET')).status).toBe(405);
    // None of these ended the grant.
    const refreshed = await oidc.refreshTokenGrant(clientConfiguration(sandbox), token);
    expect((await listFiles(sandbox, '', refreshed.access_token)).status).toBe(200);
  });

  it('answers 400 invalid_token for a token it does not know, or none', async () => {
    for (const body of [{ token: 'not-a-token' }, {}] as Record<string, string>[]) {
      const response = await revoke(body);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: 'invalid_token',
        error_description: 'Token expired or revoked',
      });
    }
  });

  it('ends the grant when given an access token, refresh token included', async () => {
    const tokens = await authorize(sandbox);
    expect((await revoke({ token: tokens.access_token })).status).toBe(200);
    await expect(
      oidc.refreshTokenGrant(clientConfiguration(sandbox), tokens.refresh_token ?? ''),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('consent checkboxes', () => {
  it('grants only the boxes left ticked: Drive unticked leaves a sign-in without Drive', async () => {
    const tokens = await authorize(
      sandbox,
      { scope: `openid email ${DRIVE_SCOPE}` },
      { untick: [DRIVE_SCOPE] },
    );
    expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'openid']);
    const claims = JSON.parse(
      Buffer.from(tokens.id_token?.split('.')[1] ?? '', 'base64url').toString('utf8'),
    );
    expect(claims.email).toBe(sandbox.accountEmail);
    expect((await listFiles(sandbox, '', tokens.access_token)).status).not.toBe(200);
  });
});

describe('denial', () => {
  it('sends access_denied with state when the user clicks Cancel', async () => {
    const attempt = await authorizationRequest(clientConfiguration(sandbox));
    const { redirectUrl } = await runConsentAgent(attempt.url.href, { deny: true, deliver: false });
    const callback = new URL(redirectUrl);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(attempt.state);
    expect(callback.searchParams.has('code')).toBe(false);
  });

  it('denies every consent while the denyConsent switch is on', async () => {
    sandbox.denyConsent = true;
    try {
      const attempt = await authorizationRequest(clientConfiguration(sandbox));
      const { redirectUrl } = await runConsentAgent(attempt.url.href, { deliver: false });
      expect(new URL(redirectUrl).searchParams.get('error')).toBe('access_denied');
    } finally {
      sandbox.denyConsent = false;
    }
  });
});

describe('a stalled token endpoint', () => {
  it('leaves token requests unanswered while holdTokenRequests is on, until the client gives up', async () => {
    sandbox.holdTokenRequests = true;
    const held = sandbox.counters.heldTokenRequests;
    try {
      const controller = new AbortController();
      const request = fetch(sandbox.tokenEndpoint, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x' }),
        signal: controller.signal,
      });
      const outcome = request.then(
        () => 'answered',
        (error: Error) => error.name,
      );
      await waitUntil(() => sandbox.counters.heldTokenRequests > held);
      controller.abort();
      expect(await outcome).toBe('AbortError');
    } finally {
      sandbox.holdTokenRequests = false;
    }
    const answered = await fetch(sandbox.tokenEndpoint, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x' }),
    });
    expect(answered.status).toBe(400); // answered again (a bad request) once the switch is off
  });
});

/** Polls `condition` every 10 ms until it holds. */
async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('access-token lifetime', () => {
  it('is configurable, and the Drive emulator refuses a token once it has passed', async () => {
    const shortLived = await startSandbox({ accessTokenTtl: 600 });
    try {
      const tokens = await authorize(shortLived);
      expect(tokens.expires_in).toBe(600);
      expect((await listFiles(shortLived, '', tokens.access_token)).status).toBe(200);
      shortLived.advanceClock(600);
      expect((await listFiles(shortLived, '', tokens.access_token)).status).toBe(401);
      expect(() => shortLived.advanceClock(-1)).toThrow(/seconds ≥ 0/);
    } finally {
      await shortLived.close();
    }
  });
});
