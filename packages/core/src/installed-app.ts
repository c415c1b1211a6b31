import { type AccountIdentity, accountOf } from './account.js';
import { authorize } from './authorize.js';
import { assertClientSecrets, type ClientSecrets } from './client-secrets.js';
import { type Credentials, isExpired } from './credentials.js';
import { InstalledOAuthError, invalidArgument, isInstalledOAuthError } from './errors.js';
import { refreshUnderLock } from './fresh-credentials.js';
import type { FetchLike } from './openid-client-configuration.js';
import type { RedirectStrategy } from './redirect-strategy.js';
import { refreshCredentials } from './refresh.js';
import { revokeCredentials } from './revoke.js';
import type { AccountStore } from './token-store.js';

export interface InstalledAppOptions {
  /** From `parseClientSecrets` or `readClientSecretsFile`. */
  clientSecrets: ClientSecrets;
  /**
   * The scopes every sign-in asks for. Include `openid` (and `email`) to tell accounts apart:
   * without an ID token every sign-in is kept as the one account `"default"`.
   */
  scopes: readonly string[];
  /** Where the accounts live: `createFileAccountStore` from `/node`, or your own. */
  store: AccountStore;
  /** For every token request (tests, proxies). */
  fetch?: FetchLike | undefined;
}

export interface SignInOptions {
  /** How the user reaches Google's page and the redirect comes back. */
  strategy: RedirectStrategy;
  /**
   * Bounds each round of the sign-in, code exchange included: abort to cancel,
   * `AbortSignal.timeout(ms)` for a deadline. Default: 5 minutes.
   */
  signal?: AbortSignal | undefined;
  /** Pre-fills the account on Google's sign-in screen (an e-mail address). */
  loginHint?: string | undefined;
}

/** One signed-in account and its current credentials. */
export interface Account {
  /** Stable: the ID token's `sub`, or `"default"` without `openid`. */
  readonly id: string;
  /** For display: the ID token's `email`, when granted. */
  readonly email: string | undefined;
  readonly credentials: Credentials;
  /**
   * Set when a refresh could not be saved because the disk refused the write (full,
   * read-only): the credentials are valid for this run, and the next one refreshes again.
   * The store's `TOKEN_STORE_ERROR` says where and why.
   */
  readonly unsaved?: InstalledOAuthError | undefined;
}

export interface GetCredentialsOptions {
  /** Which account (its id or e-mail address); default: the active one (see `activeAccount`). */
  account?: string | undefined;
  /** Refresh even when the access token still looks valid (after the API answered 401). */
  forceRefresh?: boolean | undefined;
  /**
   * Sign in with these options when nothing is stored or the grant is gone (revoked, expired,
   * another client's file). Without it those cases throw `REAUTHENTICATION_REQUIRED`: the
   * caller decides whether a browser may open.
   */
  signIn?: SignInOptions | undefined;
}

/**
 * What `signOut` did. `revocation` says what happened at the server: `revoked`;
 * `already-invalid` (nothing left to revoke); `failed` (not reached or refused: `error` says
 * why, and the grant may remain: the user can remove it on the account's permissions page);
 * `not-attempted` (nothing was stored, or the stored file was unreadable). `account` is the id
 * of the account removed, undefined when there was none.
 */
export type SignOutResult =
  | {
      account: string | undefined;
      revocation: 'revoked' | 'already-invalid' | 'not-attempted';
      error?: undefined;
    }
  | { account: string; revocation: 'failed'; error: InstalledOAuthError };

/** A program signed in to Google: its client, its scopes and its accounts, in one value. */
export interface InstalledApp {
  readonly clientSecrets: ClientSecrets;
  readonly scopes: readonly string[];
  readonly store: AccountStore;
  /**
   * Runs the browser sign-in and saves the account (added, or renewed when it was there). It
   * always ends with a refresh token for the account that signed in: when Google skips the
   * consent screen for an account that authorized this client before and sends none, the
   * stored one of that same account is kept once a refresh with it has worked, or, when there
   * is none or it no longer works, the user is asked once more, with the consent screen, for
   * that account. A sign-in that leaves a requested scope unticked fails with
   * `SCOPES_NOT_GRANTED` and changes nothing stored; nothing is revoked.
   */
  signIn(options: SignInOptions): Promise<Account>;
  /**
   * The account's credentials with a valid access token, refreshed under the store's lock when
   * it has expired (one read of the store when it has not).
   */
  getCredentials(options?: GetCredentialsOptions): Promise<Account>;
  /** Every stored account, the earliest signed in first; unreadable ones are left out. */
  accounts(): Promise<Account[]>;
  /**
   * The id of the account that acts when none is named: the one last switched to or signed
   * in, while it is stored (with a store that keeps the choice), else the earliest signed in;
   * undefined when none is.
   */
  activeAccount(): Promise<string | undefined>;
  /**
   * The id of the stored account `account` names (its id or e-mail address); undefined when
   * none is signed in under that name.
   */
  findAccount(account: string): Promise<string | undefined>;
  /**
   * Makes the account `account` names (its id or e-mail address) the active one.
   * `REAUTHENTICATION_REQUIRED` (`details.reason: 'not-signed-in'`) when none is stored under
   * that name; a `TypeError` when the store keeps no choice (no `setActiveAccount`).
   */
  switchAccount(account: string): Promise<Account>;
  /** Revokes the grant at the server and deletes the account locally, under the store's lock. */
  signOut(options?: { account?: string | undefined }): Promise<SignOutResult>;
}

