import type { TokenEndpointResponse } from 'openid-client';
import type { ClientSecrets } from './client-secrets.js';
import { createConfiguration, type FetchLike } from './configuration.js';
import {
  assertScopesGranted,
  type Credentials,
  credentialsFromTokenResponse,
} from './credentials.js';
import { InstalledOAuthError, invalidArgument } from './errors.js';
import { fromOpenIdClientError } from './openid-client-errors.js';
import { createRedirectRequest } from './redirect-request.js';
import { type RedirectStrategy, SPECIFICATION_VERSION } from './redirect-strategy.js';

export interface AuthorizeOptions {
  /** From {@link parseClientSecrets} or `readClientSecretsFile`. */
  clientSecrets: ClientSecrets;
  /** The scopes to ask for, e.g. `['https://www.googleapis.com/auth/drive.metadata.readonly']`. */
  scopes: readonly string[];
  /** How the user reaches the URL and the redirect comes back: loopback, console, your own. */
  strategy: RedirectStrategy;
  /** Abort to cancel; `AbortSignal.timeout(ms)` for a deadline. */
  signal?: AbortSignal;
  /** `offline` (default) asks for a refresh token; `online` does not. */
  accessType?: 'offline' | 'online';
  /**
   * Google's `prompt`. Default: `consent` unless `hasRefreshToken` is true, because Google
   * returns a refresh token only when the consent screen was shown.
   */
  prompt?: string;
  /** Whether the caller already holds a refresh token for this client (see `prompt`). */
  hasRefreshToken?: boolean;
  /** Pre-fills the account on Google's sign-in screen. */
  loginHint?: string;
  /** Google's incremental authorization (`include_granted_scopes=true`). */
  includeGrantedScopes?: boolean;
  /** Any further authorization parameters (`hd`, `enable_granular_consent`, …). */
  extraParameters?: Readonly<Record<string, string>>;
  /** Fail with `SCOPES_NOT_GRANTED` unless every scope was granted (default true). */
  requireAllScopes?: boolean;
  /** A fetch to use for the token request (tests, proxies). */
  fetch?: FetchLike;
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
  if (
    typeof clientSecrets?.clientId !== 'string' ||
    typeof clientSecrets.tokenEndpoint !== 'string'
  ) {
    throw invalidArgument(
      'authorize(): "clientSecrets" must come from parseClientSecrets() or readClientSecretsFile()',
    );
  }
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

/** Printable, bounded text from the redirect, fit for a message. */
function sanitise(text: string): string {
  return text.replace(/\p{Cc}/gu, ' ').slice(0, 300);
}

/** Checks the callback parameters; returns the authorization code. */
export function validateCallback(
  parameters: URLSearchParams,
  state: string,
  issuer: string,
): string {
  for (const name of ['code', 'state', 'iss', 'error', 'error_description', 'error_uri']) {
    if (parameters.getAll(name).length > 1) {
      throw new InstalledOAuthError(
        'INVALID_CALLBACK',
        `The redirect carries "${name}" more than once; refusing it.`,
      );
    }
  }
  for (const name of ['access_token', 'id_token', 'token']) {
    if (parameters.has(name)) {
      throw new InstalledOAuthError(
        'INVALID_CALLBACK',
        `The redirect carries "${name}", which this flow never returns there; refusing it.`,
      );
    }
  }
  if (parameters.get('state') !== state) {
    throw new InstalledOAuthError(
      'INVALID_CALLBACK',
      'The redirect does not carry the state of this sign-in attempt (it belongs to another attempt, or was forged).',
      { hint: 'Start the sign-in again and use the newest link.' },
    );
  }
  const iss = parameters.get('iss');
  if (iss !== null && iss !== issuer) {
    throw new InstalledOAuthError(
      'INVALID_CALLBACK',
      `The redirect names issuer ${JSON.stringify(sanitise(iss))}, not ${issuer} (RFC 9207); refusing it.`,
    );
  }
  const error = parameters.get('error');
  if (error !== null) {
    const description = parameters.get('error_description');
    const said = `${sanitise(error)}${description ? `: ${sanitise(description)}` : ''}`;
    if (error === 'access_denied') {
      throw new InstalledOAuthError('AUTHORIZATION_DENIED', `Access was denied (${said}).`, {
        hint: 'Run the sign-in again and choose Allow on the consent screen.',
        details: { error },
      });
    }
    throw new InstalledOAuthError(
      'AUTHORIZATION_FAILED',
      `The authorization server refused the request: ${said}.`,
      {
        details: { error },
      },
    );
  }
  const code = parameters.get('code');
  if (!code)
    throw new InstalledOAuthError(
      'INVALID_CALLBACK',
      'The redirect carries no authorization code.',
    );
  return code;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {}); // the strategy rejects too; that rejection is expected, not unhandled
    return Promise.reject(signal.reason);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function abortError(signal: AbortSignal): InstalledOAuthError {
  const reason = signal.reason as { name?: string } | undefined;
  if (reason?.name === 'TimeoutError') {
    return new InstalledOAuthError(
      'AUTHORIZATION_TIMED_OUT',
      'Timed out waiting for the sign-in to finish in the browser.',
      {
        cause: signal.reason,
        hint: 'Run it again and finish the sign-in sooner, or allow more time.',
      },
    );
  }
  return new InstalledOAuthError('AUTHORIZATION_CANCELLED', 'The sign-in was cancelled.', {
    cause: signal.reason,
  });
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
  const { client, configuration } = await createConfiguration(clientSecrets, {
    fetch: options.fetch,
  });
  const verifier = client.randomPKCECodeVerifier();
  const challenge = await client.calculatePKCECodeChallenge(verifier);
  const state = client.randomState();
  const parameters = authorizationParameters(options);
  const signal = options.signal ?? new AbortController().signal;

  const { request, record } = createRedirectRequest({
    state,
    signal,
    strategyName: String(strategy.name),
    requiredRedirectUri: clientSecrets.requiredRedirectUri,
    buildUrl: (redirectUri) =>
      client.buildAuthorizationUrl(configuration, {
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
    callback = await abortable(
      Promise.resolve().then(() => strategy.receive(request)),
      signal,
    );
  } catch (error) {
    if (record.failure) throw record.failure;
    if (signal.aborted) throw abortError(signal);
    throw error;
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
  let response: TokenEndpointResponse;
  try {
    response = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
  } catch (error) {
    throw fromOpenIdClientError(client, error, 'exchange', clientSecrets.tokenEndpoint);
  }
  const credentials = credentialsFromTokenResponse(response, {
    receivedAt: Date.now(),
    requestedScopes: options.scopes,
  });
  if (options.requireAllScopes !== false) assertScopesGranted(credentials, options.scopes);
  return credentials;
}
