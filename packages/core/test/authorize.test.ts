import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useSandbox } from '@installed-oauth/test-support';
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  authorize,
  type ClientSecrets,
  describeScope,
  InstalledOAuthError,
  missingScopes,
  parseClientSecrets,
  type RedirectStrategy,
} from '../src/index.js';
import {
  agentStrategy,
  DRIVE_SCOPE,
  expectNoSecrets,
  failure,
  sandboxSecrets,
  waitingStrategy,
} from './helpers.js';

const sandbox = useSandbox();
let clientSecrets: ClientSecrets;
beforeAll(() => {
  clientSecrets = sandboxSecrets(sandbox);
});

describe('authorize() against the sandbox authorization server', () => {
  it('runs the whole flow: PKCE S256, state, consent, one code exchange, Drive scope granted', async () => {
    const strategy = agentStrategy();
    const before = sandbox.counters.authorizationCodeGrants;
    const startedAt = Date.now();
    const credentials = await authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy });
    expect(credentials.scopes).toEqual([DRIVE_SCOPE]);
    expect(credentials.refreshToken).toEqual(expect.any(String));
    expect(credentials.accessToken).toEqual(expect.any(String));
    expect(credentials.expiresAt).toBeGreaterThanOrEqual(startedAt + 3600_000);
    expect(credentials.expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000);
    expect(sandbox.counters.authorizationCodeGrants).toBe(before + 1);
  });

  it('builds the authorization URL Google expects', async () => {
    let url: URL | undefined;
    await authorize({
      clientSecrets,
      scopes: [DRIVE_SCOPE],
      strategy: agentStrategy({ onUrl: (built) => (url = built) }),
      loginHint: 'someone@example.com',
      includeGrantedScopes: true,
      extraParameters: { hd: 'example.com' },
    });
    const parameters = url?.searchParams;
    expect(url?.origin + (url?.pathname ?? '')).toBe(sandbox.authorizationEndpoint);
    expect(parameters?.get('response_type')).toBe('code');
    expect(parameters?.get('client_id')).toBe(sandbox.clientId);
    expect(parameters?.get('redirect_uri')).toBe('http://127.0.0.1:45678/');
    expect(parameters?.get('code_challenge_method')).toBe('S256');
    expect(parameters?.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parameters?.get('state')?.length).toBeGreaterThanOrEqual(43);
    expect(parameters?.get('access_type')).toBe('offline');
    expect(parameters?.get('prompt')).toBe('consent');
    expect(parameters?.get('login_hint')).toBe('someone@example.com');
    expect(parameters?.get('include_granted_scopes')).toBe('true');
    expect(parameters?.get('hd')).toBe('example.com');
  });

  it('uses a fresh verifier and state for every attempt', async () => {
    const urls: URL[] = [];
    for (let i = 0; i < 2; i++) {
      await authorize({
        clientSecrets,
        scopes: [DRIVE_SCOPE],
        strategy: agentStrategy({ onUrl: (url) => urls.push(url) }),
      });
    }
    const [first, second] = urls.map((url) => url.searchParams);
    expect(first?.get('state')).not.toBe(second?.get('state'));
    expect(first?.get('code_challenge')).not.toBe(second?.get('code_challenge'));
  });

  it('omits prompt=consent when a refresh token is already held', async () => {
    let url: URL | undefined;
    await authorize({
      clientSecrets,
      scopes: [DRIVE_SCOPE],
      hasRefreshToken: true,
      strategy: agentStrategy({ onUrl: (built) => (url = built) }),
    });
    expect(url?.searchParams.has('prompt')).toBe(false);
  });

  it('normalises the redirect URI once and sends the same string with the exchange', async () => {
    // "http://127.0.0.1:45678" (no slash) becomes ".../" in both requests, or the sandbox refuses.
    const credentials = await authorize({
      clientSecrets,
      scopes: [DRIVE_SCOPE],
      strategy: agentStrategy({ redirectUri: 'http://127.0.0.1:45678' }),
    });
    expect(credentials.accessToken).toBeTruthy();
  });

  it('turns a denied consent into AUTHORIZATION_DENIED, with no exchange', async () => {
    const before = sandbox.counters.authorizationCodeGrants;
    const error = await failure(
      authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy: agentStrategy({ deny: true }) }),
    );
    expect(error.code).toBe('AUTHORIZATION_DENIED');
    expect(error.message).toMatch(/access_denied/);
    expect(sandbox.counters.authorizationCodeGrants).toBe(before);
  });

  it('refuses a callback with another state before any exchange', async () => {
    const before = sandbox.counters.authorizationCodeGrants;
    const strategy = agentStrategy({
      tamper: (parameters) => {
        parameters.set('state', 'from-another-attempt');
        return parameters;
      },
    });
    const error = await failure(authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy }));
    expect(error.code).toBe('INVALID_CALLBACK');
    expect(error.message).toMatch(/state/);
    expect(sandbox.counters.authorizationCodeGrants).toBe(before);
  });

  it.each([
    [
      'an iss of another server',
      (p: URLSearchParams) => p.set('iss', 'https://evil.example'),
      /issuer/,
    ],
    [
      'a duplicated code',
      (p: URLSearchParams) => p.append('code', 'second'),
      /"code" more than once/,
    ],
    [
      'a duplicated state',
      (p: URLSearchParams) => p.append('state', 'x'),
      /"state" more than once/,
    ],
    [
      'an injected access_token',
      (p: URLSearchParams) => p.set('access_token', 'ya29.injected'),
      /"access_token"/,
    ],
    [
      'an injected id_token',
      (p: URLSearchParams) => p.set('id_token', 'eyJ.injected'),
      /"id_token"/,
    ],
    ['no code', (p: URLSearchParams) => p.delete('code'), /no authorization code/],
  ])('refuses a callback with %s', async (_name, change, message) => {
    let code = '';
    const strategy = agentStrategy({
      tamper: (parameters) => {
        code = parameters.get('code') ?? '';
        change(parameters);
        return parameters;
      },
    });
    const error = await failure(authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy }));
    expect(error.code).toBe('INVALID_CALLBACK');
    expect(error.message).toMatch(message);
    expectNoSecrets(`${error.message} ${error.hint ?? ''}`, [code, sandbox.clientSecret]);
  });

  it('reports a denial that comes without a description in the same words', async () => {
    const strategy = agentStrategy({
      tamper: (parameters) =>
        new URLSearchParams({ error: 'access_denied', state: parameters.get('state') ?? '' }),
    });
    const error = await failure(authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy }));
    expect(error.code).toBe('AUTHORIZATION_DENIED');
    expect(error.message).toBe('Access was denied (access_denied).');
  });

  it('reports another error= from the server as AUTHORIZATION_FAILED, escaped of control characters', async () => {
    const strategy = agentStrategy({
      tamper: (parameters) =>
        new URLSearchParams({
          error: 'invalid_scope',
          error_description: 'bad\u001b[31m scope',
          state: parameters.get('state') ?? '',
        }),
    });
    const error = await failure(authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy }));
    expect(error.code).toBe('AUTHORIZATION_FAILED');
    expect(error.message).toBe(
      'The authorization server refused the request: invalid_scope: bad [31m scope.',
    );
  });

  it('reports a refused code exchange with the server reason and without the code', async () => {
    const wrongSecret = parseClientSecrets(
      { installed: { ...sandbox.clientSecrets.installed, client_secret: 'GOCSPX-wrong' } },
      { allowInsecureTransport: true },
    );
    let code = '';
    const strategy = agentStrategy({
      tamper: (parameters) => {
        code = parameters.get('code') ?? '';
        return parameters;
      },
    });
    const error = await failure(
      authorize({ clientSecrets: wrongSecret, scopes: [DRIVE_SCOPE], strategy }),
    );
    expect(error.code).toBe('TOKEN_REQUEST_FAILED');
    expect(error.message).toMatch(/invalid_client/);
    expect(error.hint).toMatch(/client_secret.json/);
    expectNoSecrets(`${error.message} ${error.hint}`, [code, 'GOCSPX-wrong', sandbox.clientSecret]);
  });

  it('fails with SCOPES_NOT_GRANTED when a requested scope was not granted, and revokes nothing', async () => {
    const revocations = sandbox.counters.revocations;
    const error = await failure(
      authorize({
        clientSecrets,
        scopes: [DRIVE_SCOPE, 'https://www.googleapis.com/auth/gmail.readonly'],
        strategy: agentStrategy(),
      }),
    );
    expect(error.code).toBe('SCOPES_NOT_GRANTED');
    expect(error.message).toBe(
      'The consent screen was left with a permission unticked: "View your email messages and settings".',
    );
    expect(error.hint).toBe('Sign in again and leave that box ticked on the consent screen.');
    expect(error.details.missingScopes).toEqual(['https://www.googleapis.com/auth/gmail.readonly']);
    expect(error.details.grantedScopes).toEqual([DRIVE_SCOPE]);
    // The tokens are part of the account's one grant with this client: revoking them would end
    // its other sign-ins.
    expect(sandbox.counters.revocations).toBe(revocations);
  });

  it('names an unticked Drive box in the words of the consent screen', async () => {
    const error = await failure(
      authorize({
        clientSecrets,
        scopes: ['openid', 'email', DRIVE_SCOPE],
        strategy: agentStrategy({ untick: [DRIVE_SCOPE] }),
      }),
    );
    expect(error.code).toBe('SCOPES_NOT_GRANTED');
    expect(error.message).toBe(
      'The consent screen was left with a permission unticked: "See information about your Google Drive files".',
    );
    expect(error.details.grantedScopes).toEqual(expect.arrayContaining(['openid', 'email']));
  });

  it('with requireAllScopes: false, returns the granted scopes; missingScopes() lists the rest', async () => {
    const scopes = ['openid', 'email', DRIVE_SCOPE];
    const credentials = await authorize({
      clientSecrets,
      scopes,
      strategy: agentStrategy({ untick: [DRIVE_SCOPE] }),
      requireAllScopes: false,
    });
    expect([...credentials.scopes].sort()).toEqual(['email', 'openid']);
    expect(missingScopes(credentials, scopes)).toEqual([DRIVE_SCOPE]);
    expect(describeScope(DRIVE_SCOPE)).toBe('See information about your Google Drive files');
    expect(describeScope('https://example.com/own-scope')).toBe('https://example.com/own-scope');
  });
});

