import { InstalledOAuthError } from './errors.js';
import type { OpenIdClientModule } from './openid-client-configuration.js';
import { sanitise } from './outside-text.js';

export type TokenOperation = 'exchange' | 'refresh' | 'revoke';

const OPERATION_WORDS: Record<TokenOperation, string> = {
  exchange: 'exchanging the authorization code',
  refresh: 'refreshing the access token',
  revoke: 'revoking the token',
};

const REFRESH_INVALID_GRANT_HINT =
  'Sign in again. Refresh tokens stop working when access is revoked, the password changes, or — for apps whose OAuth consent screen is in "Testing" status — 7 days after they were issued.';

function describeCause(error: unknown): string {
  let current: unknown = error;
  const parts: string[] = [];
  for (let depth = 0; current && depth < 4; depth++) {
    if (current instanceof Response) {
      parts.push(`HTTP ${current.status}${current.statusText ? ` ${current.statusText}` : ''}`);
      break;
    }
    if (typeof current !== 'object') break;
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && !parts.includes(code)) parts.push(code);
    else if (typeof message === 'string' && message && !parts.includes(message))
      parts.push(message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(': ');
}

/**
 * The status line when the problem is the HTTP response itself, else what was wrong in it:
 * openid-client's error says only "invalid response encountered"; the reason is on its cause.
 */
function describeResponseProblem(error: Error): string {
  let current: unknown = error;
  let said = error.message;
  // Names and shapes, not classes: the Response may come from another realm (as under Jest).
  for (let depth = 0; typeof current === 'object' && current !== null && depth < 4; depth++) {
    if (current instanceof Response) return describeCause(current);
    const { message } = current as { message?: unknown };
    if (typeof message === 'string' && message) said = message;
    current = (current as { cause?: unknown }).cause;
  }
  return said;
}

/**
 * The fetch failure inside an error, if any. openid-client wraps errors it does not know as
 * "something went wrong" (it does so with fetch's TypeError when that comes from another realm,
 * as under Jest), so the cause chain is searched. Names are compared, not classes, for the
 * same reason.
 */
function findNetworkFailure(error: unknown): unknown {
  let current = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
    const { name, message } = current as { name?: string; message?: string };
    if (name === 'TypeError' && /fetch failed|network/i.test(message ?? '')) return current;
    if (name === 'TimeoutError' || name === 'AbortError') return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Node's codes for a certificate chain it does not trust: what a company proxy that inspects
 * HTTPS with its own root certificate causes, since Node does not read the operating system's
 * certificate store unless told to.
 */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
]);

/**
 * The certificate code (`SELF_SIGNED_CERT_IN_CHAIN`, `UNABLE_TO_GET_ISSUER_CERT_LOCALLY`, …)
 * found along the causes of a failed request, if Node refused the server's certificate chain.
 */
export function untrustedCertificate(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string' && UNTRUSTED_CERTIFICATE.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The `NETWORK_ERROR` for a request to `origin` that failed because Node does not trust the
 * server's certificate chain (a company proxy inspecting HTTPS, usually), saying so and how to
 * make Node trust it; undefined for any other failure. For a program's own requests (an API
 * call) as core uses it for its token requests.
 *
 * @example
 * ```ts
 * const error = untrustedCertificateError(caught, 'https://www.googleapis.com', 'listing files');
 * if (error) console.error(error.message, error.hint);
 * ```
 */
export function untrustedCertificateError(
  error: unknown,
  origin: string,
  doing: string,
): InstalledOAuthError | undefined {
  const certificate = untrustedCertificate(error);
  if (!certificate) return undefined;
  return new InstalledOAuthError(
    'NETWORK_ERROR',
    `Could not reach ${origin} while ${doing}: a certificate in the chain is not trusted by Node (${certificate}) — probably a company proxy inspecting HTTPS.`,
    {
      cause: error,
      hint: "Set NODE_EXTRA_CA_CERTS to your company's root certificate (a PEM file), or, on Node 22.19 / 24.5 or later, set NODE_USE_SYSTEM_CA=1 to trust the operating system's certificates.",
      details: { reason: 'untrusted-certificate', certificate },
    },
  );
}

