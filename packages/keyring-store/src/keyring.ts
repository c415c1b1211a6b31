import { randomUUID } from 'node:crypto';
import { InstalledOAuthError, type SecretStore } from '@installed-oauth/core';

/** What this package uses of an `@napi-rs/keyring` entry. */
export interface KeyringEntry {
  getPassword(): Promise<string | null | undefined>;
  setPassword(password: string): Promise<void>;
  deleteCredential(): Promise<boolean>;
}

/** Makes the entry of `user` under `service`: `@napi-rs/keyring`'s `AsyncEntry` in use. */
export type EntryFactory = (service: string, user: string) => KeyringEntry | Promise<KeyringEntry>;

/** The platform's credential store, by the name its users know it by. */
export function keyringName(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'the macOS Keychain';
  if (platform === 'win32') return 'the Windows Credential Manager';
  return 'the Secret Service keyring';
}

/** What to do when the platform's credential store cannot be used. */
export function keyringHint(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin')
    return 'Unlock the login keychain (Keychain Access), or use the file store.';
  if (platform === 'win32')
    return 'Check that Credential Manager is available to this user, or use the file store.';
  return 'No Secret Service answered on the session bus (headless servers, containers and SSH sessions often have none), or it is locked: start or unlock one, such as gnome-keyring-daemon or KeePassXC, or use the file store.';
}

/**
 * The longest value kept, in UTF-16 code units (a JavaScript string's length): the Windows
 * Credential Manager keeps a password of at most 2,560 bytes, stored as UTF-16. Checked on
 * every platform, so that what works on a Linux or macOS machine works on Windows too.
 */
export const MAX_VALUE_LENGTH = 1280;

function tooLong(value: string): InstalledOAuthError {
  return new InstalledOAuthError(
    'TOKEN_STORE_ERROR',
    `Cannot save in ${keyringName()}: the value is ${value.length} characters long, and the Windows Credential Manager keeps at most ${MAX_VALUE_LENGTH} (the limit is kept on every platform).`,
    {
      hint: 'Keep only the refresh token in the keyring, as the account stores do; anything larger belongs in a file.',
      details: { length: value.length, maxLength: MAX_VALUE_LENGTH },
    },
  );
}

function keyringError(doing: string, error: unknown): InstalledOAuthError {
  // The platform's words (D-Bus, Keychain) reach a terminal: no control or format characters.
  const said = (error instanceof Error ? error.message : String(error)).replace(
    /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu,
    ' ',
  );
  return new InstalledOAuthError(
    'TOKEN_STORE_ERROR',
    `Cannot ${doing} ${keyringName()}: ${said.replace(/\.$/, '')}.`,
    { cause: error, hint: keyringHint() },
  );
}

/**
 * A core `SecretStore` over the platform's credential store: one entry per key, named
 * `<namespace>/<key>` under `service`.
 */
export function secretStoreOver(
  makeEntry: EntryFactory,
  options: { service: string; namespace: string },
): SecretStore {
  const entry = async (key: string) => makeEntry(options.service, `${options.namespace}/${key}`);
  const attempt = async <T>(doing: string, operation: () => Promise<T>): Promise<T> => {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof InstalledOAuthError) throw error;
      throw keyringError(doing, error);
    }
  };
  return {
    description: keyringName(),
    get: (key) =>
      attempt('read from', async () => {
        const value = await (await entry(key)).getPassword();
        if (value !== null && value !== undefined) return value;
        // Nothing there, or a store that finds nothing because it cannot keep anything: only a
        // write tells them apart.
        const status = await statusOver(makeEntry, options.service);
        if (!status.available) throw new Error(status.reason);
        return undefined;
      }),
    set: (key, value) =>
      attempt('save in', async () => {
        if (value.length > MAX_VALUE_LENGTH) throw tooLong(value);
        await (await entry(key)).setPassword(value);
      }),
    delete: (key) =>
      attempt('delete from', async () => {
        await (await entry(key)).deleteCredential();
      }),
    check: async () => {
      const status = await statusOver(makeEntry, options.service);
      if (!status.available) throw keyringError('save in', new Error(status.reason));
    },
  };
}

export type KeyringStatus =
  | { available: true; name: string }
  | { available: false; name: string; reason: string; hint: string };

/**
 * Whether the credential store works, found by saving and removing a probe entry (reading is
 * not enough: a locked or absent store can answer a read with "nothing there").
 */
export async function statusOver(makeEntry: EntryFactory, service: string): Promise<KeyringStatus> {
  // A name of its own per probe: two programs probing at once must not remove each other's.
  try {
    const probe = await makeEntry(service, `installed-oauth-probe-${randomUUID()}`);
    await probe.setPassword('probe');
    await probe.deleteCredential();
    return { available: true, name: keyringName() };
  } catch (error) {
    return {
      available: false,
      name: keyringName(),
      reason: error instanceof Error ? error.message : String(error),
      hint: keyringHint(),
    };
  }
}
