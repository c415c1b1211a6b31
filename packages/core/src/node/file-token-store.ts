import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fromAuthorizedUserJson, toAuthorizedUserJson } from '../authorized-user.js';
import { assertClientSecrets, type ClientSecrets } from '../client-secrets.js';
import type { Credentials } from '../credentials.js';
import { InstalledOAuthError, invalidArgument } from '../errors.js';
import { sanitise } from '../outside-text.js';
import type { SecretStore, TokenStore } from '../token-store.js';
import { type FileLockOptions, processIsAlive, withFileLock } from './file-lock.js';
import { describeFsError, isMissing, storeError } from './fs-errors.js';
import { renameOver } from './rename-over.js';
import { joinCredentials, METADATA_TYPE, splitCredentials } from './secret-split.js';

export interface FileTokenStoreOptions {
  /** The credentials file, e.g. `~/.config/my-app/credentials.json`. Its folder is created 0700. */
  path: string;
  /** The client the credentials belong to: written into the file, checked when reading. */
  clientSecrets: ClientSecrets;
  /** Lock timing; the defaults suit interactive programs. */
  lock?: FileLockOptions | undefined;
  /**
   * Keep the secrets (refresh token, access token, ID token) in `store` under `key` instead of
   * the file, which then holds only what is not secret: client id, token endpoint, scopes,
   * expiry, the account's id and e-mail address. A file written without a secret store (an
   * `authorized_user` file) is still read, and keeps that form when saved: its secrets move
   * only when asked, with `moveSecrets()`.
   */
  secrets?: { store: SecretStore; key: string } | undefined;
  /**
   * With `secrets`: where a file that does not exist yet keeps its secrets (default: the
   * secret store). A function, so that a program can check that the secret store works, and
   * say what it chose, only when a new account is actually saved.
   */
  newFileStorage?: (() => StorageKind | Promise<StorageKind>) | undefined;
}

/** Where a stored account's secrets are: in its `authorized_user` file, or in a secret store. */
export type StorageKind = 'file' | 'secret store';

const MAX_FILE_BYTES = 64 * 1024;

async function refuseSymlink(path: string): Promise<boolean> {
  try {
    const info = await lstat(path);
    if (info.isSymbolicLink()) {
      throw storeError(
        `${path} is a symbolic link; credentials are never read or written through one.`,
        undefined,
        'Remove the link, or point the program at another folder.',
      );
    }
    if (!info.isFile())
      throw storeError(
        `${path} is not a regular file.`,
        undefined,
        'Move it away and sign in again.',
      );
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    if (error instanceof InstalledOAuthError) throw error;
    throw storeError(`Cannot inspect ${path}: ${describeFsError(error)}.`, error);
  }
}

/**
 * Why `what` (owned by `owner`, with `mode`) is unsafe to trust, or undefined: owned by another
 * user than us or root, or writable by others without the sticky bit that keeps them from
 * renaming what is ours (/tmp has it).
 */
function unsafeEntry(
  what: string,
  owner: number,
  mode: number,
  me: number,
): InstalledOAuthError | undefined {
  if (owner !== me && owner !== 0) {
    return storeError(
      `${what} belongs to another user (uid ${owner}); refusing to use it.`,
      undefined,
      `Use a folder of your own, or, if it is yours, run: chown $(id -u) ${what}`,
    );
  }
  if ((mode & 0o022) !== 0 && (mode & 0o1000) === 0) {
    return storeError(
      `${what} can be changed by other users (mode ${(mode & 0o777).toString(8)}); refusing to use it.`,
      undefined,
      `Run: chmod go-w ${what}`,
    );
  }
  return undefined;
}

/**
 * The folders above a credentials file, up to the home folder (or the root when the file is
 * elsewhere): any of them that another user may change lets that user swap the whole folder
 * for one of their own (a config folder left 0777, say).
 */
