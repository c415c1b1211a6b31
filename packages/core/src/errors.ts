/**
 * Stable codes of {@link InstalledOAuthError}. Programs branch on these, never on messages.
 *
 * | code | meaning |
 * |---|---|
 * | `INVALID_CLIENT_SECRETS` | client_secret.json is malformed or not an OAuth client for this flow |
 * | `CLIENT_SECRETS_UNREADABLE` | the client secrets file cannot be read (missing, permissions, not a file, too big) |
 * | `STRATEGY_CONTRACT_VIOLATION` | a redirect strategy broke contract v1 or declares a version core does not know |
 * | `STRATEGY_FAILED` | a redirect strategy could not do its work (port in use, input closed, too many bad pastes) |
 * | `AUTHORIZATION_DENIED` | the user (or the server) refused consent: `error=access_denied` |
 * | `AUTHORIZATION_FAILED` | the authorization server answered the redirect with another `error` |
 * | `AUTHORIZATION_CANCELLED` | the caller's `AbortSignal` fired before a callback arrived |
 * | `AUTHORIZATION_TIMED_OUT` | the `AbortSignal` fired with a `TimeoutError` |
 * | `INVALID_CALLBACK` | the callback parameters are unusable (wrong state, wrong `iss`, duplicates, no code, injected tokens) |
 * | `TOKEN_REQUEST_FAILED` | the token endpoint refused the code exchange, refresh or revocation |
 * | `SCOPES_NOT_GRANTED` | the user left some requested scopes unticked |
 * | `REAUTHENTICATION_REQUIRED` | the refresh token no longer works (`invalid_grant`): sign in again |
 * | `CLOCK_SKEW` | this computer's clock is hours off the token endpoint's (`details.offsetSeconds`, from its `Date` header) |
 * | `NETWORK_ERROR` | the server could not be reached or answered with something that is not OAuth |
 * | `INVALID_CREDENTIALS_FILE` | a stored credentials file is corrupt or of another kind |
 * | `TOKEN_STORE_ERROR` | the token store could not read, write, lock or delete |
 */
export type InstalledOAuthErrorCode =
  | 'INVALID_CLIENT_SECRETS'
  | 'CLIENT_SECRETS_UNREADABLE'
  | 'STRATEGY_CONTRACT_VIOLATION'
  | 'STRATEGY_FAILED'
  | 'AUTHORIZATION_DENIED'
  | 'AUTHORIZATION_FAILED'
  | 'AUTHORIZATION_CANCELLED'
  | 'AUTHORIZATION_TIMED_OUT'
  | 'INVALID_CALLBACK'
  | 'TOKEN_REQUEST_FAILED'
  | 'SCOPES_NOT_GRANTED'
  | 'REAUTHENTICATION_REQUIRED'
  | 'CLOCK_SKEW'
  | 'NETWORK_ERROR'
  | 'INVALID_CREDENTIALS_FILE'
  | 'TOKEN_STORE_ERROR';

/**
 * Why, finer than the code, where a program may act differently (`details.reason`):
 *
 * | reason | code | meaning |
 * |---|---|---|
 * | `not-signed-in` | `REAUTHENTICATION_REQUIRED` | nothing is stored for that account |
 * | `another-client` | `REAUTHENTICATION_REQUIRED` | the stored sign-in was made with another OAuth client |
 * | `secrets-missing` | `REAUTHENTICATION_REQUIRED` | the file's tokens are gone from its secret store (removed by hand) |
 * | `invalid_rapt` | `REAUTHENTICATION_REQUIRED` | Google's reauthentication policy for the account ended the refresh token |
 * | `other-endpoint` | `INVALID_CLIENT_SECRETS` | stored credentials are bound to another token endpoint than the client's |
 * | `untrusted-certificate` | `NETWORK_ERROR` | TLS with a certificate Node does not trust (a proxy inspecting HTTPS) |
 * | `unwritable` | `TOKEN_STORE_ERROR` | the disk refuses writes (full, read-only, over quota) |
 */
export type InstalledOAuthErrorReason =
  | 'not-signed-in'
  | 'another-client'
  | 'secrets-missing'
  | 'invalid_rapt'
  | 'other-endpoint'
  | 'untrusted-certificate'
  | 'unwritable';

/** Machine-readable facts of an error (never secrets): its reason, the problems found, … */
export interface InstalledOAuthErrorDetails {
  reason?: InstalledOAuthErrorReason | undefined;
  [fact: string]: unknown;
}

export interface InstalledOAuthErrorOptions {
  cause?: unknown;
  /** What the user can do about it, one sentence. */
  hint?: string | undefined;
  /** Extra machine-readable facts (never secrets): the reason, the missing scopes… */
  details?: InstalledOAuthErrorDetails | undefined;
}

/**
 * The one error type of the installed-oauth packages. Messages name what is wrong and never
 * contain an authorization code, verifier, token or client secret.
 *
 * @example
 * ```ts
 * try {
 *   await authorize(options);
 * } catch (error) {
 *   if (error instanceof InstalledOAuthError && error.code === 'AUTHORIZATION_DENIED') {
 *     console.error('You declined access.');
 *   }
 * }
 * ```
 */
export class InstalledOAuthError extends Error {
  override readonly name = 'InstalledOAuthError';
  readonly code: InstalledOAuthErrorCode;
  readonly hint: string | undefined;
  readonly details: Readonly<InstalledOAuthErrorDetails>;

  constructor(
    code: InstalledOAuthErrorCode,
    message: string,
    options: InstalledOAuthErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.details = Object.freeze({ ...options.details });
  }
}

/**
 * A TypeError for bad arguments, thrown by the function that received them, with Node's code
 * for the case (`ERR_INVALID_ARG_VALUE`) so that programs can tell it from other TypeErrors.
 */
export function invalidArgument(message: string): TypeError & { code: 'ERR_INVALID_ARG_VALUE' } {
  return Object.assign(new TypeError(`[@installed-oauth/core] ${message}`), {
    code: 'ERR_INVALID_ARG_VALUE' as const,
  });
}

export function isInstalledOAuthError(
  error: unknown,
  code?: InstalledOAuthErrorCode,
): error is InstalledOAuthError {
  return error instanceof InstalledOAuthError && (code === undefined || error.code === code);
}
