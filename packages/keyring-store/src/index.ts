import type { ClientSecrets, SecretStore } from '@installed-oauth/core';
import {
  createFileAccountStore,
  type FileLockOptions,
  type StorageKind,
} from '@installed-oauth/core/node';
import { type KeyringStatus, secretStoreOver, statusOver } from './keyring.js';

export type { KeyringStatus } from './keyring.js';
export { keyringName, MAX_VALUE_LENGTH } from './keyring.js';

// The native binding loads on first use: importing this package costs a program nothing until
// it touches the keyring.
let binding: Promise<typeof import('@napi-rs/keyring')> | undefined;
// On Linux the binding would fall back to the kernel's key store when no Secret Service
// answers: a store that forgets everything at logout or reboot, and that kept a failed write's
// tokens where they could not always be removed. Entries are pinned to the Secret Service, so
// without one every use fails, and says so, and nothing is written anywhere.
const ENTRY_OPTIONS = { linux: { store: 'secret-service' } } as const;
const asyncEntry = async (service: string, user: string) => {
  binding ??= import('@napi-rs/keyring');
  return new (await binding).AsyncEntry(service, user, ENTRY_OPTIONS);
};

export interface KeyringSecretStoreOptions {
  /** The keyring's "service" of every entry, e.g. your program's name. */
  service: string;
  /** Keeps apart the entries of different OAuth clients under one service: the client id. */
  namespace: string;
}

/**
 * A core `SecretStore` in the operating system's credential store (macOS Keychain, Windows
 * Credential Manager, the Secret Service on Linux) through `@napi-rs/keyring`: one entry per
 * key, named `<namespace>/<key>` under `service`. Failures are `TOKEN_STORE_ERROR`s naming
 * the store and what to do.
 */
export function createKeyringSecretStore(options: KeyringSecretStoreOptions): SecretStore {
  return secretStoreOver(asyncEntry, options);
}

/**
 * Whether the credential store works here (it saves and removes a probe entry), so that a
 * program can choose the file store, and say so, when it does not: headless servers,
 * containers and SSH sessions often have no Secret Service.
 */
export function keyringStatus(options: { service: string }): Promise<KeyringStatus> {
  return statusOver(asyncEntry, options.service);
}

export interface KeyringAccountStoreOptions {
  /** The folder for what is not secret, e.g. `~/.config/my-app/accounts`. Created 0700. */
  directory: string;
  /** The client the credentials belong to; its id keeps its entries apart in the keyring. */
  clientSecrets: ClientSecrets;
  /** The keyring's "service" of the entries, e.g. your program's name. */
  service: string;
  /** Lock timing; the defaults suit interactive programs. */
  lock?: FileLockOptions | undefined;
  /**
   * Where a new account keeps its secrets (default: the keyring); e.g. `'file'` after
   * {@link keyringStatus} found no keyring. Called when a new account is first saved.
   */
  newAccountStorage?: (() => StorageKind | Promise<StorageKind>) | undefined;
}

/**
 * Several accounts, each one's refresh token in the operating system's credential store and
 * the rest in `<directory>/<account id>.json`, written 0600 (client id, token endpoint,
 * scopes, the access token and its expiry, the account's id and e-mail address), so that
 * accounts can be listed without the keyring. The refresh token is the one long-lived secret,
 * and at most 512 characters, so the entry fits every platform's store (Windows keeps at most
 * 1,280); the access token is dead within the hour; the ID token is not kept. Everything else is core's file account store: one lock for the
 * folder (a refresh is sent once however many processes need it), atomic writes, ownership
 * checks. Accounts already saved as `authorized_user` files are read and stay files until
 * `moveSecrets(id)`.
 *
 * @example
 * ```ts
 * const clientSecrets = await readClientSecretsFile('client_secret.json');
 * const store = createKeyringAccountStore({
 *   directory: join(homedir(), '.config', 'my-app', 'accounts'),
 *   clientSecrets,
 *   service: 'my-app',
 * });
 * const app = createInstalledApp({ clientSecrets, scopes, store });
 * ```
 */
export function createKeyringAccountStore(
  options: KeyringAccountStoreOptions,
): ReturnType<typeof createFileAccountStore> {
  const { directory, clientSecrets, service, lock, newAccountStorage } = options ?? {};
  if (typeof service !== 'string' || service.trim() === '') {
    throw Object.assign(
      new TypeError(
        '[@installed-oauth/keyring-store] createKeyringAccountStore(): "service" must be a non-empty string',
      ),
      { code: 'ERR_INVALID_ARG_VALUE' },
    );
  }
  return createFileAccountStore({
    directory,
    clientSecrets,
    lock,
    newAccountStorage,
    // Nothing touches the keyring before the first read or write; the file store checks
    // clientSecrets first.
    secrets: createKeyringSecretStore({ service, namespace: clientSecrets?.clientId }),
  });
}