describe('authorize(): cancellation and timeouts', () => {
  it('ends with AUTHORIZATION_CANCELLED when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = authorize({
      clientSecrets,
      scopes: [DRIVE_SCOPE],
      strategy: waitingStrategy({ onWaiting: () => controller.abort() }),
      signal: controller.signal,
    });
    expect((await failure(pending)).code).toBe('AUTHORIZATION_CANCELLED');
  });

  it('ends with AUTHORIZATION_TIMED_OUT for AbortSignal.timeout', async () => {
    const error = await failure(
      authorize({
        clientSecrets,
        scopes: [DRIVE_SCOPE],
        strategy: waitingStrategy(),
        signal: AbortSignal.timeout(30),
      }),
    );
    expect(error.code).toBe('AUTHORIZATION_TIMED_OUT');
  });

  it("ends at once with a signal aborted before the start, the strategy's own rejection handled", async () => {
    // Contract v1: a strategy rejects with the signal's reason; core must not leave that unhandled.
    const prompt: RedirectStrategy = {
      name: 'prompt-like',
      specificationVersion: 'v1',
      async receive(request) {
        if (request.signal.aborted) throw request.signal.reason;
        request.buildAuthorizationUrl('http://127.0.0.1:45678/');
        return new URLSearchParams();
      },
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const error = await failure(
        authorize({
          clientSecrets,
          scopes: [DRIVE_SCOPE],
          strategy: prompt,
          signal: AbortSignal.abort(),
        }),
      );
      expect(error.code).toBe('AUTHORIZATION_CANCELLED');
      // Node reports unhandled rejections once the microtasks run out, before the next turn.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('ends on abort even when a strategy ignores the signal', async () => {
    const deaf: RedirectStrategy = {
      name: 'deaf',
      specificationVersion: 'v1',
      receive(request) {
        request.buildAuthorizationUrl('http://127.0.0.1:45678/');
        return new Promise(() => {});
      },
    };
    const error = await failure(
      authorize({
        clientSecrets,
        scopes: [DRIVE_SCOPE],
        strategy: deaf,
        signal: AbortSignal.timeout(30),
      }),
    );
    expect(error.code).toBe('AUTHORIZATION_TIMED_OUT');
  });
});

