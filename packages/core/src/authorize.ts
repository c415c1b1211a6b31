import type { TokenEndpointResponse } from 'openid-client';
import { validateCallback } from './callback.js';
import { assertClientSecrets, type ClientSecrets } from './client-secrets.js';
import {
  assertScopesGranted,
  type Credentials,
  credentialsFromTokenResponse,
} from './credentials.js';
import { InstalledOAuthError, invalidArgument, isInstalledOAuthError } from './errors.js';
import { createConfiguration, type FetchLike } from './openid-client-configuration.js';
import { fromOpenIdClientError } from './openid-client-errors.js';
import { sanitise } from './outside-text.js';
import { type AttemptRecord, createRedirectRequest } from './redirect-request.js';
import {
  errorFromAbort,
  type RedirectRequest,
  type RedirectStrategy,
  SPECIFICATION_VERSION,
} from './redirect-strategy.js';
import { clockProblem } from './server-clock.js';

export interface AuthorizeOptions {
  /** From {@link parseClientSecrets} or `readClientSecretsFile`. */
  clientSecrets: ClientSecrets;
  /** The scopes to ask for, e.g. `['https://www.googleapis.com/auth/drive.metadata.readonly']`. */
  scopes: readonly string[];
  /** How the user reaches the URL and the redirect comes back: loopback, console, your own. */
  strategy: RedirectStrategy;
  /**
   * Bounds the whole sign-in: the wait for the redirect and the code exchange after it. Abort
   * to cancel; `AbortSignal.timeout(ms)` for a deadline. Default: 5 minutes
   * ({@link DEFAULT_SIGN_IN_TIMEOUT_MS}). A signal of your own replaces that deadline. For
   * both Ctrl-C and a deadline, abort one controller from both (`setTimeout` for the deadline,
   * with a `TimeoutError` reason): on Node 20, an `AbortSignal.timeout()` inside
   * `AbortSignal.any()` can be garbage-collected before it fires.
   */
  signal?: AbortSignal | undefined;
  /** `offline` (default) asks for a refresh token; `online` does not. */
  accessType?: 'offline' | 'online' | undefined;
  /**
   * Google's `prompt`. Default: `consent` unless `hasRefreshToken` is true, because Google
   * returns a refresh token only when the consent screen was shown.
   */
  prompt?: string | undefined;
  /** Whether the caller already holds a refresh token for this client (see `prompt`). */
  hasRefreshToken?: boolean | undefined;
  /** Pre-fills the account on Google's sign-in screen. */
  loginHint?: string | undefined;
  /** Google's incremental authorization (`include_granted_scopes=true`). */
  includeGrantedScopes?: boolean | undefined;
  /** Any further authorization parameters (`hd`, `enable_granular_consent`, …). */
  extraParameters?: Readonly<Record<string, string>> | undefined;
  /**
   * Fail with `SCOPES_NOT_GRANTED` unless every scope was granted (default true). With `false`
   * the credentials come back with the scopes the user left ticked; `missingScopes(credentials,
   * scopes)` lists the others, to turn off what needs them or to ask again for just those
   * (with `includeGrantedScopes: true`). Either way nothing is revoked: Google keeps one grant
   * per account and client, so revoking these tokens would end the account's other sign-ins.
   */
  requireAllScopes?: boolean | undefined;
  /** A fetch to use for the token request (tests, proxies). */
  fetch?: FetchLike | undefined;
}

const RESERVED_PARAMETERS = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
]);

const KNOWN_OPTIONS = new Set([
  'clientSecrets',
  'scopes',
  'strategy',
  'signal',
  'accessType',
  'prompt',
  'hasRefreshToken',
  'loginHint',
  'includeGrantedScopes',
  'extraParameters',
  'requireAllScopes',
  'fetch',
]);

function validateOptions(options: AuthorizeOptions): void {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('authorize() takes an options object');
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw invalidArgument(`authorize(): unknown option "${key}"`);
  }
  const { clientSecrets, scopes, strategy, signal, accessType, extraParameters } = options;
  assertClientSecrets(clientSecrets, 'authorize()');
  if (!Array.isArray(scopes) || scopes.length === 0)
    throw invalidArgument('authorize(): "scopes" must be a non-empty array');
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope)) {
      throw invalidArgument(
        `authorize(): ${JSON.stringify(scope)} is not a valid scope (RFC 6749 §3.3)`,
      );
    }
  }
  if (typeof strategy !== 'object' || strategy === null || typeof strategy.receive !== 'function') {
    throw invalidArgument(
      'authorize(): "strategy" must be a redirect strategy (an object with receive())',
    );
  }
  if (strategy.specificationVersion !== SPECIFICATION_VERSION) {
    throw new InstalledOAuthError(
      'STRATEGY_CONTRACT_VIOLATION',
      `Strategy "${String(strategy.name)}" implements contract ${JSON.stringify(strategy.specificationVersion)}, but this version of @installed-oauth/core knows only "${SPECIFICATION_VERSION}".`,
      {
        hint: 'Install versions of the strategy and @installed-oauth/core that support the same contract.',
      },
    );
  }
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw invalidArgument('authorize(): "signal" must be an AbortSignal');
  if (accessType !== undefined && accessType !== 'offline' && accessType !== 'online') {
    throw invalidArgument('authorize(): "accessType" must be "offline" or "online"');
  }
  for (const [name, value] of Object.entries(extraParameters ?? {})) {
    if (RESERVED_PARAMETERS.has(name))
      throw invalidArgument(`authorize(): "extraParameters" may not set "${name}"; core sets it`);
    if (typeof value !== 'string')
      throw invalidArgument(`authorize(): extra parameter "${name}" must be a string`);
  }
}

