import { InstalledOAuthError, invalidArgument } from './errors.js';

/**
 * The redirect-strategy contract, version 1.
 *
 * A strategy gets the user to the authorization URL and brings back the parameters of the
 * redirect. It never sees the state, the PKCE verifier or the tokens. The rules:
 *
 * 1. Call `request.buildAuthorizationUrl(redirectUri)` exactly once, with the redirect URI
 *    the strategy will receive on (for example `http://127.0.0.1:49152/`).
 * 2. Tell the genuine callback from junk with `request.isGenuineCallback(parameters)`; never
 *    by looking for a state of its own. It applies every check core will apply (state, `iss`,
 *    duplicated parameters, tokens where none belong, a code or an error present), so a page
 *    that says "signed in" after it tells the truth. Junk is answered or ignored and the wait
 *    goes on.
 * 3. Resolve with the genuine callback's parameters unmodified. Do not interpret `error=`:
 *    core turns it into a typed error.
 * 4. When the user can only provide the bare authorization code, resolve with
 *    `request.completeBareCode(code)` and tell the user that the state could not be checked.
 * 5. Reject with `request.signal.reason` when the signal aborts. Core does not call `receive`
 *    when the signal has already aborted, and on abort waits (a few seconds at most) for the
 *    strategy to settle before it rejects, so that a program exiting then leaves nothing behind.
 * 6. Release every socket, timer, watcher, child process and readline interface before
 *    settling, and do no work after it.
 * 7. Fail with `InstalledOAuthError` `STRATEGY_FAILED` (or `INVALID_CALLBACK` for a bad
 *    paste). Have no time limit or signal of your own: the caller's signal, through core,
 *    bounds the whole sign-in, code exchange included. Core wraps any other rejection as
 *    `STRATEGY_FAILED`, with the original as `cause`.
 *
 * {@link defineStrategy} fills in `specificationVersion` and checks the shape.
 *
 * Check a strategy with `runConformanceChecks` from `@installed-oauth/core/testing`.
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

/** A way of getting the user to the authorization URL and the redirect back to the app. */
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