async function unsafeAncestor(
  folder: string,
  me: number,
): Promise<InstalledOAuthError | undefined> {
  const home = homedir();
  let current = await realpath(folder);
  while (current !== home && current !== dirname(current)) {
    current = dirname(current);
    const info = await stat(current);
    const problem = unsafeEntry(current, info.uid, info.mode, me);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Why `folder` is not fit to keep credentials in, as ssh judges it: the folder, or one above it
 * up to the home folder (the root outside it), belongs to a user other than this one or root,
 * or other users may change it (a sticky folder above it, such as /tmp, is fine). The error
 * names the folder and how to fix it. Undefined when the folder is fine, and on Windows, which
 * has no such owners and modes. The file stores apply the same rule before every read; a
 * program can ask beforehand, as `drive-cli doctor` does. The folder must exist.
 */
export async function privateFolderProblem(
  folder: string,
): Promise<InstalledOAuthError | undefined> {
  const me = process.getuid?.();
  if (me === undefined || process.platform === 'win32') return undefined;
  const info = await stat(folder);
  return (
    unsafeEntry(folder, info.uid, info.mode & ~0o1000, me) ?? (await unsafeAncestor(folder, me))
  );
}

/**
 * What ssh refuses, refused here too (POSIX only; Windows has no such mode bits): a credentials
 * file, its folder, or a folder above it up to the home folder, owned by another user or
 * writable by others — another user could have put their own account there, or could replace
 * it. A file of ours that others can read is made private again (0600).
 */
async function checkOwnership(
  path: string,
  info: { uid: number; mode: number },
  handle: { chmod(mode: number): Promise<void> },
): Promise<void> {
  const me = process.getuid?.();
  if (me === undefined || process.platform === 'win32') return;
  const folder = dirname(path);
  const folderInfo = await stat(folder);
  const problem =
    unsafeEntry(folder, folderInfo.uid, folderInfo.mode & ~0o1000, me) ??
    unsafeEntry(path, info.uid, info.mode, me) ??
    (await unsafeAncestor(folder, me));
  if (problem) throw problem;
  if ((info.mode & 0o077) !== 0 && info.uid === me) await handle.chmod(0o600);
}

/** Creates `folder` (and its parents) with mode 0700 when missing. */
export async function makePrivateFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    const reason = await realReason(folder, error);
    throw storeError(`Cannot create the folder ${folder}: ${describeFsError(reason)}.`, reason);
  }
}

/**
 * Node's recursive mkdir reports ENOENT where the parent exists but refuses the new folder (a
 * read-only disk, a folder of someone else's); a plain mkdir of the folder tells the truth.
 */
async function realReason(folder: string, error: unknown): Promise<unknown> {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return error;
  try {
    await mkdir(folder, { mode: 0o700 });
    return error;
  } catch (plain) {
    return (plain as NodeJS.ErrnoException).code === 'ENOENT' ? error : plain;
  }
}

/**
 * Removes the temporary files of `name` that a process killed between write and rename left
 * behind (they hold a live refresh token): ours are `.<name>.<pid>.<random>.tmp`, and only those
 * of processes that no longer run are touched.
 */
async function sweepTemporaries(folder: string, name: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch {
    return; // the write that follows reports what is wrong with the folder
  }
  const prefix = `.${name}.`;
  for (const entry of entries) {
    const match = /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(entry.slice(prefix.length));
    if (!entry.startsWith(prefix) || !match || processIsAlive(Number(match[1]))) continue;
    await unlink(join(folder, entry)).catch(() => {});
  }
}

/**
 * Writes `text` to `path` atomically, readable by the owner only from the first byte: a
 * temporary file in the same folder (mode 0600), fsync, rename over `path` (retried for a while
 * on Windows, where a file another process has open cannot be replaced), fsync of the folder.
 * A symbolic link at `path` is refused. On failure `path` is unchanged and the temporary file
 * is removed; `options.failure` is added to the message.
 */