const DEFAULT_ACCOUNT = 'default';

function notSignedIn(account: string | undefined): InstalledOAuthError {
  return new InstalledOAuthError(
    'REAUTHENTICATION_REQUIRED',
    account ? `The account ${account} is not signed in.` : 'Not signed in.',
    { hint: 'Sign in first.', details: { reason: 'not-signed-in' } },
  );
}

/**
 * One value for a program that signs users in to Google: the client secrets, the scopes, the
 * account store and `fetch`, checked once. It signs in (and again when a grant is gone, if you
 * allow it), hands out fresh access tokens, signs out, and keeps several accounts apart.
 *
 * @example
 * ```ts
 * const app = createInstalledApp({
 *   clientSecrets: await readClientSecretsFile('client_secret.json'),
 *   scopes: ['openid', 'email', 'https://www.googleapis.com/auth/drive.metadata.readonly'],
 *   store: createFileAccountStore({ directory: join(homedir(), '.config', 'my-app') , clientSecrets }),
 * });
 * const { credentials } = await app.getCredentials({
 *   signIn: { strategy: createLoopbackStrategy() },
 * });
 * ```
 */
export function createInstalledApp(options: InstalledAppOptions): InstalledApp {
  const state = appState(options);
  return Object.freeze({
    clientSecrets: state.clientSecrets,
    scopes: state.scopes,
    store: state.store,
    signIn: (signInOptions: SignInOptions) => signIn(state, signInOptions),
    getCredentials: (request?: GetCredentialsOptions) => getCredentials(state, request),
    accounts: () => accounts(state),
    activeAccount: () => activeAccount(state),
    findAccount: async (account: string) =>
      typeof account === 'string' && account !== '' ? resolve(state, account) : undefined,
    switchAccount: (account: string) => switchAccount(state, account),
    signOut: (request?: { account?: string | undefined }) => signOut(state, request),
  });
}

/** What every operation of one app works with, checked once by {@link createInstalledApp}. */
interface AppState {
  readonly clientSecrets: ClientSecrets;
  readonly scopes: readonly string[];
  readonly store: AccountStore;
  readonly fetch: FetchLike | undefined;
  /** With `openid`, the ID token tells accounts apart; without, there is one, "default". */
  readonly identifiesAccounts: boolean;
}

function appState(options: InstalledAppOptions): AppState {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('createInstalledApp() takes an options object');
  const { clientSecrets, store, fetch } = options;
  assertClientSecrets(clientSecrets, 'createInstalledApp()');
  if (!Array.isArray(options.scopes) || options.scopes.length === 0)
    throw invalidArgument('createInstalledApp(): "scopes" must be a non-empty array');
  if (
    typeof store?.accounts !== 'function' ||
    typeof store.account !== 'function' ||
    typeof store.withLock !== 'function'
  ) {
    throw invalidArgument('createInstalledApp(): "store" must be an AccountStore');
  }
  const scopes = Object.freeze([...options.scopes]);
  return Object.freeze({
    clientSecrets,
    scopes,
    store,
    fetch,
    identifiesAccounts: scopes.includes('openid'),
  });
}

function toAccount(id: string, credentials: Credentials): Account {
  return Object.freeze({ id, email: accountOf(credentials)?.email, credentials });
}

async function activeAccount(state: AppState): Promise<string | undefined> {
  return (await state.store.activeAccount?.()) ?? (await state.store.accounts())[0];
}

/** The id of `account` (an id or an e-mail address), or of the active one. */
async function resolve(state: AppState, account: string | undefined): Promise<string | undefined> {
  if (account === undefined) return activeAccount(state);
  const ids = await state.store.accounts();
  if (ids.includes(account)) return account;
  for (const id of ids) {
    const stored = await state.store
      .account(id)
      .load()
      .catch(() => undefined);
    if (stored && accountOf(stored)?.email === account) return id;
  }
  return undefined;
}

