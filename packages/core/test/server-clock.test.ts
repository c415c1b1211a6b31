import { describe, expect, it } from '@jest/globals';
import {
  clockOffError,
  clockProblem,
  formatOffset,
  isTimestampFailure,
  watchServerClock,
} from '../src/server-clock.js';

const GOOGLE = 'https://oauth2.googleapis.com/token';
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
    await fetch('https://example.com/', {});
    expect(Math.round((clock.offsetSeconds() ?? 0) / 60)).toBe(180);
    await fetch('https://example.com/', {});
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
