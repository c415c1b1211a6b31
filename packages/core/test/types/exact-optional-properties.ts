// Type-checked (never run) with exactOptionalPropertyTypes, as strict projects compile: every
// optional option of the public API accepts an explicit undefined, the way a caller passes
// through a value it may not have.
import {
  type AuthorizeOptions,
  type ClientSecrets,
  type Credentials,
  createInstalledApp,
  type FreshCredentialsOptions,
  type GetCredentialsOptions,
  type ParseClientSecretsOptions,
  type RedirectStrategy,
  type RefreshOptions,
  type RevokeOptions,
  type SignInOptions,
  type TokenStore,
} from '../../src/index.js';
import type { FileLockOptions, FileTokenStoreOptions } from '../../src/node/index.js';
import type { ConformanceOptions } from '../../src/testing.js';

declare const clientSecrets: ClientSecrets;
declare const strategy: RedirectStrategy;
declare const credentials: Credentials;
declare const store: TokenStore;
const maybe = <T>(): T | undefined => undefined;

export const authorizeOptions: AuthorizeOptions = {
  clientSecrets,
  scopes: ['openid'],
  strategy,
  signal: maybe<AbortSignal>(),
  accessType: maybe<'offline'>(),
  prompt: maybe<string>(),
  hasRefreshToken: maybe<boolean>(),
  loginHint: maybe<string>(),
  includeGrantedScopes: maybe<boolean>(),
  extraParameters: maybe<Record<string, string>>(),
  requireAllScopes: maybe<boolean>(),
  fetch: undefined,
};
export const refreshOptions: RefreshOptions = { clientSecrets, credentials, fetch: undefined };
export const revokeOptions: RevokeOptions = {
  clientSecrets,
  credentials,
  revocationEndpoint: maybe<string>(),
  fetch: undefined,
};
export const freshOptions: FreshCredentialsOptions = {
  store,
  clientSecrets,
  forceRefresh: maybe<boolean>(),
  fetch: undefined,
};
export const parseOptions: ParseClientSecretsOptions = {
  allowInsecureTransport: maybe<boolean>(),
  source: maybe<string>(),
};
export const lockOptions: FileLockOptions = { timeout: maybe<number>(), staleAfter: undefined };
export const fileStoreOptions: FileTokenStoreOptions = {
  path: 'credentials.json',
  clientSecrets,
  lock: maybe<FileLockOptions>(),
};
export const signIn: SignInOptions = { strategy, signal: undefined, loginHint: maybe<string>() };
export const getCredentials: GetCredentialsOptions = {
  account: maybe<string>(),
  forceRefresh: undefined,
  signIn: maybe<SignInOptions>(),
};
export const kit: Pick<ConformanceOptions, 'timeout'> = { timeout: maybe<number>() };
export const app = createInstalledApp;
