import type { InstalledApp } from './installed-app.js';

/** What {@link createGoogleAuth} uses of google-auth-library's `OAuth2Client`. */
export interface GoogleOAuth2Client {
  credentials: { expiry_date?: number | null | undefined };
  refreshHandler?: (() => Promise<{ access_token: string; expiry_date: number }>) | undefined;
}

export interface CreateGoogleAuthOptions<Client extends GoogleOAuth2Client> {
  /**
   * google-auth-library's `OAuth2Client` class, as your Google client library has it:
   * `auth.OAuth2` from `@googleapis/drive` (or any `@googleapis/*`), `google.auth.OAuth2` from
   * `googleapis`. Passed in, so that the client is the very class that library checks for, in
   * its version, and core depends on none of them.
   */
  OAuth2: new (options: {
    forceRefreshOnFailure: boolean;
  }) => Client;
  /** The account (an id or e-mail address); default: the active one. */
  account?: string | undefined;
}

/**
 * An auth client for Google's client libraries, backed by an installed app: it takes the access
 * token from the app's store, refreshed under the store's lock so that processes refresh one at
 * a time, and after a 401 from the API it forces one refresh and retries once. A dead grant
 * ends the call with the app's `REAUTHENTICATION_REQUIRED`, never a loop of 401s. It never signs
 * in: call `app.getCredentials({ signIn })` first where a sign-in may happen.
 *
 * @example
 * ```ts
 * import { auth, drive } from '@googleapis/drive';
 *
 * const files = await drive({
 *   version: 'v3',
 *   auth: createGoogleAuth(app, { OAuth2: auth.OAuth2 }),
 * }).files.list({ pageSize: 5 });
 * ```
 */
export function createGoogleAuth<Client extends GoogleOAuth2Client>(
  app: InstalledApp,
  options: CreateGoogleAuthOptions<Client>,
): Client {
  const client = new options.OAuth2({ forceRefreshOnFailure: true });
  client.refreshHandler = async () => {
    // Called while the token still looks valid only when the API refused it: refresh anyway.
    const expiry = client.credentials.expiry_date;
    const refused = Boolean(expiry && expiry > Date.now() + 60_000);
    const { credentials } = await app.getCredentials({
      account: options.account,
      forceRefresh: refused,
    });
    // Google always says when a token expires; without that, it is checked again in an hour.
    const expiresAt = credentials.expiresAt ?? Date.now() + 3_600_000;
    return { access_token: credentials.accessToken, expiry_date: expiresAt };
  };
  return client;
}
