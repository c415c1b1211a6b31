import { randomBytes } from 'node:crypto';
import { lstat, open, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { assertClientSecrets, type ClientSecrets } from '../client-secrets.js';
import { invalidArgument } from '../errors.js';
import type { AccountStore, SecretStore, TokenStore } from '../token-store.js';
import type { FileLockOptions } from './file-lock.js';
import { withFileLock } from './file-lock.js';
import {
  createFileTokenStore,
  makePrivateFolder,
  type StorageKind,
  writePrivateFile,
} from './file-token-store.js';
import { describeFsError, isMissing, storeError } from './fs-errors.js';
import { readSmallFile } from './small-file.js';

export interface FileAccountStoreOptions {
  /** The folder, e.g. `~/.config/my-app/accounts`. Created with mode 0700. */
  directory: string;
  /** The client the credentials belong to: written into each file, checked when reading. */
  clientSecrets: ClientSecrets;
  /** Lock timing; the defaults suit interactive programs. */
  lock?: FileLockOptions | undefined;
  /**
   * Keep each account's secrets in this store (under the account's id) instead of its file,
   * as `createFileTokenStore`'s `secrets` option does: new accounts go there; accounts saved
   * as `authorized_user` files stay files until `moveSecrets(id)`.
   */
  secrets?: SecretStore | undefined;
  /** With `secrets`: where a new account keeps its secrets (see `createFileTokenStore`). */
  newAccountStorage?: (() => StorageKind | Promise<StorageKind>) | undefined;
}

/** Account ids become file names: the ID token's `sub`, never a path. */
const ACCOUNT_ID = /^[A-Za-z0-9_@+-][A-Za-z0-9._@+-]{0,254}$/;
const INDEX = 'accounts.json';

interface Index {
  accounts: string[];
  active?: string | undefined;
}
/** About the size of an account's file and the index written with it. */
const PROBE_BYTES = 4096;

function checkAccountId(id: string): void {
  if (typeof id !== 'string' || !ACCOUNT_ID.test(id) || id.endsWith('.json')) {
    throw invalidArgument(
      `account(): ${JSON.stringify(String(id))} is not an account id (letters, digits, ".", "_", "-", "@" and "+")`,
    );
  }
}

/**
 * Keeps several accounts' credentials in one folder, one `authorized_user` JSON file per
 * account (`<id>.json`, readable by google-auth-library and gcloud tools like a single
 * credentials file), with the guarantees of `createFileTokenStore` for each, one lock file
 * (`.lock`) for the whole folder, and `accounts.json`: the order in which accounts were added,
 * and the active account.
 *
 * @example
 * ```ts
 * const clientSecrets = await readClientSecretsFile('client_secret.json');
 * const directory = join(homedir(), '.config', 'my-app', 'accounts');
 * const store = createFileAccountStore({ directory, clientSecrets });
 * ```
 */
export function createFileAccountStore(options: FileAccountStoreOptions): AccountStore & {
  readonly directory: string;
  checkWritable(): Promise<void>;
  pathOf(id: string): string;
  /** Where an account's secrets are kept now: its file, the secret store, or nowhere. */
  storageOf(id: string): Promise<StorageKind | undefined>;
  /** Moves an account's secrets from its file into the secret store; true when it did. */
  moveSecrets(id: string): Promise<boolean>;
  activeAccount(): Promise<string | undefined>;
  setActiveAccount(id: string | undefined): Promise<void>;
} {
  const { directory, clientSecrets } = options ?? {};
  if (typeof directory !== 'string' || directory === '')
    throw invalidArgument('createFileAccountStore(): "directory" must be a non-empty string');
  assertClientSecrets(clientSecrets, 'createFileAccountStore()');
  const lockPath = join(directory, '.lock');
  const indexPath = join(directory, INDEX);
  const pathOf = (id: string) => {
    checkAccountId(id);
    return join(directory, `${id}.json`);
  };

  /** `accounts.json`: the accounts in the order they were added, and the active one. */
  async function readIndex(): Promise<Index> {
    const text = await readSmallFile(indexPath);
    if (text === undefined) return { accounts: [] };
    try {
      const { accounts: ids, active } = JSON.parse(text) as {
        accounts?: unknown;
        active?: unknown;
      };
      return {
        accounts: Array.isArray(ids) ? ids.filter((id) => typeof id === 'string') : [],
        active: typeof active === 'string' && ACCOUNT_ID.test(active) ? active : undefined,
      };
    } catch {
      // Only the order and the choice are lost; the files on disk still say which accounts exist.
      return { accounts: [] };
    }
  }

  async function writeIndex(index: Index): Promise<void> {
    await writePrivateFile(indexPath, `${JSON.stringify(index, null, 2)}\n`, {
      failure: 'The accounts themselves are unchanged.',
    });
  }

  /** The active account, when its file is still there (removed by hand: none is active). */
  async function activeAccount(): Promise<string | undefined> {
    const { active } = await readIndex();
    if (active === undefined) return undefined;
    return (await lstat(pathOf(active)).catch(() => undefined))?.isFile() ? active : undefined;
  }

  async function setActiveAccount(id: string | undefined): Promise<void> {
    if (id !== undefined) checkAccountId(id);
    await writeIndex({ accounts: await accounts(), active: id });
  }

  /** The accounts on disk, in the index's order; files the index does not know come last. */
  async function accounts(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(directory);
    } catch (error) {
      if (isMissing(error)) return [];
      throw storeError(`Cannot list ${directory}: ${describeFsError(error)}.`, error);
    }
    const onDisk = names
      .filter((name) => name.endsWith('.json') && name !== INDEX)
      .map((name) => name.slice(0, -'.json'.length))
      .filter((id) => ACCOUNT_ID.test(id))
      .sort();
    const indexed = (await readIndex()).accounts.filter((id) => onDisk.includes(id));
    return [...indexed, ...onDisk.filter((id) => !indexed.includes(id))];
  }

  const fileOf = (id: string) =>
    createFileTokenStore({
      path: pathOf(id),
      clientSecrets,
      secrets: options.secrets ? { store: options.secrets, key: id } : undefined,
      newFileStorage: options.newAccountStorage,
    });

  function account(id: string): TokenStore {
    const file = fileOf(id);
    return {
      load: file.load,
      async save(credentials) {
        await file.save(credentials);
        // A new account goes last: accounts() lists the ones the index does not know after it.
        const index = await readIndex();
        if (!index.accounts.includes(id))
          await writeIndex({ ...index, accounts: await accounts() });
      },
      async delete() {
        await file.delete();
        const { active } = await readIndex();
        await writeIndex({
          accounts: await accounts(),
          active: active === id ? undefined : active,
        });
      },
      withLock: lockAll,
    };
  }

  /** One lock for the whole folder: every account's writes and refreshes take turns. */
  async function lockAll<T>(task: () => Promise<T>): Promise<T> {
    await makePrivateFolder(directory);
    return withFileLock(lockPath, task, options.lock);
  }

  /**
   * Whether a sign-in could be saved now: the folder exists (made 0700) and takes a file the
   * size of an account's (a read-only or full disk, a folder of someone else's), and, when new
   * accounts keep their secrets in the secret store, that store answers.
   */
  async function checkWritable(): Promise<void> {
    await makePrivateFolder(directory);
    const probe = join(directory, `.write-check.${process.pid}.${randomBytes(6).toString('hex')}`);
    try {
      const handle = await open(probe, 'wx', 0o600);
      try {
        await handle.writeFile(' '.repeat(PROBE_BYTES));
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw storeError(
        `A sign-in could not be saved in ${directory}: ${describeFsError(error)}.`,
        error,
        'Free some space or make the folder writable (or choose another folder), then sign in.',
      );
    } finally {
      await unlink(probe).catch(() => {});
    }
    if (options.secrets?.check && (await options.newAccountStorage?.()) !== 'file')
      await options.secrets.check();
  }

  return {
    directory,
    pathOf,
    checkWritable,
    storageOf: (id) => fileOf(id).storage(),
    moveSecrets: (id) => fileOf(id).moveSecrets(),
    accounts,
    account,
    withLock: lockAll,
    activeAccount,
    setActiveAccount,
  };
}
