import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fromAuthorizedUserJson, InstalledOAuthError, parseClientSecrets } from '../src/index.js';

// Property-based tests: whatever the input, the parsers return or throw their one typed
// error — no crash, no hang, no secret in the message, no polluted prototype.

const SECRET = 'GOCSPX-fuzz-secret-7f3a9c';

function outcome(run: () => unknown): 'ok' | 'typed-error' {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof InstalledOAuthError) return 'typed-error';
    throw error;
  }
}

const clientLike = fc.record(
  {
    client_id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    client_secret: fc.constant(SECRET),
    auth_uri: fc.oneof(fc.webUrl(), fc.string(), fc.constant('http://127.0.0.1:1/auth')),
    token_uri: fc.oneof(fc.webUrl(), fc.string(), fc.constant('http://localhost:2/token')),
    redirect_uris: fc.oneof(fc.array(fc.oneof(fc.webUrl(), fc.string())), fc.string()),
    __proto__: fc.jsonValue(),
    constructor: fc.jsonValue(),
  },
  { requiredKeys: ['client_secret'] },
);

describe('parseClientSecrets under fuzzing', () => {
  it('never crashes on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        expect(['ok', 'typed-error']).toContain(outcome(() => parseClientSecrets(text)));
      }),
      { numRuns: 500 },
    );
  });

  it('never crashes on arbitrary JSON, and never pollutes prototypes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value) ?? 'null';
        expect(['ok', 'typed-error']).toContain(
          outcome(() => parseClientSecrets(text, { allowInsecureTransport: true })),
        );
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('never puts the client secret in a message, whatever else is wrong', () => {
    fc.assert(
      fc.property(
        clientLike,
        fc.constantFrom('installed', 'web'),
        fc.boolean(),
        (client, key, insecure) => {
          try {
            const secrets = parseClientSecrets(JSON.stringify({ [key]: client }), {
              allowInsecureTransport: insecure,
            });
            expect(JSON.stringify(secrets)).not.toContain(SECRET);
          } catch (error) {
            if (!(error instanceof InstalledOAuthError)) throw error;
            expect(`${error.message} ${error.hint} ${JSON.stringify(error.details)}`).not.toContain(
              SECRET,
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('fromAuthorizedUserJson under fuzzing', () => {
  it('returns credentials or a typed error, never echoing the refresh token', () => {
    const stored = fc.record({
      type: fc.oneof(fc.constant('authorized_user'), fc.string()),
      client_id: fc.oneof(fc.string(), fc.integer()),
      refresh_token: fc.constant('1//fuzz-refresh-token-91ab'),
      token: fc.oneof(fc.string(), fc.integer()),
      expiry: fc.oneof(
        fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
        fc.string(),
      ),
      scopes: fc.oneof(fc.array(fc.string()), fc.string()),
    });
    fc.assert(
      fc.property(stored, (json) => {
        try {
          fromAuthorizedUserJson(JSON.stringify(json));
        } catch (error) {
          if (!(error instanceof InstalledOAuthError)) throw error;
          expect(error.message).not.toContain('fuzz-refresh-token');
        }
      }),
      { numRuns: 300 },
    );
  });
});