/**
 * Turns an openid-client failure into an {@link InstalledOAuthError} whose message carries
 * the real reason (openid-client keeps it on `cause`), never a token or secret.
 */
export function fromOpenIdClientError(
  client: OpenIdClientModule,
  error: unknown,
  operation: TokenOperation,
  endpoint: string,
): InstalledOAuthError {
  const origin = new URL(endpoint).origin;
  const doing = OPERATION_WORDS[operation];
  if (error instanceof client.ResponseBodyError) {
    // The server's words, made harmless for a terminal.
    const description = error.error_description ? ` (${sanitise(error.error_description)})` : '';
    const reason = `${sanitise(error.error)}${description}`;
    const subtype = (error.cause as { error_subtype?: unknown } | undefined)?.error_subtype;
    if (error.error === 'invalid_grant' && operation === 'refresh' && subtype === 'invalid_rapt') {
      // Google Workspace's session control: the organisation asks for a fresh sign-in every so
      // often. Nothing expired or was revoked, and the app's publishing status has no part in it.
      return new InstalledOAuthError(
        'REAUTHENTICATION_REQUIRED',
        'Your organisation asks you to sign in again every so often, and that time has come (a Google Workspace re-authentication policy).',
        {
          cause: error,
          hint: 'Sign in again. How often is set by your Google Workspace administrator (session control: https://support.google.com/a/answer/9368756).',
          details: { error: error.error, status: error.status, reason: 'invalid_rapt' },
        },
      );
    }
    if (error.error === 'invalid_grant' && operation === 'refresh') {
      return new InstalledOAuthError(
        'REAUTHENTICATION_REQUIRED',
        `The stored authorization is no longer valid: ${reason}.`,
        {
          cause: error,
          hint: REFRESH_INVALID_GRANT_HINT,
          details: { error: error.error, status: error.status },
        },
      );
    }
    const hints: Record<string, string> = {
      invalid_client:
        'The client ID or secret is wrong, or the client was deleted: download client_secret.json again.',
      invalid_grant:
        'The code expired or was already used, or the redirect URI differs from the authorization request. Sign in again.',
      unauthorized_client: 'This client may not use this grant: use a "Desktop app" OAuth client.',
    };
    return new InstalledOAuthError(
      'TOKEN_REQUEST_FAILED',
      `The server refused ${doing}: ${reason}.`,
      {
        cause: error,
        hint: hints[error.error],
        details: { error: error.error, status: error.status },
      },
    );
  }
  const code = (error as { code?: unknown })?.code;
  const certificate = untrustedCertificateError(error, origin, doing);
  if (certificate) return certificate;
  const network = findNetworkFailure(error);
  if (network) {
    return new InstalledOAuthError(
      'NETWORK_ERROR',
      `Could not reach ${origin} while ${doing}: ${describeCause(network)}.`,
      {
        cause: error,
        hint: 'Check the network connection (and any proxy), then try again.',
      },
    );
  }
  // A server that answers, but not in OAuth: an error page, a captive portal, or a 200 whose
  // JSON is not a token response.
  const notOAuth = [
    'OAUTH_RESPONSE_IS_NOT_CONFORM',
    'OAUTH_RESPONSE_IS_NOT_JSON',
    'OAUTH_INVALID_RESPONSE',
  ];
  if (typeof code === 'string' && notOAuth.includes(code)) {
    return new InstalledOAuthError(
      'NETWORK_ERROR',
      `${origin} answered with something other than an OAuth response while ${doing}: ${sanitise(describeResponseProblem(error as Error))}.`,
      {
        cause: error,
        hint: 'The server may be down or behind a captive portal or proxy; try again later.',
      },
    );
  }
  return new InstalledOAuthError(
    'TOKEN_REQUEST_FAILED',
    `Failed while ${doing}: ${describeCause(error)}.`,
    { cause: error },
  );
}
