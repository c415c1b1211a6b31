import { useSandbox } from '@installed-oauth/test-support';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { authorize, type ClientSecrets, type FetchLike, refreshCredentials } from '../src/index.js';
import {
  clockOffError,
  clockProblem,
  formatOffset,
  isTimestampFailure,
  watchServerClock,
} from '../src/server-clock.js';
import { agentStrategy, DRIVE_SCOPE, failure, sandboxSecrets } from './helpers.js';

const GOOGLE = 'https://oauth2.googleapis.com/token';
const init = { method: 'POST', headers: {}, body: undefined, redirect: 'manual' } as const;
const timestampFailure = Object.assign(new Error('something went wrong'), {
  cause: Object.assign(new Error('unexpected JWT "exp" claim value'), {
    code: 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
  }),
});

/** A clock that reads `offset` seconds, as watchServerClock measures it from `Date`. */
const clockAt = (offset: number | undefined) => ({ offsetSeconds: () => offset });

describe("this computer's clock against the token endpoint's Date header", () => {
  it('measures the offset from the Date header of each answer, and nothing without one', async () => {
    const answers = [
      new Response('{}', { headers: { date: new Date(Date.now() - 3 * 3600_000).toUTCString() } }),
      new Response('{}'),
    ];
    const { fetch, clock } = watchServerClock(async () => answers.shift() as Response);
    expect(clock.offsetSeconds()).toBeUndefined();
    await fetch('https://example.com/', init);
    expect(Math.round((clock.offsetSeconds() ?? 0) / 60)).toBe(180);
    await fetch('https://example.com/', init);
    // An answer without Date leaves the last reading.
    expect(Math.round((clock.offsetSeconds() ?? 0) / 60)).toBe(180);
  });

  it('says offsets in hours and minutes, rounded to the minute', () => {
    expect(formatOffset(3 * 3600 + 2 * 60 + 20)).toBe('3 h 02 min');
    expect(formatOffset(-(3 * 3600 - 1))).toBe('3 h 00 min');
    expect(formatOffset(12 * 60)).toBe('12 min');
    expect(formatOffset(26 * 3600)).toBe('1 day 2 h');
    expect(formatOffset(-3 * 86400)).toBe('3 days 0 h');
  });

  it('tolerates minutes, and names hours off either way, in words and never in JWT terms', () => {
    expect(clockProblem(clockAt(undefined), GOOGLE, 'exchange')).toBeUndefined();
    expect(clockProblem(clockAt(10 * 60), GOOGLE, 'exchange')).toBeUndefined();
    expect(clockProblem(clockAt(-59 * 60), GOOGLE, 'refresh')).toBeUndefined();
    expect(clockProblem(clockAt(3 * 3600 + 120), GOOGLE, 'exchange')).toMatchObject({
      code: 'CLOCK_SKEW',
      message:
        "This computer's clock is 3 h 02 min ahead of Google's; set the time and sign in again.",
      details: { offsetSeconds: 10920 },
    });
    expect(clockProblem(clockAt(-2 * 3600), 'http://127.0.0.1:9/token', 'refresh')?.message).toBe(
      "This computer's clock is 2 h 00 min behind that of http://127.0.0.1:9; set the time and try again.",
    );
  });

  it('names a refused ID token as the clock once the clock is off by a minute or more', () => {
    expect(isTimestampFailure(timestampFailure)).toBe(true);
    expect(isTimestampFailure(new Error('other'))).toBe(false);
    expect(clockProblem(clockAt(20 * 60), GOOGLE, 'exchange', timestampFailure)?.code).toBe(
      'CLOCK_SKEW',
    );
    // A clock right to the minute is not what failed: the caller reports the failure itself.
    expect(clockProblem(clockAt(5), GOOGLE, 'exchange', timestampFailure)).toBeUndefined();
    expect(clockProblem(clockAt(20 * 60), GOOGLE, 'exchange', new Error('other'))).toBeUndefined();
    expect(clockOffError(-90, GOOGLE, 'exchange', timestampFailure).cause).toBe(timestampFailure);
  });
});

describe('against the sandbox, with its Date header moved (a fetch that shifts it, as a clock off would)', () => {
  const sandbox = useSandbox();
  /** The sandbox's answers, with `Date` moved by `hours` (this computer's clock, seen from it). */
  const shifted =
    (hours: number): FetchLike =>
    async (url, options) => {
      const response = await fetch(url, options as RequestInit);
      const headers = new Headers(response.headers);
      headers.set('date', new Date(Date.now() - hours * 3600_000).toUTCString());
      return new Response(await response.text(), { status: response.status, headers });
    };
  let clientSecrets: ClientSecrets;
  beforeAll(() => {
    clientSecrets = sandboxSecrets(sandbox);
  });

  it('fails the code exchange with CLOCK_SKEW when hours off, handing nothing out', async () => {
    const error = await failure(
      authorize({
        clientSecrets,
        scopes: [DRIVE_SCOPE],
        strategy: agentStrategy(),
        fetch: shifted(-3),
      }),
    );
    expect(error.code).toBe('CLOCK_SKEW');
    expect(error.message).toMatch(
      /^This computer's clock is 3 h 00 min behind that of http:\/\/127\.0\.0\.1:\d+; set the time and sign in again\.$/,
    );
  });

  it('fails a refresh with CLOCK_SKEW when hours off, and refreshes when minutes off', async () => {
    const credentials = await authorize({
      clientSecrets,
      scopes: [DRIVE_SCOPE],
      strategy: agentStrategy(),
    });
    const error = await failure(
      refreshCredentials({ clientSecrets, credentials, fetch: shifted(2) }),
    );
    expect(error.code).toBe('CLOCK_SKEW');
    // Date has whole seconds: the measured offset is within a second or two of the real one.
    expect(Math.abs(Number(error.details.offsetSeconds) - 7200)).toBeLessThanOrEqual(2);
    const refreshed = await refreshCredentials({ clientSecrets, credentials, fetch: shifted(0.2) });
    expect(refreshed.accessToken).not.toBe(credentials.accessToken);
  });
});
