import { readFile } from 'node:fs/promises';
import { runConsentAgent } from '@installed-oauth/sandbox';
import { useSandbox } from '@installed-oauth/test-support';
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  accountOf,
  authorize,
  type ClientSecrets,
  type Credentials,
  defineStrategy,
  errorFromAbort,
  refreshCredentials,
  SPECIFICATION_VERSION,
} from '../src/index.js';
import { agentStrategy, DRIVE_SCOPE, failure, sandboxSecrets } from './helpers.js';

const sandbox = useSandbox();
let clientSecrets: ClientSecrets;
beforeAll(() => {
  clientSecrets = sandboxSecrets(sandbox);
});
const scopes = [DRIVE_SCOPE];
const REDIRECT = 'http://127.0.0.1:45678';

describe('the request a strategy is handed', () => {
  it('tells the genuine callback from what core would refuse, and shows the normalised redirect URI', async () => {
    const seen: Record<string, boolean | string | undefined> = {};
    const strategy = defineStrategy({
      name: 'inspecting',
      async receive(request) {
        seen.before = request.redirectUri;
        const url = request.buildAuthorizationUrl(REDIRECT);
        seen.after = request.redirectUri;
        const { redirectUrl } = await runConsentAgent(url.href, { deliver: false });
        const genuine = new URL(redirectUrl).searchParams;
        const state = genuine.get('state') ?? '';
        const variant = (extra: string) => new URLSearchParams(`${genuine}&${extra}`);
        seen.genuine = request.isGenuineCallback(genuine);
        seen.duplicateCode = request.isGenuineCallback(variant('code=again'));
        seen.injectedToken = request.isGenuineCallback(variant('access_token=x'));
        seen.otherIssuer = request.isGenuineCallback(
          new URLSearchParams({ code: 'x', state, iss: 'https://elsewhere.example' }),
        );
        seen.stateOnly = request.isGenuineCallback(new URLSearchParams({ state }));
        seen.error = request.isGenuineCallback(
          new URLSearchParams({ error: 'access_denied', state }),
        );
        seen.notParameters = request.isGenuineCallback('code=x' as never);
        return genuine;
      },
    });
    expect(strategy).toMatchObject({
      name: 'inspecting',
      specificationVersion: SPECIFICATION_VERSION,
    });
    expect(Object.isFrozen(strategy)).toBe(true);
    await authorize({ clientSecrets, scopes, strategy });
    expect(seen).toEqual({
      before: undefined,
      after: `${REDIRECT}/`,
      genuine: true,
      duplicateCode: false,
      injectedToken: false,
      otherIssuer: false,
      stateOnly: false,
      error: true,
      notParameters: false,
    });
  });

  it('completes a pasted bare code (the state then cannot be checked), and refuses text that is not a code', async () => {
    const bareCode = defineStrategy({
      name: 'bare-code',
      async receive(request) {
        const url = request.buildAuthorizationUrl(REDIRECT);
        const { redirectUrl } = await runConsentAgent(url.href, { deliver: false });
        expect(() => request.completeBareCode('not a code')).toThrow(
          'That does not look like an authorization code.',
        );
        return request.completeBareCode(` ${new URL(redirectUrl).searchParams.get('code')} `);
      },
    });
    expect(
      (await authorize({ clientSecrets, scopes, strategy: bareCode })).accessToken,
    ).toBeTruthy();
  });

  it('reports a bare code the server does not know as a bad paste (INVALID_CALLBACK)', async () => {
    const mistyped = defineStrategy({
      name: 'bare-code',
      async receive(request) {
        const url = request.buildAuthorizationUrl(REDIRECT);
        await runConsentAgent(url.href, { deliver: false });
        return request.completeBareCode('4/0AmistypedCode-from-a-bad-paste');
      },
    });
    const error = await failure(authorize({ clientSecrets, scopes, strategy: mistyped }));
    expect(error.code).toBe('INVALID_CALLBACK');
    expect(error.message).toBe(
      'The pasted code was not accepted: it is mistyped, expired, or already used.',
    );
  });
});

describe('text from outside in messages', () => {
  it("shows the server's error_description without control or bidirectional characters", async () => {
    const strategy = agentStrategy({
      tamper: (parameters) => {
        const state = parameters.get('state') ?? '';
        return new URLSearchParams({
          state,
          error: 'server_error',
          error_description: 'reload\u202egnp.exe \u001b[2J\u200bnow\u2028',
        });
      },
    });
    const error = await failure(authorize({ clientSecrets, scopes, strategy }));
    expect(error.code).toBe('AUTHORIZATION_FAILED');
    expect(error.message).toBe(
      'The authorization server refused the request: server_error: reload gnp.exe  [2J now .',
    );
  });
});