export async function writePrivateFile(
  path: string,
  text: string,
  options: { failure: string },
): Promise<void> {
  const folder = dirname(path);
  await makePrivateFolder(folder);
  await refuseSymlink(path);
  await sweepTemporaries(folder, basename(path));
  const temporary = join(
    folder,
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await renameOver(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw storeError(`Cannot write ${path}: ${describeFsError(error)}. ${options.failure}`, error);
  }
  // Make the rename itself durable; not possible on every platform, and not fatal.
  try {
    const directory = await open(folder, 'r');
    await directory.sync().finally(() => directory.close());
  } catch {}
}

/**
 * Stored credentials are bound to the token endpoint that issued them (`token_uri`): a client
 * file naming another endpoint would receive the refresh token and client secret on the next
 * refresh (a file planted in the current folder, say). Refused, naming both endpoints.
 */
function endpointMismatch(path: string, stored: string, configured: string): InstalledOAuthError {
  return new InstalledOAuthError(
    'INVALID_CLIENT_SECRETS',
    `The client configuration names the token endpoint ${sanitise(configured)}, but the credentials in ${path} were issued by ${sanitise(stored)}; their refresh token is sent to no other endpoint.`,
    {
      hint: 'Use the client_secret.json these credentials were made with. If the client really moved (a newly downloaded file), sign in again to replace them.',
      details: { reason: 'other-endpoint', path },
    },
  );
}

/**
 * Stores credentials as an `authorized_user` JSON file (readable by google-auth-library and
 * gcloud tools), with the cached access token and its expiry:
 * - the folder is created with mode 0700 and the file with 0600 from its first byte;
 * - writes are atomic: a temporary file in the same folder, fsync, rename;
 * - a symbolic link at the path is refused, never followed into its target;
 * - a corrupt or foreign file is reported and left in place;
 * - `withLock` serialises refreshes across processes with a lock file beside it;
 * - with `secrets`, the tokens live in a secret store and the file keeps only what is not secret.
 *
 * @example
 * ```ts
 * const store = createFileTokenStore({ path: join(configDir, 'credentials.json'), clientSecrets });
 * await store.save(credentials);
 * ```
 */
export function createFileTokenStore(options: FileTokenStoreOptions): TokenStore & {
  readonly path: string;
  /** Where the secrets are kept now, or undefined when nothing is stored. */
  storage(): Promise<StorageKind | undefined>;
  /** Moves the secrets of an `authorized_user` file into the secret store; true when it did. */
  moveSecrets(): Promise<boolean>;
} {
  const { path, clientSecrets, secrets } = options ?? {};
  if (typeof path !== 'string' || path === '')
    throw invalidArgument('createFileTokenStore(): "path" must be a non-empty string');
  assertClientSecrets(clientSecrets, 'createFileTokenStore()');
  const folder = dirname(path);

  /** The file's text, or undefined when there is none; refused when unsafe to trust. */
  async function readText(): Promise<string | undefined> {
    if (!(await refuseSymlink(path))) return undefined;
    try {
      const handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
      try {
        const info = await handle.stat();
        await checkOwnership(path, info, handle);
        if (info.size > MAX_FILE_BYTES)
          throw storeError(`${path} is ${info.size} bytes; that is not a credentials file.`);
        return await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (error instanceof InstalledOAuthError) throw error;
      if (isMissing(error)) return undefined;
      throw storeError(`Cannot read ${path}: ${describeFsError(error)}.`, error);
    }
  }

  /** The file's JSON when it is a metadata file whose secrets are in a secret store. */
  function metadataOf(text: string): Record<string, unknown> | undefined {
    try {
      const json = JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
      return json?.type === METADATA_TYPE ? json : undefined;
    } catch {
      return undefined;
    }
  }

  async function parse(text: string) {
    const metadata = metadataOf(text);
    if (!metadata) return fromAuthorizedUserJson(text, { source: path });
    if (!secrets) {
      throw storeError(
        `${path} keeps its secrets in ${sanitise(String(metadata.secret_store))}, which this program does not use.`,
        undefined,
        'Open it with the store that wrote it (for example @installed-oauth/keyring-store).',
      );
    }
    return joinCredentials(metadata, await secrets.store.get(secrets.key), clientSecrets, path);
  }

  async function load(): Promise<Credentials | undefined> {
    const text = await readText();
    return text === undefined ? undefined : credentialsIn(text);
  }

  /** The credentials a file's text holds, checked against this client and its endpoint. */
  async function credentialsIn(text: string): Promise<Credentials> {
    const stored = await parse(text);
    if (stored.clientId !== clientSecrets.clientId) {
      throw new InstalledOAuthError(
        'REAUTHENTICATION_REQUIRED',
        `The credentials in ${path} belong to another OAuth client (${sanitise(stored.clientId)}).`,
        {
          hint: 'Sign in again with this client to replace them.',
          details: { reason: 'another-client', path },
        },
      );
    }
    if (stored.tokenUri !== undefined && stored.tokenUri !== clientSecrets.tokenEndpoint) {
      throw endpointMismatch(path, stored.tokenUri, clientSecrets.tokenEndpoint);
    }
    return stored.credentials;
  }

  async function writeFileForm(credentials: Credentials): Promise<void> {
    const json = `${JSON.stringify(toAuthorizedUserJson(credentials, clientSecrets), null, 2)}\n`;
    await writePrivateFile(path, json, {
      failure: 'The previous credentials, if any, are unchanged.',
    });
  }

  /** Secrets first, then the file: a failure leaves the old file, or new secrets beside it. */
  async function writeSecretForm(
    credentials: Credentials,
    where: { store: SecretStore; key: string },
  ): Promise<void> {
    const { metadata, secret } = splitCredentials(
      credentials,
      clientSecrets,
      where.store.description,
    );
    await where.store.set(where.key, secret);
    await writePrivateFile(path, `${JSON.stringify(metadata, null, 2)}\n`, {
      failure: `The secrets were saved in ${where.store.description}; the file still describes the previous ones.`,
    });
  }

  async function storage(): Promise<StorageKind | undefined> {
    const text = await readText();
    if (text === undefined) return undefined;
    return metadataOf(text) ? 'secret store' : 'file';
  }

  async function save(credentials: Credentials): Promise<void> {
    if (!secrets) return writeFileForm(credentials);
    // An authorized_user file keeps its form: its secrets move only with moveSecrets().
    const now = await storage().catch(() => undefined);
    const form = now ?? (await options.newFileStorage?.()) ?? 'secret store';
    return form === 'file' ? writeFileForm(credentials) : writeSecretForm(credentials, secrets);
  }

  async function moveSecrets(): Promise<boolean> {
    if (!secrets) throw invalidArgument('moveSecrets(): this store was given no secret store');
    const text = await readText();
    if (text === undefined || metadataOf(text)) return false;
    await writeSecretForm(await credentialsIn(text), secrets);
    return true;
  }

  async function remove(): Promise<void> {
    // The secret first: a failure after it leaves a file without secrets, never the reverse.
    // An authorized_user file has none elsewhere (and the secret store need not even work).
    if (secrets && (await storage().catch(() => 'secret store')) === 'secret store')
      await secrets.store.delete(secrets.key);
    try {
      await unlink(path); // removes a link itself, never its target
    } catch (error) {
      if (isMissing(error)) return;
      throw storeError(`Cannot delete ${path}: ${describeFsError(error)}.`, error);
    }
  }

  return {
    path,
    load,
    save,
    delete: remove,
    storage,
    moveSecrets,
    async withLock(task) {
      await makePrivateFolder(folder);
      return withFileLock(`${path}.lock`, task, options.lock);
    },
  };
}
