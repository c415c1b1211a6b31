import { type ClientSecrets, createInstalledApp } from '@installed-oauth/core';
import { createFileAccountStore } from '@installed-oauth/core/node';
import { createLoopbackStrategy } from '@installed-oauth/loopback';

/**
 * A valid access token for the user's Drive: the stored account's, refreshed when it has
 * expired; after a browser sign-in when nothing is stored yet or the grant is gone (revoked, or
 * expired after 7 days for apps in "Testing" status).
 */
export async function driveAccessToken(clientSecrets: ClientSecrets, directory: string) {
  const app = createInstalledApp({
    clientSecrets,
    scopes: ['openid', 'email', 'https://www.googleapis.com/auth/drive.metadata.readonly'],
    store: createFileAccountStore({ directory, clientSecrets }),
  });
  const { credentials } = await app.getCredentials({
    signIn: { strategy: createLoopbackStrategy(), signal: AbortSignal.timeout(300_000) },
  });
  return credentials.accessToken;
}