function authorizationParameters(options: AuthorizeOptions): Record<string, string> {
  const parameters: Record<string, string> = {
    scope: options.scopes.join(' '),
    access_type: options.accessType ?? 'offline',
  };
  const prompt = options.prompt ?? (options.hasRefreshToken ? undefined : 'consent');
  if (prompt) parameters.prompt = prompt;
  if (options.loginHint) parameters.login_hint = options.loginHint;
  if (options.includeGrantedScopes) parameters.include_granted_scopes = 'true';
  return { ...parameters, ...options.extraParameters };
}

/**
 * A fresh PKCE verifier (S256) and state, from oauth4webapi: openid-client's own protocol
 * layer, which loads in a fraction of the time openid-client (with jose) takes. openid-client
 * itself is loaded only for the code exchange, after the redirect came back, so the URL reaches
 * the user sooner.
 */
async function pkceAndState(): Promise<{ verifier: string; challenge: string; state: string }> {
  const oauth = await import('oauth4webapi');
  const verifier = oauth.generateRandomCodeVerifier();
  const challenge = await oauth.calculatePKCECodeChallenge(verifier);
  return { verifier, challenge, state: oauth.generateRandomState() };
}

/**
 * The authorization URL: the endpoint (keeping any query it has) with the parameters and the
 * client id appended, as openid-client's `buildAuthorizationUrl` builds it. The endpoint's
 * scheme was checked when the secrets were parsed.
 */
function authorizationUrl(secrets: ClientSecrets, parameters: Record<string, string>): URL {
  const url = new URL(secrets.authorizationEndpoint);
  for (const [name, value] of Object.entries(parameters)) url.searchParams.append(name, value);
  url.searchParams.append('client_id', secrets.clientId);
  return url;
}

/** How long a sign-in may take when the caller gives no signal of its own: 5 minutes. */
export const DEFAULT_SIGN_IN_TIMEOUT_MS = 300_000;

/** How long core waits, after an abort, for the strategy to release what it holds. */
const STRATEGY_SETTLE_MS = 5000;

/** Codes a strategy may fail with; any other rejection is wrapped as STRATEGY_FAILED. */
const STRATEGY_CODES = new Set([
  'STRATEGY_FAILED',
  'INVALID_CALLBACK',
  'AUTHORIZATION_CANCELLED',
  'AUTHORIZATION_TIMED_OUT',
]);

/**
 * The strategy's outcome, or the abort: on abort, waits (at most STRATEGY_SETTLE_MS) for the
 * strategy to settle, so that its sockets and child processes are gone when authorize() rejects.
 */
function receiveUntilAbort(
  strategy: RedirectStrategy,
  request: RedirectRequest,
  signal: AbortSignal,
): Promise<URLSearchParams> {
  const receiving = Promise.resolve().then(() => strategy.receive(request));
  return new Promise((resolve, reject) => {
    let settled = false;
    const onAbort = () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const gone = new Promise<void>((done) => {
        timer = setTimeout(done, STRATEGY_SETTLE_MS);
        receiving.then(
          () => done(),
          () => done(),
        );
      });
      void gone.then(() => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    };
    signal.addEventListener('abort', onAbort, { once: true });
    receiving.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (!signal.aborted && !settled) resolve(value);
        settled = true;
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        if (!signal.aborted && !settled) reject(error);
        settled = true;
      },
    );
  });
}

/** What authorize() throws when the strategy rejected with `error`. */
function strategyFailure(
  error: unknown,
  strategyName: string,
  signal: AbortSignal,
  record: AttemptRecord,
): InstalledOAuthError {
  if (record.failure) return record.failure;
  if (signal.aborted) return errorFromAbort(signal);
  if (isInstalledOAuthError(error) && STRATEGY_CODES.has(error.code)) return error;
  const said = error instanceof Error ? error.message : String(error);
  return new InstalledOAuthError(
    'STRATEGY_FAILED',
    `The "${strategyName}" redirect strategy failed: ${sanitise(said)}`,
    { cause: error },
  );
}