async function authorizeOnce(
  state: AppState,
  signIn: SignInOptions,
  extra: { prompt?: string; loginHint?: string | undefined; hasRefreshToken: boolean },
): Promise<Credentials> {
  return authorize({
    clientSecrets: state.clientSecrets,
    scopes: state.scopes,
    strategy: signIn.strategy,
    signal: signIn.signal,
    fetch: state.fetch,
    hasRefreshToken: extra.hasRefreshToken,
    ...(extra.prompt ? { prompt: extra.prompt } : {}),
    ...(extra.loginHint ? { loginHint: extra.loginHint } : {}),
  });
}

/**
 * `renewDeadGrant`: the stored refresh token of the account is known to be dead, so the
 * consent screen is asked for at once (Google then sends a new one) and the old is never kept.
 */
async function signIn(
  state: AppState,
  signInOptions: SignInOptions,
  renewDeadGrant = false,
): Promise<Account> {
  if (typeof signInOptions !== 'object' || signInOptions === null)
    throw invalidArgument('signIn() takes an options object with a "strategy"');
  // A store that cannot save says so now, before the user walks through the consent screen.
  await state.store.checkWritable?.();
  // Without an ID token, accounts cannot be told apart: always ask for consent, so that
  // Google always sends a refresh token and none is ever paired with another account.
  const anyStored = state.identifiesAccounts && (await state.store.accounts()).length > 0;
  let credentials = await authorizeOnce(state, signInOptions, {
    hasRefreshToken: anyStored && !renewDeadGrant,
    loginHint: signInOptions.loginHint,
  });
  const identity = accountOf(credentials);
  const id = identity?.id ?? DEFAULT_ACCOUNT;
  if (!credentials.refreshToken) {
    // Google skipped the consent screen (this account authorized the client before) and
    // sent no refresh token: keep the stored one if it still works, else ask again, with
    // the consent screen, which makes Google send a new one.
    const kept = renewDeadGrant
      ? undefined
      : await storedRefreshTokenThatWorks(state, id, credentials);
    credentials = kept ?? (await consentAgain(state, signInOptions, identity));
  }
  await state.store.withLock(async () => {
    await state.store.account(id).save(credentials);
    await state.store.setActiveAccount?.(id);
  });
  return toAccount(id, credentials);
}

/**
 * `fresh` with the account's stored refresh token, once a refresh with it has succeeded;
 * undefined when none is stored for that same account or the server no longer takes it (a
 * "Testing" app's token after 7 days, a revoked grant). Keeping a dead one would end the
 * sign-in with "signed in", then fail at the next use, round and round.
 */
async function storedRefreshTokenThatWorks(
  state: AppState,
  id: string,
  fresh: Credentials,
): Promise<Credentials | undefined> {
  const stored = await state.store
    .account(id)
    .load()
    .catch(() => undefined);
  if (!stored?.refreshToken || accountOf(stored)?.id !== accountOf(fresh)?.id) return undefined;
  try {
    return await refreshCredentials({
      clientSecrets: state.clientSecrets,
      credentials: { ...fresh, refreshToken: stored.refreshToken },
      fetch: state.fetch,
    });
  } catch (error) {
    if (isInstalledOAuthError(error, 'REAUTHENTICATION_REQUIRED')) return undefined;
    throw error;
  }
}

async function consentAgain(
  state: AppState,
  signInOptions: SignInOptions,
  identity: AccountIdentity | undefined,
): Promise<Credentials> {
  const credentials = await authorizeOnce(state, signInOptions, {
    prompt: 'consent',
    loginHint: identity?.email ?? signInOptions.loginHint,
    hasRefreshToken: false,
  });
  const second = accountOf(credentials);
  if (second?.id !== identity?.id || !credentials.refreshToken) {
    // These tokens are dropped, not revoked: they belong to that account's one grant with
    // this client, and revoking them would end its sign-ins here and on other machines.
    throw new InstalledOAuthError(
      'AUTHORIZATION_FAILED',
      second?.id !== identity?.id
        ? 'The second sign-in, asked for to get a refresh token, was completed with another account.'
        : 'The authorization server sent no refresh token, even with the consent screen.',
      { hint: 'Sign in again and choose the same account both times.' },
    );
  }
  return credentials;
}

/**
 * The account `request.account` names (an id or an e-mail address; default the earliest)
 * and what is stored for it. An id's own slot is read first, so that the common case costs
 * one read and no listing of the accounts.
 */
