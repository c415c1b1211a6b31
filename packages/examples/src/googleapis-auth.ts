import { auth } from '@googleapis/drive';
import type { InstalledApp } from '@installed-oauth/core';

/**
 * An auth client for `@googleapis/drive` (and every googleapis package: `google.auth.OAuth2`
 * there), backed by an installed app: it takes the access token from the app's store,
 * refreshed under the store's lock so that processes refresh one at a time, and after a 401
 * from the API it forces one refresh and retries once. A dead grant ends the call with the
 * app's REAUTHENTICATION_REQUIRED, never a loop of 401s.
 */
export function googleAuthFor(
  app: InstalledApp,
  account?: string,
): InstanceType<typeof auth.OAuth2> {
  const client = new auth.OAuth2({ forceRefreshOnFailure: true });
  client.refreshHandler = async () => {
    // Called while the token still looks valid only when the API refused it: refresh anyway.
    const expiry = client.credentials.expiry_date;
    const refused = Boolean(expiry && expiry > Date.now() + 60_000);
    const { credentials } = await app.getCredentials({ account, forceRefresh: refused });
    // Google always says when a token expires; without that, it is checked again in an hour.
    const expiresAt = credentials.expiresAt ?? Date.now() + 3_600_000;
    return { access_token: credentials.accessToken, expiry_date: expiresAt };
  };
  return client;
}
