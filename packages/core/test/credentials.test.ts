import { describe, expect, it } from '@jest/globals';
import { GoogleAuth, UserRefreshClient } from 'google-auth-library';
import {
  accountOf,
  assertScopesGranted,
  type Credentials,
  credentialsFromTokenResponse,
  fromAuthorizedUserJson,
  InstalledOAuthError,
  isExpired,
  parseClientSecrets,
  toAuthorizedUserJson,
} from '../src/index.js';

const clientSecrets = parseClientSecrets({
  installed: {
    client_id: '123-abc.apps.googleusercontent.com',
    client_secret: 'GOCSPX-example',
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: 'https://oauth2.googleapis.com/token',
  },
});

const credentials: Credentials = credentialsFromTokenResponse(
  {
    access_token: 'ya29.access',
    refresh_token: '1//refresh',
    expires_in: 3599,
    scope: 'https://www.googleapis.com/auth/drive.metadata.readonly openid',
    token_type: 'Bearer',
  },
  { receivedAt: Date.parse('2026-11-26T10:00:00Z') },
);

describe('credentials from a token response', () => {
  it('computes the expiry from the local receipt time', () => {
    expect(credentials.expiresAt).toBe(Date.parse('2026-11-26T10:59:59Z'));
    expect(credentials.scopes).toEqual([
      'https://www.googleapis.com/auth/drive.metadata.readonly',
      'openid',
    ]);
  });

  it('keeps the old refresh token and scopes when a refresh response omits them', () => {
    const refreshed = credentialsFromTokenResponse(
      { access_token: 'ya29.new', expires_in: 3600 },
      { receivedAt: Date.parse('2026-11-26T12:00:00Z'), previous: credentials },
    );
    expect(refreshed.refreshToken).toBe('1//refresh');
    expect(refreshed.scopes).toEqual(credentials.scopes);
    expect(refreshed.accessToken).toBe('ya29.new');
  });

  it('keeps the account a store remembered when a refresh response brings no ID token', () => {
    const account = { id: '1170', email: 'kai@example.com' };
    const refreshed = credentialsFromTokenResponse(
      { access_token: 'ya29.new', expires_in: 3600 },
      { receivedAt: 0, previous: { ...credentials, idToken: undefined, account } },
    );
    expect(accountOf(refreshed)).toEqual(account);
  });

  it('counts a token expiring within the margin as expired', () => {
    const expiry = credentials.expiresAt ?? 0;
    expect(isExpired(credentials, { now: expiry - 120_000 })).toBe(false);
    expect(isExpired(credentials, { now: expiry - 30_000 })).toBe(true);
    expect(isExpired(credentials, { now: expiry - 30_000, marginSeconds: 0 })).toBe(false);
  });

  it('counts a missing access token as expired, and one without an expiry as valid', () => {
    expect(isExpired({ ...credentials, accessToken: '' })).toBe(true);
    expect(isExpired({ ...credentials, expiresAt: undefined }, { now: 8e15 })).toBe(false);
  });
});

describe('assertScopesGranted (granular consent)', () => {
  it('passes when every scope was granted, treating Google scope aliases as equal', () => {
    const withEmail = credentialsFromTokenResponse(
      { access_token: 'a', scope: 'openid https://www.googleapis.com/auth/userinfo.email' },
      { receivedAt: 0 },
    );
    expect(() => assertScopesGranted(withEmail, ['openid', 'email'])).not.toThrow();
  });

  it('names the scopes the user left unticked, as the scope itself when its words are unknown', () => {
    try {
      assertScopesGranted(credentials, [
        'https://www.googleapis.com/auth/drive.metadata.readonly',
        'https://www.googleapis.com/auth/calendar',
      ]);
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(InstalledOAuthError);
      expect((error as InstalledOAuthError).code).toBe('SCOPES_NOT_GRANTED');
      expect((error as InstalledOAuthError).message).toBe(
        'The consent screen was left with a permission unticked: "https://www.googleapis.com/auth/calendar".',
      );
    }
  });

  it("names every missing scope in the consent screen's words, in the plural when there are several", () => {
    expect(() =>
      assertScopesGranted(credentials, ['email', 'https://www.googleapis.com/auth/calendar']),
    ).toThrow(
      'The consent screen was left with permissions unticked: "See your primary Google Account email address", "https://www.googleapis.com/auth/calendar".',
    );
  });
});

