import type { ClientSecrets } from '@installed-oauth/core';
import { CliError, ExitCode, usage } from './exit-codes.js';
import { neutralise } from './terminal-text.js';

/** Where Google's client files send sign-ins and token requests (older files: accounts.google.com). */
const GOOGLE_OAUTH_HOSTS = new Set(['accounts.google.com', 'oauth2.googleapis.com']);

/**
 * The loopback addresses DRIVE_CLI_SANDBOX admits, as IP literals only: a name such as
 * `localhost` or `x.localhost` may be resolved through DNS on some systems.
 */
export const LOOPBACK_LITERALS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]']);

/**
 * drive-cli talks to Google only: a client_secret.json whose endpoints lie elsewhere (a file
 * planted in the current folder, say) would receive the authorization code, the client secret
 * and the refresh token. With DRIVE_CLI_SANDBOX=1 (tests, the sandbox) both endpoints must
 * instead be on one loopback origin, by IP literal: never Google's sign-in page paired with a
 * local token endpoint. Core has checked the schemes already.
 */
export function assertGoogleEndpoints(
  secrets: ClientSecrets,
  path: string,
  sandbox: boolean,
): void {
  const endpoints = [
    ['auth_uri', secrets.authorizationEndpoint],
    ['token_uri', secrets.tokenEndpoint],
  ] as const;
  if (sandbox) {
    assertSandboxEndpoints(endpoints, path);
    return;
  }
  for (const [field, url] of endpoints) {
    const { hostname, protocol } = new URL(url);
    if (protocol === 'https:' && GOOGLE_OAUTH_HOSTS.has(hostname)) continue;
    throw new CliError(
      ExitCode.clientConfiguration,
      `${neutralise(path)} sends "${field}" to ${neutralise(url)}, which is not Google's; drive-cli talks only to accounts.google.com and oauth2.googleapis.com.`,
      'Download the client file again from the Google Cloud console (APIs & Services → Credentials). A local sandbox needs DRIVE_CLI_SANDBOX=1.',
    );
  }
}

function assertSandboxEndpoints(
  endpoints: readonly (readonly [string, string])[],
  path: string,
): void {
  const origins = new Set(endpoints.map(([, url]) => new URL(url).origin));
  const local = endpoints.every(([, url]) => LOOPBACK_LITERALS.has(new URL(url).hostname));
  if (local && origins.size === 1) return;
  throw new CliError(
    ExitCode.clientConfiguration,
    `With DRIVE_CLI_SANDBOX=1, ${neutralise(path)} must send "auth_uri" and "token_uri" to one loopback origin (127.0.0.1 or [::1]); it names ${endpoints.map(([field, url]) => `${field} ${neutralise(url)}`).join(' and ')}.`,
    'Unset DRIVE_CLI_SANDBOX to use Google, or point both endpoints at the sandbox.',
  );
}

/** Google's API hosts: www.googleapis.com, and the private. and restricted. VPC endpoints. */
function isGoogleApiHost(hostname: string): boolean {
  return hostname === 'googleapis.com' || hostname.endsWith('.googleapis.com');
}

/**
 * DRIVE_CLI_API_ROOT checked: https on googleapis.com (the access token goes there), or with
 * DRIVE_CLI_SANDBOX, http on 127.0.0.1 or [::1]. Returns the normalised URL.
 */
export function driveApiRoot(apiRoot: string, allowInsecureTransport: boolean): string {
  const apiUrl = URL.parse(apiRoot);
  const loopbackOk = allowInsecureTransport && LOOPBACK_LITERALS.has(apiUrl?.hostname ?? '');
  if (!apiUrl || (apiUrl.protocol !== 'https:' && !loopbackOk)) {
    throw usage(
      `DRIVE_CLI_API_ROOT must be an https URL, got "${neutralise(apiRoot)}".`,
      'Plain http is allowed only for 127.0.0.1 or [::1] with DRIVE_CLI_SANDBOX=1 (tests, the sandbox).',
    );
  }
  if (!loopbackOk && !isGoogleApiHost(apiUrl.hostname)) {
    throw usage(
      `DRIVE_CLI_API_ROOT must be on googleapis.com (the access token goes there), got "${neutralise(apiRoot)}".`,
      'Leave it unset for https://www.googleapis.com/; 127.0.0.1 and [::1] are allowed with DRIVE_CLI_SANDBOX=1 (tests, the sandbox).',
    );
  }
  return apiUrl.href;
}
