import type { Credentials } from './credentials.js';

/**
 * Where one account's credentials live between runs. `@installed-oauth/core/node` has a file
 * store; write your own for a keychain or a database. Implementations report failures as
 * `InstalledOAuthError` (`TOKEN_STORE_ERROR`, `INVALID_CREDENTIALS_FILE`).
 */
export interface TokenStore {
  /** The stored credentials, or undefined when there are none. */
  load(): Promise<Credentials | undefined>;
  /** Replaces the stored credentials in one step: a reader sees the old or the new, never half. */
  save(credentials: Credentials): Promise<void>;
  /** Removes the stored credentials; no error when there are none. */
  delete(): Promise<void>;
  /**
   * Runs `task` while holding a lock that other processes using the same store respect, so
   * that two of them never refresh at once. Optional: without it, refreshes are not serialised.
   */
  withLock?<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * Where the credentials of several accounts live: one {@link TokenStore} per account, keyed by
 * the account's stable id (the ID token's `sub`), and one lock for all of them. What
 * {@link createInstalledApp} keeps its accounts in; `createFileAccountStore` in
 * `@installed-oauth/core/node` is the file-system one.
 */
export interface AccountStore {
  /** The ids of the stored accounts, the earliest saved first. */
  accounts(): Promise<string[]>;
  /**
   * The store of one account (empty until saved). Its `save` adds the account to
   * {@link accounts}, its `delete` removes it. Ids are the ID token's `sub` (Google's are digits);
   * a store may refuse ids it cannot keep apart or name files after.
   */
  account(id: string): TokenStore;
  /** Runs `task` holding the lock that every process writing to this store respects. */
  withLock<T>(task: () => Promise<T>): Promise<T>;
  /**
   * Throws `TOKEN_STORE_ERROR`, saying what to do, when a new sign-in could not be saved now (a
   * folder that cannot be written, a full disk, a keyring that does not answer). Optional;
   * `createInstalledApp` calls it before the browser opens, so that the user is not sent
   * through the consent screen for tokens that would then be dropped.
   */
  checkWritable?(): Promise<void>;
  /**
   * The id of the account chosen to act when none is named (`app.switchAccount`, the latest
   * sign-in); undefined when none was chosen or it is no longer stored. Optional: without it
   * the earliest signed in acts.
   */
  activeAccount?(): Promise<string | undefined>;
  /** Records the account to act when none is named; called under {@link withLock}. */
  setActiveAccount?(id: string | undefined): Promise<void>;
}

/**
 * Where a store keeps secrets apart from its files: the OS keyring of
 * `@installed-oauth/keyring-store`, or your own. Values are opaque strings; keys are short
 * names (an account id). Implementations report failures as `InstalledOAuthError`
 * (`TOKEN_STORE_ERROR`) saying what to do.
 */
export interface SecretStore {
  /** Names the store in messages and status, e.g. "the Secret Service keyring". */
  readonly description: string;
  /** The value saved under `key`, or undefined when there is none. */
  get(key: string): Promise<string | undefined>;
  /** Saves `value` under `key`, replacing any previous one. */
  set(key: string, value: string): Promise<void>;
  /** Removes the value under `key`; no error when there is none. */
  delete(key: string): Promise<void>;
  /**
   * Throws `TOKEN_STORE_ERROR` when the store cannot save now (locked, no service answering).
   * Optional; account stores call it before a sign-in whose secrets would go here.
   */
  check?(): Promise<void>;
}