describe('the authorized_user JSON form', () => {
  it('round-trips', () => {
    const json = toAuthorizedUserJson(credentials, clientSecrets);
    expect(json).toMatchObject({
      type: 'authorized_user',
      client_id: clientSecrets.clientId,
      client_secret: 'GOCSPX-example',
      refresh_token: '1//refresh',
      token_uri: 'https://oauth2.googleapis.com/token',
      expiry: '2026-11-26T10:59:59.000Z',
    });
    const back = fromAuthorizedUserJson(JSON.stringify(json));
    expect(back.clientId).toBe(clientSecrets.clientId);
    expect(back.credentials).toEqual(credentials);
  });

  it("is accepted by google-auth-library's fromJSON", () => {
    const json = toAuthorizedUserJson(credentials, clientSecrets);
    const client = new GoogleAuth().fromJSON(json);
    expect(client).toBeInstanceOf(UserRefreshClient);
    expect((client as UserRefreshClient)._clientId).toBe(clientSecrets.clientId);
    expect((client as UserRefreshClient).credentials.refresh_token).toBe('1//refresh');
  });

  it('keeps the ID token, and writes an empty client secret for a client without one', () => {
    const withIdToken = { ...credentials, idToken: 'eyJ.id.token' };
    const publicClient = parseClientSecrets({
      installed: {
        client_id: '123-abc.apps.googleusercontent.com',
        auth_uri: 'https://accounts.google.com/o/oauth2/auth',
        token_uri: 'https://oauth2.googleapis.com/token',
      },
    });
    const json = toAuthorizedUserJson(withIdToken, publicClient);
    expect(json).toMatchObject({ client_secret: '', id_token: 'eyJ.id.token' });
    expect(fromAuthorizedUserJson(json).credentials).toEqual(withIdToken);
  });

  it('reads a gcloud-style file that holds only the refresh token as expired credentials', () => {
    const { credentials: read } = fromAuthorizedUserJson({
      type: 'authorized_user',
      client_id: 'x',
      client_secret: 'y',
      refresh_token: '1//only',
    });
    expect(read).toEqual({
      accessToken: '',
      refreshToken: '1//only',
      expiresAt: undefined,
      scopes: [],
      tokenType: 'Bearer',
      idToken: undefined,
    });
    expect(isExpired(read)).toBe(true);
  });

  it('refuses credentials without a refresh token', () => {
    const online = credentialsFromTokenResponse({ access_token: 'a' }, { receivedAt: 0 });
    expect(() => toAuthorizedUserJson(online, clientSecrets)).toThrow(/no refresh token/);
  });

  it.each([
    ['not JSON', 'nope', /not valid JSON/],
    ['a JSON array', '[]', /does not hold a JSON object/],
    ['a file without a type', '{"refresh_token": "r"}', /"type" is null, not "authorized_user"/],
    [
      'a service-account key',
      JSON.stringify({ type: 'service_account', private_key: 'x' }),
      /"type" is "service_account"/,
    ],
    [
      'a missing refresh token',
      JSON.stringify({ type: 'authorized_user', client_id: 'x' }),
      /"refresh_token" is missing/,
    ],
    [
      'a bad expiry',
      JSON.stringify({
        type: 'authorized_user',
        client_id: 'x',
        refresh_token: 'r',
        token: 't',
        expiry: 'soon',
      }),
      /"expiry" is not a date/,
    ],
  ])(
    'reports %s as INVALID_CREDENTIALS_FILE without echoing its content',
    (_name, text, message) => {
      try {
        fromAuthorizedUserJson(text, { source: '/tmp/credentials.json' });
        throw new Error('expected a throw');
      } catch (error) {
        expect((error as InstalledOAuthError).code).toBe('INVALID_CREDENTIALS_FILE');
        expect((error as Error).message).toMatch(message);
        expect((error as Error).message).toMatch(
          /^\/tmp\/credentials.json is not a usable credentials file/,
        );
      }
    },
  );
});
