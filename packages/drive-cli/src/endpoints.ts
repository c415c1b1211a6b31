import { type ClientSecrets, isLoopbackHost } from '@installed-oauth/core';
import { CliError, ExitCode } from './exit-codes.js';
import { neutralise } from './terminal-text.js';

/** Where Google's client files send sign-ins and token requests (older files: accounts.google.com). */
const GOOGLE_OAUTH_HOSTS = new Set(['accounts.google.com', 'oauth2.googleapis.com']);

/**
 * drive-cli talks to Google only: a client_secret.json whose endpoints lie elsewhere (a file
 * planted in the current folder, say) would receive the authorization code, the client secret
 * and the refresh token. Loopback endpoints pass only with the insecure-transport switch
 * (tests, the sandbox); core has checked the scheme already.
 */
export function assertGoogleEndpoints(
  secrets: ClientSecrets,
  path: string,
  allowInsecureTransport: boolean,
): void {
  const endpoints = [
    ['auth_uri', secrets.authorizationEndpoint],
    ['token_uri', secrets.tokenEndpoint],
  ] as const;
  for (const [field, url] of endpoints) {
    const { hostname, protocol } = new URL(url);
    if (protocol === 'https:' && GOOGLE_OAUTH_HOSTS.has(hostname)) continue;
    if (allowInsecureTransport && isLoopbackHost(hostname)) continue;
    throw new CliError(
      ExitCode.clientConfiguration,
      `${path} sends "${field}" to ${neutralise(url)}, which is not Google's; drive-cli talks only to accounts.google.com and oauth2.googleapis.com.`,
      'Download the client file again from the Google Cloud console (APIs & Services → Credentials). Loopback endpoints (the sandbox) need OAUTHLIB_INSECURE_TRANSPORT=1.',
    );
  }
}