/**
 * Runs the installed-app flow: a fresh PKCE verifier (S256) and state, the authorization URL
 * built for the strategy's redirect URI, the strategy's wait for the redirect, the callback
 * checks, and one code exchange with the same redirect URI and the verifier.
 *
 * @throws {TypeError} for bad options, before anything else happens.
 * @throws {InstalledOAuthError} `AUTHORIZATION_DENIED`, `AUTHORIZATION_TIMED_OUT`, … see its codes.
 *
 * @example
 * ```ts
 * import { authorize } from '@installed-oauth/core';
 * import { readClientSecretsFile } from '@installed-oauth/core/node';
 * import { createLoopbackStrategy } from '@installed-oauth/loopback';
 *
 * const credentials = await authorize({
 *   clientSecrets: await readClientSecretsFile('client_secret.json'),
 *   scopes: ['https://www.googleapis.com/auth/drive.metadata.readonly'],
 *   strategy: createLoopbackStrategy(),
 *   signal: AbortSignal.timeout(300_000),
 * });
 * ```
 */
export async function authorize(options: AuthorizeOptions): Promise<Credentials> {
  validateOptions(options);
  const { clientSecrets, strategy } = options;
  const { verifier, challenge, state } = await pkceAndState();
  const parameters = authorizationParameters(options);
  const signal = options.signal ?? AbortSignal.timeout(DEFAULT_SIGN_IN_TIMEOUT_MS);

  if (signal.aborted) throw errorFromAbort(signal);
  const { request, record } = createRedirectRequest({
    state,
    signal,
    issuer: clientSecrets.issuer,
    strategyName: String(strategy.name),
    requiredRedirectUri: clientSecrets.requiredRedirectUri,
    buildUrl: (redirectUri) =>
      authorizationUrl(clientSecrets, {
        ...parameters,
        redirect_uri: redirectUri,
        response_type: 'code',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state,
      }),
  });

  let callback: URLSearchParams;
  try {
    callback = await receiveUntilAbort(strategy, request, signal);
  } catch (error) {
    throw strategyFailure(error, String(strategy.name), signal, record);
  }
  if (record.failure) throw record.failure;
  if (record.urlBuildCount === 0 || record.redirectUri === undefined) {
    throw new InstalledOAuthError(
      'STRATEGY_CONTRACT_VIOLATION',
      `Strategy "${String(strategy.name)}" finished without building the authorization URL; contract v1 requires exactly one call.`,
    );
  }
  if (!(callback instanceof URLSearchParams)) {
    throw new InstalledOAuthError(
      'STRATEGY_CONTRACT_VIOLATION',
      `Strategy "${String(strategy.name)}" resolved with ${typeof callback}, not the callback's URLSearchParams.`,
    );
  }
  validateCallback(callback, state, clientSecrets.issuer);

  // openid-client derives the token request's redirect_uri from this URL with the query
  // stripped: the same normalised string the authorization URL carried.
  const callbackUrl = new URL(record.redirectUri);
  callbackUrl.search = callback.toString();
  const { client, configuration, clock } = await createConfiguration(clientSecrets, {
    fetch: options.fetch,
    signal,
  });
  let response: TokenEndpointResponse;
  try {
    response = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
  } catch (error) {
    // Ctrl-C or the caller's deadline during the exchange: the request was aborted with it.
    if (signal.aborted) throw errorFromAbort(signal);
    // An ID token refused for its times: this computer's clock, said as such.
    const clockOff = clockProblem(clock, clientSecrets.tokenEndpoint, 'exchange', error);
    if (clockOff) throw clockOff;
    const failure = fromOpenIdClientError(client, error, 'exchange', clientSecrets.tokenEndpoint);
    // A pasted bare code the server does not know is a bad paste, not a server failure.
    if (record.stateUnchecked && failure.details.error === 'invalid_grant') {
      throw new InstalledOAuthError(
        'INVALID_CALLBACK',
        'The pasted code was not accepted: it is mistyped, expired, or already used.',
        {
          cause: failure,
          hint: 'Sign in again and paste the full address the browser ends on.',
        },
      );
    }
    throw failure;
  }
  // Hours off: nothing a later refresh or API call could rely on; said now, nothing handed out.
  const clockOff = clockProblem(clock, clientSecrets.tokenEndpoint, 'exchange');
  if (clockOff) throw clockOff;
  const credentials = credentialsFromTokenResponse(response, {
    receivedAt: Date.now(),
    requestedScopes: options.scopes,
  });
  // A partial grant is never revoked: it is part of the account's one grant with this client,
  // and revoking it would end every other sign-in of that account, on other machines too.
  if (options.requireAllScopes !== false) assertScopesGranted(credentials, options.scopes);
  return credentials;
}