describe('authorize(): strategies that break contract v1', () => {
  const scopes = [DRIVE_SCOPE];

  it('refuses an unknown specificationVersion before calling the strategy', async () => {
    let called = false;
    const strategy = {
      name: 'future',
      specificationVersion: 'v2',
      receive: async () => {
        called = true;
        return new URLSearchParams();
      },
    } as unknown as RedirectStrategy;
    const error = await failure(authorize({ clientSecrets, scopes, strategy }));
    expect(error.code).toBe('STRATEGY_CONTRACT_VIOLATION');
    expect(error.message).toMatch(/"v2".*knows only "v1"/);
    expect(called).toBe(false);
  });

  it('refuses a strategy that never builds the URL', async () => {
    const strategy: RedirectStrategy = {
      name: 'lazy',
      specificationVersion: 'v1',
      receive: async () => new URLSearchParams({ code: 'x' }),
    };
    const error = await failure(authorize({ clientSecrets, scopes, strategy }));
    expect(error.code).toBe('STRATEGY_CONTRACT_VIOLATION');
    expect(error.message).toMatch(/without building the authorization URL/);
  });

  it('refuses a strategy that builds the URL twice, even if it swallows the error', async () => {
    const strategy: RedirectStrategy = {
      name: 'twice',
      specificationVersion: 'v1',
      async receive(request) {
        request.buildAuthorizationUrl('http://127.0.0.1:45678/');
        try {
          request.buildAuthorizationUrl('http://127.0.0.1:45679/');
        } catch {}
        return new URLSearchParams();
      },
    };
    const error = await failure(authorize({ clientSecrets, scopes, strategy }));
    expect(error.code).toBe('STRATEGY_CONTRACT_VIOLATION');
    expect(error.message).toMatch(/more than once/);
  });

  it.each([
    ['a non-loopback host', 'http://example.com:8080/', /not a loopback address/],
    ['a query', 'http://127.0.0.1:8080/?x=1', /query or fragment/],
    ['no URL at all', 'not a url', /not an absolute URL/],
    ['a one-word custom scheme', 'myapp:/callback', /private-use scheme/],
    ['a user name and password', 'http://me:pw@127.0.0.1:8080/', /carries credentials/],
    ['something other than text', 8080 as unknown as string, /not an absolute URL/],
  ])('refuses a redirect URI with %s', async (_name, redirectUri, message) => {
    const strategy: RedirectStrategy = {
      name: 'odd',
      specificationVersion: 'v1',
      async receive(request) {
        request.buildAuthorizationUrl(redirectUri);
        return new URLSearchParams();
      },
    };
    const error = await failure(authorize({ clientSecrets, scopes, strategy }));
    expect(error.code).toBe('STRATEGY_CONTRACT_VIOLATION');
    expect(error.message).toMatch(message);
  });

  /** A strategy that builds the URL, then rejects with `thrown`. */
  function failingWith(thrown: unknown): RedirectStrategy {
    return {
      name: 'failing',
      specificationVersion: 'v1',
      async receive(request) {
        request.buildAuthorizationUrl('http://127.0.0.1:45678/');
        throw thrown;
      },
    };
  }

  it('passes a typed strategy failure (STRATEGY_FAILED) to the caller unchanged', async () => {
    const own = new InstalledOAuthError('STRATEGY_FAILED', 'The port is taken.');
    const strategy = failingWith(own);
    await expect(authorize({ clientSecrets, scopes, strategy })).rejects.toBe(own);
  });

  it.each([
    ['a plain Error', new Error('port in use'), /strategy failed: port in use$/],
    ['a string', 'port in use', /strategy failed: port in use$/],
    ['undefined', undefined, /strategy failed: undefined$/],
    [
      'a forged AUTHORIZATION_DENIED',
      new InstalledOAuthError('AUTHORIZATION_DENIED', 'Access was denied.'),
      /strategy failed: Access was denied\.$/,
    ],
  ])('wraps %s as STRATEGY_FAILED, with the original as cause', async (_kind, thrown, message) => {
    const error = await failure(
      authorize({ clientSecrets, scopes, strategy: failingWith(thrown) }),
    );
    expect(error).toBeInstanceOf(InstalledOAuthError);
    expect(error.code).toBe('STRATEGY_FAILED');
    expect(error.message).toMatch(message);
    expect(error.cause).toBe(thrown);
  });

  it('refuses a strategy that resolves with something other than URLSearchParams', async () => {
    const strategy = {
      name: 'stringy',
      specificationVersion: 'v1',
      async receive(request: { buildAuthorizationUrl(uri: string): URL }) {
        request.buildAuthorizationUrl('http://127.0.0.1:45678/');
        return 'code=abc';
      },
    } as unknown as RedirectStrategy;
    expect((await failure(authorize({ clientSecrets, scopes, strategy }))).code).toBe(
      'STRATEGY_CONTRACT_VIOLATION',
    );
  });

  it('holds a web client to its one registered redirect URI', async () => {
    const web = parseClientSecrets(
      {
        web: {
          ...sandbox.clientSecrets.installed,
          redirect_uris: ['http://127.0.0.1:45678/callback'],
        },
      },
      { allowInsecureTransport: true },
    );
    const error = await failure(
      authorize({ clientSecrets: web, scopes, strategy: agentStrategy() }),
    );
    expect(error.code).toBe('INVALID_CLIENT_SECRETS');
    expect(error.message).toMatch(
      /accepts only the redirect URI http:\/\/127.0.0.1:45678\/callback/,
    );
    const credentials = await authorize({
      clientSecrets: web,
      scopes,
      strategy: agentStrategy({ redirectUri: 'http://127.0.0.1:45678/callback' }),
    });
    expect(credentials.accessToken).toBeTruthy();
  });
});