describe('text from the token endpoint in messages', () => {
  it('shows its error and error_description without control or bidirectional characters', async () => {
    const stored = await authorize({ clientSecrets, scopes, strategy: agentStrategy() });
    const refused = (async () =>
      new Response(
        JSON.stringify({
          error: 'invalid_grant',
          error_description: 'Token\u202e revoked \u001b]52;c;ZXZpbA==\u0007\u2028\ufeffnow',
        }),
        { status: 400, headers: { 'content-type': 'application/json' } },
      )) as typeof fetch;
    const error = await failure(
      refreshCredentials({ clientSecrets, credentials: stored, fetch: refused }),
    );
    expect(error.code).toBe('REAUTHENTICATION_REQUIRED');
    expect(error.message).toBe(
      'The stored authorization is no longer valid: invalid_grant (Token  revoked  ]52;c;ZXZpbA==   now).',
    );
  });
});

describe('defineStrategy() and errorFromAbort()', () => {
  it('refuses a strategy without a usable name or receive()', () => {
    expect(() => defineStrategy(undefined as never)).toThrow(/"name" must be a short name/);
    expect(() =>
      defineStrategy({ name: 'has space', receive: async () => new URLSearchParams() }),
    ).toThrow(/"name" must be a short name/);
    expect(() => defineStrategy({ name: 'ok', receive: 'no' as never })).toThrow(
      /"receive" must be a function/,
    );
  });

  it('maps a timeout to AUTHORIZATION_TIMED_OUT and anything else to AUTHORIZATION_CANCELLED', () => {
    const timeout = new AbortController();
    timeout.abort(new DOMException('late', 'TimeoutError'));
    expect(errorFromAbort(timeout.signal, { timedOut: 'No paste in time.' })).toMatchObject({
      code: 'AUTHORIZATION_TIMED_OUT',
      message: 'No paste in time.',
      cause: timeout.signal.reason,
    });
    expect(errorFromAbort(AbortSignal.abort())).toMatchObject({
      code: 'AUTHORIZATION_CANCELLED',
      message: 'The sign-in was cancelled.',
    });
  });
});

describe('cancelling during the code exchange (Ctrl-C after the browser came back)', () => {
  it('aborts the token request itself and stores nothing: AUTHORIZATION_CANCELLED', async () => {
    const controller = new AbortController();
    let exchangeSignal: AbortSignal | undefined;
    const error = await failure(
      authorize({
        clientSecrets,
        scopes,
        strategy: agentStrategy(),
        signal: controller.signal,
        // The token request is held until the user presses Ctrl-C.
        fetch: (_url, init) => {
          exchangeSignal = init.signal ?? undefined;
          controller.abort(new DOMException('interrupted', 'AbortError'));
          return new Promise((_, reject) => {
            const signal = init.signal as AbortSignal;
            if (signal.aborted) reject(signal.reason);
            signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          });
        },
      }),
    );
    expect(error.code).toBe('AUTHORIZATION_CANCELLED');
    expect(exchangeSignal?.aborted).toBe(true);
  });
});

describe('accountOf()', () => {
  const withIdToken = (payload: unknown, raw?: string): Credentials => ({
    accessToken: 'a',
    refreshToken: undefined,
    expiresAt: undefined,
    scopes: [],
    tokenType: 'Bearer',
    idToken: `e30.${raw ?? Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`,
  });

  it('reads the account id and e-mail address (UTF-8 included) from the ID token', () => {
    expect(accountOf(withIdToken({ sub: '1170', email: 'zoë@example.com' }))).toEqual({
      id: '1170',
      email: 'zoë@example.com',
    });
    expect(accountOf(withIdToken({ sub: '1170' }))).toEqual({ id: '1170', email: undefined });
  });

  it('is undefined without an ID token, or with one that names no account', () => {
    expect(accountOf({ ...withIdToken({}), idToken: undefined })).toBeUndefined();
    expect(accountOf(withIdToken({ email: 'x@example.com' }))).toBeUndefined();
    expect(accountOf(withIdToken(undefined, '!!not-base64-json'))).toBeUndefined();
  });

  it('falls back to the identity a store kept in place of the ID token', () => {
    const kept = { id: '1170', email: 'zoë@example.com' };
    expect(accountOf({ ...withIdToken({}), idToken: undefined, account: kept })).toEqual(kept);
    // The ID token, when there is one, is what counts.
    expect(accountOf({ ...withIdToken({ sub: '2280' }), account: kept })).toEqual({
      id: '2280',
      email: undefined,
    });
  });
});

describe('the contract rules', () => {
  /** The numbered rules in `text`, from "1. Call" to the end of rule 7, whitespace folded. */
  function rulesIn(text: string): string {
    const start = text.indexOf('1. Call `request.buildAuthorizationUrl');
    const end = text.indexOf('`cause`.', start) + '`cause`.'.length;
    return text.slice(start, end).replace(/\n\s*\*?\s*/g, ' ');
  }

  it('are one text: the TSDoc of RedirectStrategy, shown word for word in the README', async () => {
    const source = await readFile(new URL('../src/redirect-strategy.ts', import.meta.url), 'utf8');
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    expect(rulesIn(source)).toMatch(/^1\. Call .* 7\. Fail .*`cause`\.$/);
    expect(rulesIn(readme)).toBe(rulesIn(source));
  });
});
