import { InstalledOAuthError, invalidArgument } from './errors.js';

/**
 * The redirect-strategy contract this core implements: version 1. Its rules are on
 * {@link RedirectStrategy}.
 */
export const SPECIFICATION_VERSION = 'v1';

/** The contract versions this version of core knows. */
export type SpecificationVersion = typeof SPECIFICATION_VERSION;

/** What core hands a strategy for one authorization attempt. */
export interface RedirectRequest {
  readonly specificationVersion: SpecificationVersion;
  /**
   * Builds the authorization URL for `redirectUri`. Call it exactly once. The redirect URI is
   * normalised once (`new URL(redirectUri).href`, so `http://127.0.0.1:8080` gains its `/`) and
   * the same string is later sent with the code exchange.
   */
  buildAuthorizationUrl(redirectUri: string): URL;
  /**
   * The redirect URI as normalised by {@link buildAuthorizationUrl} (the exact string the
   * token request will carry); undefined before that call.
   */
  readonly redirectUri: string | undefined;
  /** True when `parameters` carry this attempt's state: the callback to resolve with. */
  isGenuineCallback(parameters: URLSearchParams): boolean;
  /** The parameters to resolve with when the user could paste only the code. */
  completeBareCode(code: string): URLSearchParams;
  /** Aborted when the caller gives up (cancel or timeout); reject with its `reason`. */
  readonly signal: AbortSignal;
}

/**
 * A way of getting the user to the authorization URL and the redirect back to the app: the
 * redirect-strategy contract, version 1. A strategy gets the URL built for its redirect URI and
 * brings back the redirect's parameters; it never sees the state, the PKCE verifier or the
 * tokens. {@link defineStrategy} makes one; `runConformanceChecks` from
 * `@installed-oauth/core/testing` checks one. The rules:
 *
 * 1. Call `request.buildAuthorizationUrl(redirectUri)` exactly once, with the URI you receive on.
 *    Loopback `http` URIs (RFC 8252 §7.3) and private-use schemes such as `com.example.app:/`
 *    (§7.1) are accepted; no query, no fragment. Core normalises it once (`new URL(uri).href`, so
 *    `http://127.0.0.1:8080` gains its `/`), sends that exact string with the code exchange, and
 *    shows it as `request.redirectUri`.
 * 2. Tell the genuine redirect from junk with `request.isGenuineCallback(parameters)`; answer or
 *    ignore junk and keep waiting. It applies every check core will apply (state, `iss`,
 *    duplicated parameters, tokens where none belong, a code or an error), so a page that says
 *    "done" after it tells the truth. Never look for the state yourself.
 * 3. Resolve with the genuine redirect's parameters unmodified — `error=` included: core turns it
 *    into a typed error.
 * 4. If the user can give only the bare code, resolve with `request.completeBareCode(code)` and
 *    tell them the state could not be checked.
 * 5. When `request.signal` aborts, reject with `request.signal.reason`. Core does not call
 *    `receive` when the signal has already aborted; do not start anything when you see one.
 *    On abort core waits a few seconds at most for you to settle before it rejects.
 * 6. Release every socket, timer, watcher, child process and readline interface before
 *    settling, and do nothing after it.
 * 7. Fail with an `InstalledOAuthError`: `STRATEGY_FAILED` (port in use, input closed) or
 *    `INVALID_CALLBACK` (a bad paste). Have no time limit or signal of your own: the caller's
 *    signal, through core, bounds the whole sign-in, code exchange included. Core wraps anything
 *    else — a plain `Error`, a string, another code — as `STRATEGY_FAILED` with the original as
 *    `cause`.
 */
export interface RedirectStrategy {
  /** Short and stable: "loopback", "console", … Used in messages. */
  readonly name: string;
  /** The contract version the strategy implements; core refuses versions it does not know. */
  readonly specificationVersion: SpecificationVersion;
  receive(request: RedirectRequest): Promise<URLSearchParams>;
}

/**
 * Makes a strategy object: checks the name and `receive`, and sets `specificationVersion` to
 * the version this core implements.
 *
 * @example
 * ```ts
 * export function createMyStrategy(options: MyOptions = {}): RedirectStrategy {
 *   return defineStrategy({ name: 'my-strategy', receive: (request) => receiveWith(options, request) });
 * }
 * ```
 */
export function defineStrategy(definition: {
  name: string;
  receive(request: RedirectRequest): Promise<URLSearchParams>;
}): RedirectStrategy {
  const { name, receive } = definition ?? {};
  // `+` joins the names of combined strategies: "loopback+console".
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9._+-]*$/i.test(name))
    throw invalidArgument(
      'defineStrategy(): "name" must be a short name such as "loopback" or "loopback+console"',
    );
  if (typeof receive !== 'function')
    throw invalidArgument('defineStrategy(): "receive" must be a function');
  return Object.freeze({ name, specificationVersion: SPECIFICATION_VERSION, receive });
}

/**
 * The typed error for an aborted sign-in: `AUTHORIZATION_TIMED_OUT` when the signal's reason
 * is a `TimeoutError` (`AbortSignal.timeout`), `AUTHORIZATION_CANCELLED` otherwise; the reason
 * is the `cause`. Core maps the caller's signal with it; an app that races a sign-in against a
 * signal of its own can say the same.
 */
export function errorFromAbort(
  signal: AbortSignal,
  messages: { timedOut?: string; cancelled?: string } = {},
): InstalledOAuthError {
  const reason = signal.reason as { name?: string } | undefined;
  if (reason?.name === 'TimeoutError') {
    return new InstalledOAuthError(
      'AUTHORIZATION_TIMED_OUT',
      messages.timedOut ?? 'Timed out waiting for the sign-in to finish in the browser.',
      {
        cause: signal.reason,
        hint: 'Run it again and finish the sign-in sooner, or allow more time.',
      },
    );
  }
  return new InstalledOAuthError(
    'AUTHORIZATION_CANCELLED',
    messages.cancelled ?? 'The sign-in was cancelled.',
    { cause: signal.reason },
  );
}
