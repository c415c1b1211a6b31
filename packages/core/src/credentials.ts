import type { AccountIdentity } from './account.js';
import { InstalledOAuthError } from './errors.js';
import { describeScope } from './scope-descriptions.js';

/** What an authorization or a refresh gives: the tokens and what they allow. */
export interface Credentials {
  readonly accessToken: string;
  /** Present when the user granted offline access (`access_type=offline`). */
  readonly refreshToken: string | undefined;
  /** When the access token expires, in milliseconds since the epoch, from local receipt time. */
  readonly expiresAt: number | undefined;
  /** The scopes the server says it granted (Google's granular consent may grant fewer). */
  readonly scopes: readonly string[];
  readonly tokenType: string;
  readonly idToken: string | undefined;
  /**
   * Who signed in, when the ID token is no longer kept: a store that keeps only the refresh
   * token secret (the keyring) remembers the account's id and e-mail address instead. Read
   * it with {@link accountOf}, which looks at the ID token first.
   */
  readonly account?: AccountIdentity | undefined;
}

/** The subset of a token endpoint response that credentials are made of. */
export interface TokenResponse {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  id_token?: string;
}

/**
 * Turns a token endpoint response into {@link Credentials}. The expiry is computed from the
 * local time the response was received (`receivedAt`), so a skewed server clock does not
 * matter. When a refresh response omits `refresh_token` or `scope` (Google omits both as a
 * rule), the previous values are kept.
 */
export function credentialsFromTokenResponse(
  response: TokenResponse,
  context: {
    receivedAt: number;
    /** The credentials being refreshed. */
    previous?: Credentials;
    /** RFC 6749 §5.1: a response without `scope` granted what was requested. */
    requestedScopes?: readonly string[];
  },
): Credentials {
  const { receivedAt, previous } = context;
  const expiresIn =
    typeof response.expires_in === 'number' && Number.isFinite(response.expires_in)
      ? response.expires_in
      : undefined;
  return Object.freeze({
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? previous?.refreshToken,
    expiresAt: expiresIn === undefined ? undefined : receivedAt + expiresIn * 1000,
    scopes: Object.freeze(
      response.scope
        ? splitScopes(response.scope)
        : [...(previous?.scopes ?? context.requestedScopes ?? [])],
    ),
    tokenType: response.token_type ?? 'Bearer',
    idToken: response.id_token ?? previous?.idToken,
    ...(previous?.account ? { account: previous.account } : {}),
  });
}

export function splitScopes(scope: string): string[] {
  return scope.split(/\s+/).filter(Boolean);
}

/**
 * True when the access token is missing, expired, or expires within `marginSeconds`
 * (default 60, so a request started now does not arrive with a dead token).
 */
export function isExpired(
  credentials: Credentials,
  options: { now?: number; marginSeconds?: number } = {},
): boolean {
  if (!credentials.accessToken) return true;
  if (credentials.expiresAt === undefined) return false;
  const now = options.now ?? Date.now();
  return credentials.expiresAt - (options.marginSeconds ?? 60) * 1000 <= now;
}

// Google answers "email" with the userinfo URL form and "profile" likewise.
const SCOPE_ALIASES: Record<string, string> = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};

function canonicalScope(scope: string): string {
  return SCOPE_ALIASES[scope] ?? scope;
}

/** The requested scopes that the credentials do not carry. */
export function missingScopes(credentials: Credentials, requested: readonly string[]): string[] {
  const granted = new Set(credentials.scopes.map(canonicalScope));
  return requested.filter((scope) => !granted.has(canonicalScope(scope)));
}

/**
 * Throws unless every requested scope was granted. Google lets users untick scopes on the
 * consent screen; a program that needs them should say so instead of failing later with 403.
 * The message names each missing permission in the consent screen's words.
 *
 * @throws {InstalledOAuthError} `SCOPES_NOT_GRANTED`, with `details.missingScopes` and
 *   `details.grantedScopes`.
 */
export function assertScopesGranted(credentials: Credentials, requested: readonly string[]): void {
  const missing = missingScopes(credentials, requested);
  if (missing.length === 0) return;
  const permissions = missing.map((scope) => `"${describeScope(scope)}"`).join(', ');
  throw new InstalledOAuthError(
    'SCOPES_NOT_GRANTED',
    `The consent screen was left with ${missing.length === 1 ? 'a permission' : 'permissions'} unticked: ${permissions}.`,
    {
      hint: `Sign in again and leave ${missing.length === 1 ? 'that box' : 'those boxes'} ticked on the consent screen.`,
      details: { missingScopes: missing, grantedScopes: [...credentials.scopes] },
    },
  );
}
