/**
 * The redirect-strategy contract, version 1.
 *
 * A strategy gets the user to the authorization URL and brings back the parameters of the
 * redirect. It never sees the state, the PKCE verifier or the tokens. The rules:
 *
 * 1. Call `request.buildAuthorizationUrl(redirectUri)` exactly once, with the redirect URI
 *    the strategy will receive on (for example `http://127.0.0.1:49152/`).
 * 2. Tell the genuine callback from junk with `request.isGenuineCallback(parameters)`; never
 *    by looking for a state of its own. Junk is answered or ignored and the wait goes on.
 * 3. Resolve with the genuine callback's parameters unmodified. Do not interpret `error=`:
 *    core turns it into a typed error.
 * 4. When the user can only provide the bare authorization code, resolve with
 *    `request.completeBareCode(code)` and tell the user that the state could not be checked.
 * 5. Reject with `request.signal.reason` when the signal aborts.
 * 6. Release every socket, timer and readline interface before settling.
 *
 * Check a strategy with `runConformanceChecks` from `@installed-oauth/core/testing`.
 */
export const SPECIFICATION_VERSION = 'v1';

/** What core hands a strategy for one authorization attempt. */
export interface RedirectRequest {
  readonly specificationVersion: 'v1';
  /**
   * Builds the authorization URL for `redirectUri`. Call it exactly once. The redirect URI is
   * normalised once (`new URL(redirectUri).href`, so `http://127.0.0.1:8080` gains its `/`) and
   * the same string is later sent with the code exchange.
   */
  buildAuthorizationUrl(redirectUri: string): URL;
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
  readonly specificationVersion: 'v1';
  receive(request: RedirectRequest): Promise<URLSearchParams>;
}