describe('authorize(): bad options fail before any network or strategy call', () => {
  const strategy = agentStrategy();
  it.each([
    ['no scopes', { scopes: [] }, /"scopes" must be a non-empty array/],
    ['a scope with a space', { scopes: ['a b'] }, /is not a valid scope/],
    ['an unknown option', { scops: [DRIVE_SCOPE] }, /unknown option "scops"/],
    ['a reserved extra parameter', { extraParameters: { state: 'mine' } }, /may not set "state"/],
    ['a bad accessType', { accessType: 'forever' }, /"accessType"/],
    ['no strategy', { strategy: undefined }, /"strategy" must be a redirect strategy/],
    ['a signal that is not an AbortSignal', { signal: {} }, /"signal" must be an AbortSignal/],
    [
      'client secrets that were not parsed',
      { clientSecrets: { installed: { client_id: 'raw.apps.googleusercontent.com' } } },
      /"clientSecrets" must come from parseClientSecrets\(\)/,
    ],
    [
      'an extra parameter that is not text',
      { extraParameters: { hd: 1 } },
      /"hd" must be a string/,
    ],
  ])('%s', async (_name, change, message) => {
    const options = { clientSecrets, scopes: [DRIVE_SCOPE], strategy, ...change };
    await expect(authorize(options as Parameters<typeof authorize>[0])).rejects.toThrow(message);
    await expect(authorize(options as Parameters<typeof authorize>[0])).rejects.toBeInstanceOf(
      TypeError,
    );
    expect(strategy.requests).toHaveLength(0);
  });
});

