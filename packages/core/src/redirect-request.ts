import { checkCallback } from './callback.js';
import { InstalledOAuthError } from './errors.js';
import { isLoopbackHost } from './loopback-host.js';
import { type RedirectRequest, SPECIFICATION_VERSION } from './redirect-strategy.js';

/** What core learns about one attempt while a strategy runs. */
export interface AttemptRecord {
  redirectUri: string | undefined;
  urlBuildCount: number;
  /** The first contract or configuration error raised inside the request's methods. */
  failure: InstalledOAuthError | undefined;
  stateUnchecked: boolean;
}

export interface RedirectRequestInit {
  state: string;
  /** The authorization server's issuer, for the `iss` check. */
  issuer: string;
  signal: AbortSignal;
  strategyName: string;
  /** Builds the URL for a normalised redirect URI. */
  buildUrl(redirectUri: string): URL;
  /** For web clients: the only redirect URI the server accepts. */
  requiredRedirectUri?: string | undefined;
}

const MAX_CODE_LENGTH = 2048;

/**
 * Checks a redirect URI a strategy asks for and returns it normalised. RFC 8252 allows
 * loopback http URIs (§7.3) and private-use schemes (§7.1); the query must be empty because
 * openid-client derives the token request's redirect_uri with the query stripped.
 */
export function normaliseRedirectUri(redirectUri: string, strategyName: string): string {
  const url = typeof redirectUri === 'string' ? URL.parse(redirectUri) : null;
  const fail = (why: string) =>
    new InstalledOAuthError(
      'STRATEGY_CONTRACT_VIOLATION',
      `Strategy "${strategyName}" asked for redirect URI ${JSON.stringify(String(redirectUri))}, which ${why}.`,
    );
  if (!url) throw fail('is not an absolute URL');
  if (url.search || url.hash) throw fail('has a query or fragment; the redirect URI must not');
  if (url.username || url.password) throw fail('carries credentials');
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    if (!isLoopbackHost(url.hostname)) throw fail('is not a loopback address (RFC 8252 §7.3)');
  } else if (!url.protocol.slice(0, -1).includes('.')) {
    throw fail(
      'is neither loopback http nor a private-use scheme such as com.example.app: (RFC 8252 §7.1)',
    );
  }
  return url.href;
}

/** The request object handed to a strategy, and the record core reads afterwards. */
export function createRedirectRequest(init: RedirectRequestInit): {
  request: RedirectRequest;
  record: AttemptRecord;
} {
  const record: AttemptRecord = {
    redirectUri: undefined,
    urlBuildCount: 0,
    failure: undefined,
    stateUnchecked: false,
  };
  const remember = (error: InstalledOAuthError): never => {
    record.failure ??= error;
    throw error;
  };
  const request: RedirectRequest = Object.freeze({
    specificationVersion: SPECIFICATION_VERSION,
    signal: init.signal,
    get redirectUri() {
      return record.redirectUri;
    },
    buildAuthorizationUrl(redirectUri: string): URL {
      record.urlBuildCount++;
      if (record.urlBuildCount > 1) {
        return remember(
          new InstalledOAuthError(
            'STRATEGY_CONTRACT_VIOLATION',
            `Strategy "${init.strategyName}" built the authorization URL more than once; contract v1 allows exactly one call per attempt.`,
          ),
        );
      }
      let normalised: string;
      try {
        normalised = normaliseRedirectUri(redirectUri, init.strategyName);
      } catch (error) {
        return remember(error as InstalledOAuthError);
      }
      if (
        init.requiredRedirectUri !== undefined &&
        new URL(init.requiredRedirectUri).href !== normalised
      ) {
        return remember(
          new InstalledOAuthError(
            'INVALID_CLIENT_SECRETS',
            `This "web" OAuth client accepts only the redirect URI ${init.requiredRedirectUri}, but strategy "${init.strategyName}" asked for ${normalised}.`,
            {
              hint: `Configure the strategy for exactly ${init.requiredRedirectUri} (host, port and path), or use a "Desktop app" client, which accepts any loopback port.`,
            },
          ),
        );
      }
      record.redirectUri = normalised;
      return init.buildUrl(normalised);
    },
    isGenuineCallback(parameters: URLSearchParams): boolean {
      if (record.redirectUri === undefined || !(parameters instanceof URLSearchParams))
        return false;
      try {
        checkCallback(parameters, init.state, init.issuer);
        return true;
      } catch {
        return false;
      }
    },
    completeBareCode(code: string): URLSearchParams {
      const trimmed = typeof code === 'string' ? code.trim() : '';
      // Authorization codes are URL-safe printable text; anything else is a bad paste.
      if (!trimmed || trimmed.length > MAX_CODE_LENGTH || !/^[\x21-\x7e]+$/.test(trimmed)) {
        throw new InstalledOAuthError(
          'INVALID_CALLBACK',
          'That does not look like an authorization code.',
        );
      }
      record.stateUnchecked = true;
      return new URLSearchParams({ code: trimmed, state: init.state });
    },
  });
  return { request, record };
}
