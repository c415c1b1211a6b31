import type * as OpenIdClient from 'openid-client';
import type { ClientSecrets } from './client-secrets.js';
import { CLOCK_TOLERANCE_SECONDS, type ServerClock, watchServerClock } from './server-clock.js';

export type OpenIdClientModule = typeof OpenIdClient;

/**
 * A fetch-compatible function (openid-client's `CustomFetch`); inject one to observe or
 * fake HTTP in unit tests, or to route through a proxy.
 */
export type FetchLike = OpenIdClient.CustomFetch;

export interface ConfigurationOptions {
  /** Revocation endpoint; default {@link defaultRevocationEndpoint}. */
  revocationEndpoint?: string;
  fetch?: FetchLike | undefined;
  /** Aborts the token requests made with this configuration (Ctrl-C during the exchange). */
  signal?: AbortSignal | undefined;
}

/**
 * Where tokens are revoked when the caller does not say: `/revoke` on the token endpoint's
 * origin. For Google's `https://oauth2.googleapis.com/token` that is Google's documented
 * `https://oauth2.googleapis.com/revoke`.
 */
export function defaultRevocationEndpoint(secrets: ClientSecrets): string {
  return new URL('/revoke', secrets.tokenEndpoint).href;
}

/**
 * openid-client, loaded when first needed: loading it (with the `jose` modules it brings) takes
 * about as long as Node takes to start, and a program that only reads stored credentials that
 * are still valid never needs it.
 */
export function loadOpenIdClient(): Promise<OpenIdClientModule> {
  return import('openid-client');
}

/**
 * An openid-client `Configuration` built from the secrets file's static metadata, with no
 * discovery round trip. client_secret_post, because Google's token endpoint wants the secret
 * in the body even with PKCE.
 */
export async function createConfiguration(
  secrets: ClientSecrets,
  options: ConfigurationOptions = {},
): Promise<{
  client: OpenIdClientModule;
  configuration: OpenIdClient.Configuration;
  /** The token endpoint's clock, from the `Date` header of its last answer. */
  clock: ServerClock;
}> {
  const client = await loadOpenIdClient();
  const server: OpenIdClient.ServerMetadata = {
    issuer: secrets.issuer,
    authorization_endpoint: secrets.authorizationEndpoint,
    token_endpoint: secrets.tokenEndpoint,
    revocation_endpoint: options.revocationEndpoint ?? defaultRevocationEndpoint(secrets),
  };
  const authentication =
    secrets.clientSecret === undefined
      ? client.None()
      : client.ClientSecretPost(secrets.clientSecret);
  const configuration = new client.Configuration(
    server,
    secrets.clientId,
    { [client.clockTolerance]: CLOCK_TOLERANCE_SECONDS },
    authentication,
  );
  const insecureRevocation = server.revocation_endpoint?.startsWith('http:') ?? false;
  if (secrets.insecureTransport || insecureRevocation) {
    // Reached only for loopback endpoints under allowInsecureTransport (checked on parsing).
    client.allowInsecureRequests(configuration);
  }
  const { fetch: customFetch, signal } = options;
  const send: FetchLike = customFetch ?? ((url, init) => fetch(url, init as RequestInit));
  const { fetch: watched, clock } = watchServerClock(
    signal
      ? (url, init) =>
          send(url, {
            ...init,
            signal: init.signal ? AbortSignal.any([init.signal, signal]) : signal,
          })
      : send,
  );
  configuration[client.customFetch] = watched;
  return { client, configuration, clock };
}