describe('authorize(): no options at all', () => {
  it('fails with a TypeError that says what authorize() takes', async () => {
    await expect(authorize(undefined as never)).rejects.toThrow(
      '[@installed-oauth/core] authorize() takes an options object',
    );
  });
});

describe('authorize(): token endpoint failures', () => {
  async function withTokenServer(
    handler: Parameters<typeof createServer>[1],
    run: (secrets: ClientSecrets) => Promise<void>,
  ): Promise<void> {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const secrets = parseClientSecrets(
      {
        installed: {
          ...sandbox.clientSecrets.installed,
          token_uri: `http://127.0.0.1:${port}/token`,
        },
      },
      { allowInsecureTransport: true },
    );
    try {
      await run(secrets);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('reports a server that is down as NETWORK_ERROR, naming the host', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const secrets = parseClientSecrets(
      {
        installed: {
          ...sandbox.clientSecrets.installed,
          token_uri: `http://127.0.0.1:${port}/token`,
        },
      },
      { allowInsecureTransport: true },
    );
    const error = await failure(
      authorize({ clientSecrets: secrets, scopes: [DRIVE_SCOPE], strategy: agentStrategy() }),
    );
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toContain(`http://127.0.0.1:${port}`);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('reports an HTML error page as NETWORK_ERROR with its status, and sends exactly one request', async () => {
    let requests = 0;
    await withTokenServer(
      (_req, res) => {
        requests++;
        res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
      },
      async (secrets) => {
        const error = await failure(
          authorize({ clientSecrets: secrets, scopes: [DRIVE_SCOPE], strategy: agentStrategy() }),
        );
        expect(error.code).toBe('NETWORK_ERROR');
        expect(error.message).toMatch(/HTTP 502/);
      },
    );
    expect(requests).toBe(1);
  });

  it('reports an error page without a reason phrase by its status alone', async () => {
    await withTokenServer(
      (_req, res) => {
        res.writeHead(503, '', { 'content-type': 'text/html' }).end('<h1>Down</h1>');
      },
      async (secrets) => {
        const error = await failure(
          authorize({ clientSecrets: secrets, scopes: [DRIVE_SCOPE], strategy: agentStrategy() }),
        );
        expect(error.code).toBe('NETWORK_ERROR');
        expect(error.message).toMatch(/: HTTP 503\.$/);
      },
    );
  });

  it('reports a JSON answer that is not a token response as NETWORK_ERROR, naming what is missing', async () => {
    await withTokenServer(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status": "ok"}');
      },
      async (secrets) => {
        const error = await failure(
          authorize({ clientSecrets: secrets, scopes: [DRIVE_SCOPE], strategy: agentStrategy() }),
        );
        expect(error.code).toBe('NETWORK_ERROR');
        expect(error.message).toBe(
          `${new URL(secrets.tokenEndpoint).origin} answered with something other than an OAuth response while exchanging the authorization code: "response" body "access_token" property must be a string.`,
        );
      },
    );
  });

  it('reports an injected fetch that timed out as NETWORK_ERROR', async () => {
    const error = await failure(
      authorize({
        clientSecrets,
        scopes: [DRIVE_SCOPE],
        strategy: agentStrategy(),
        fetch: async () => {
          throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
        },
      }),
    );
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toMatch(
      /^Could not reach http:\/\/127.0.0.1:\d+ while exchanging the authorization code: .*timeout/,
    );
  });

  it('does not follow a redirect from the token endpoint', async () => {
    let redirectedTo = 0;
    await withTokenServer(
      (req, res) => {
        if (req.url === '/elsewhere') redirectedTo++;
        res.writeHead(307, { location: '/elsewhere' }).end();
      },
      async (secrets) => {
        const error = await failure(
          authorize({ clientSecrets: secrets, scopes: [DRIVE_SCOPE], strategy: agentStrategy() }),
        );
        expect(error.code).toBe('NETWORK_ERROR');
        expect(error.message).toMatch(/HTTP 307/);
      },
    );
    expect(redirectedTo).toBe(0);
  });
});
