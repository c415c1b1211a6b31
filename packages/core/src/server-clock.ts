import { InstalledOAuthError } from './errors.js';
import type { FetchLike } from './openid-client-configuration.js';

/**
 * How far the ID token's times may be from this computer's clock before openid-client refuses
 * it. The token comes straight from the token endpoint over TLS and only names the account, so
 * a clock some minutes off must never matter (openid-client's default is 30 seconds).
 */
export const CLOCK_TOLERANCE_SECONDS = 5 * 60;

/**
 * From how far off on, this computer's clock is reported instead of used: hours off breaks
 * the times of every token (and, at Google, its TLS and sign-in checks too), while minutes
 * are tolerated.
 */
export const CLOCK_OFF_LIMIT_SECONDS = 60 * 60;

/** The server's clock as its last response's `Date` header told it. */
export interface ServerClock {
  /** This computer's clock minus the server's, in seconds; undefined before any `Date`. */
  offsetSeconds(): number | undefined;
}

/**
 * `send`, noting the `Date` header of each response against this computer's clock when it
 * arrived. The header has whole seconds, so the offset is known to a second or two: plenty to
 * tell minutes from hours.
 */
export function watchServerClock(send: FetchLike): { fetch: FetchLike; clock: ServerClock } {
  let offset: number | undefined;
  const watched: FetchLike = async (url, init) => {
    const response = await send(url, init);
    const date = Date.parse(response.headers.get('date') ?? '');
    if (Number.isFinite(date)) offset = (Date.now() - date) / 1000;
    return response;
  };
  return { fetch: watched, clock: { offsetSeconds: () => offset } };
}

/** "3 h 02 min", "12 min", "1 day 4 h": rounded to the minute. */
export function formatOffset(seconds: number): string {
  const minutes = Math.round(Math.abs(seconds) / 60);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return `${days} ${days === 1 ? 'day' : 'days'} ${hours} h`;
  if (hours > 0) return `${hours} h ${String(rest).padStart(2, '0')} min`;
  return `${rest} min`;
}

/** Whose clock it is, in the words a user knows: Google's, or the server's origin. */
function serverName(endpoint: string): string {
  const { hostname, origin } = new URL(endpoint);
  return hostname === 'oauth2.googleapis.com' || hostname.endsWith('.google.com')
    ? "Google's"
    : `that of ${origin}`;
}

/**
 * The error for a clock `offsetSeconds` off the token endpoint's, saying by how much and
 * which way, never in JWT terms (the ID token's "exp" is what fails first).
 */
export function clockOffError(
  offsetSeconds: number,
  endpoint: string,
  operation: 'exchange' | 'refresh',
  cause?: unknown,
): InstalledOAuthError {
  const way = offsetSeconds > 0 ? 'ahead of' : 'behind';
  return new InstalledOAuthError(
    'CLOCK_SKEW',
    `This computer's clock is ${formatOffset(offsetSeconds)} ${way} ${serverName(endpoint)}; set the time and ${operation === 'exchange' ? 'sign in again' : 'try again'}.`,
    {
      cause,
      hint: "Set this computer's date and time, or turn on setting them automatically.",
      details: { offsetSeconds: Math.round(offsetSeconds) },
    },
  );
}

/** Whether openid-client refused a JWT for its times (the ID token's "exp", say). */
export function isTimestampFailure(error: unknown): boolean {
  let current = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
    if ((current as { code?: unknown }).code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * After a token request: the clock error when the clock is hours off the server's, or when
 * openid-client refused the ID token's times and the clock is off at all. Undefined otherwise.
 */
export function clockProblem(
  clock: ServerClock,
  endpoint: string,
  operation: 'exchange' | 'refresh',
  failure?: unknown,
): InstalledOAuthError | undefined {
  const offset = clock.offsetSeconds();
  if (offset === undefined) return undefined;
  if (Math.abs(offset) >= CLOCK_OFF_LIMIT_SECONDS)
    return clockOffError(offset, endpoint, operation, failure);
  if (failure !== undefined && isTimestampFailure(failure) && Math.abs(offset) >= 60)
    return clockOffError(offset, endpoint, operation, failure);
  return undefined;
}