async function findStored(
  state: AppState,
  request: GetCredentialsOptions,
): Promise<{ id: string | undefined; stored: Credentials | undefined }> {
  const named = request.account;
  if (named !== undefined) {
    let slot: ReturnType<AccountStore['account']> | undefined;
    try {
      slot = state.store.account(named);
    } catch {
      slot = undefined; // not the shape of an id here: an e-mail address, looked up below
    }
    const stored = slot ? await loadForUse(state, named, request) : undefined;
    if (stored) return { id: named, stored };
  }
  const id = await resolve(state, named);
  return { id, stored: id === undefined ? undefined : await loadForUse(state, id, request) };
}

async function getCredentials(
  state: AppState,
  request: GetCredentialsOptions = {},
): Promise<Account> {
  const { id, stored } = await findStored(state, request);
  if (id === undefined || stored === undefined) {
    if (request.signIn)
      return signIn(state, { loginHint: request.account, ...request.signIn } as SignInOptions);
    throw notSignedIn(request.account);
  }
  if (!request.forceRefresh && !isExpired(stored)) return toAccount(id, stored);
  try {
    const { credentials, unsaved } = await refreshUnderLock(state.store.account(id), stored, {
      clientSecrets: state.clientSecrets,
      forceRefresh: request.forceRefresh,
      fetch: state.fetch,
    });
    return unsaved
      ? Object.freeze({ ...toAccount(id, credentials), unsaved })
      : toAccount(id, credentials);
  } catch (error) {
    if (!request.signIn || !isInstalledOAuthError(error, 'REAUTHENTICATION_REQUIRED')) throw error;
    return signIn(state, { loginHint: accountOf(stored)?.email, ...request.signIn }, true);
  }
}

/** The stored credentials; undefined when a sign-in may replace an unusable file. */
async function loadForUse(
  state: AppState,
  id: string,
  request: GetCredentialsOptions,
): Promise<Credentials | undefined> {
  try {
    return await state.store.account(id).load();
  } catch (error) {
    // Another client's file: only a sign-in with this client can replace it.
    if (request.signIn && isInstalledOAuthError(error, 'REAUTHENTICATION_REQUIRED'))
      return undefined;
    throw error;
  }
}

async function accounts(state: AppState): Promise<Account[]> {
  const result: Account[] = [];
  for (const id of await state.store.accounts()) {
    const credentials = await state.store
      .account(id)
      .load()
      .catch(() => undefined);
    if (credentials) result.push(toAccount(id, credentials));
  }
  return result;
}

async function switchAccount(state: AppState, account: string): Promise<Account> {
  if (typeof account !== 'string' || account === '')
    throw invalidArgument('switchAccount() takes an account id or e-mail address');
  const setActive = state.store.setActiveAccount?.bind(state.store);
  if (!setActive)
    throw invalidArgument(
      'switchAccount(): the store keeps no active account (no setActiveAccount)',
    );
  const id = await resolve(state, account);
  const credentials = id === undefined ? undefined : await state.store.account(id).load();
  if (id === undefined || !credentials) throw notSignedIn(account);
  await state.store.withLock(() => setActive(id));
  return toAccount(id, credentials);
}

async function signOut(
  state: AppState,
  request: { account?: string | undefined } = {},
): Promise<SignOutResult> {
  const id = await resolve(state, request.account);
  if (id === undefined) return { account: undefined, revocation: 'not-attempted' };
  return state.store.withLock(async () => {
    const slot = state.store.account(id);
    let credentials: Credentials | undefined;
    try {
      credentials = await slot.load();
    } catch (error) {
      // A corrupt or foreign file is removed too: there is nothing in it to revoke with. One
      // bound to another token endpoint is kept: with the right client file it can be revoked.
      if (!isInstalledOAuthError(error)) throw error;
      if (error.code === 'TOKEN_STORE_ERROR' || error.code === 'INVALID_CLIENT_SECRETS')
        throw error;
      await slot.delete();
      return { account: id, revocation: 'not-attempted' as const };
    }
    if (!credentials) return { account: undefined, revocation: 'not-attempted' as const };
    let result: SignOutResult;
    try {
      const { alreadyInvalid } = await revokeCredentials({
        clientSecrets: state.clientSecrets,
        credentials,
        fetch: state.fetch,
      });
      result = { account: id, revocation: alreadyInvalid ? 'already-invalid' : 'revoked' };
    } catch (error) {
      if (!isInstalledOAuthError(error)) throw error;
      result = { account: id, revocation: 'failed', error };
    }
    await slot.delete();
    return result;
  });
}
