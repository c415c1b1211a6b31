export type { AccountIdentity } from './account.js';
export { accountOf } from './account.js';
export type { AuthorizeOptions } from './authorize.js';
export { authorize, DEFAULT_SIGN_IN_TIMEOUT_MS } from './authorize.js';
export type { AuthorizedUserJson, StoredCredentials } from './authorized-user.js';
export { fromAuthorizedUserJson, toAuthorizedUserJson } from './authorized-user.js';
export type { ClientSecrets, ParseClientSecretsOptions } from './client-secrets.js';
export { clientSecretsFromValues, parseClientSecrets } from './client-secrets.js';
export type { Credentials, TokenResponse } from './credentials.js';
export {
  assertScopesGranted,
  credentialsFromTokenResponse,
  isExpired,
  missingScopes,
} from './credentials.js';
export type {
  InstalledOAuthErrorCode,
  InstalledOAuthErrorDetails,
  InstalledOAuthErrorOptions,
  InstalledOAuthErrorReason,
} from './errors.js';
export { InstalledOAuthError, isInstalledOAuthError } from './errors.js';
export type { FreshCredentialsOptions } from './fresh-credentials.js';
export { getFreshCredentials } from './fresh-credentials.js';
export type { CreateGoogleAuthOptions, GoogleOAuth2Client } from './google-auth.js';
export { createGoogleAuth } from './google-auth.js';
export type {
  Account,
  GetCredentialsOptions,
  InstalledApp,
  InstalledAppOptions,
  SignInOptions,
  SignOutResult,
} from './installed-app.js';
export { createInstalledApp } from './installed-app.js';
export { isLoopbackHost } from './loopback-host.js';
export type { FetchLike } from './openid-client-configuration.js';
export { defaultRevocationEndpoint } from './openid-client-configuration.js';
export { untrustedCertificateError } from './openid-client-errors.js';
export type {
  RedirectRequest,
  RedirectStrategy,
  SpecificationVersion,
} from './redirect-strategy.js';
export { defineStrategy, errorFromAbort, SPECIFICATION_VERSION } from './redirect-strategy.js';
export type { RefreshOptions } from './refresh.js';
export { refreshCredentials } from './refresh.js';
export type { RevokeOptions, RevokeResult, RevokeTokenOptions } from './revoke.js';
export { revokeCredentials, revokeToken } from './revoke.js';
export { describeScope } from './scope-descriptions.js';
export { CLOCK_OFF_LIMIT_SECONDS, clockOffError } from './server-clock.js';
export type { AccountStore, SecretStore, TokenStore } from './token-store.js';
