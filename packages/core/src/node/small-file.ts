import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { describeFsError, storeError } from './fs-errors.js';

/**
 * The text of a small file a store keeps beside the credentials (an index, a choice of
 * account), read as the lock file is read: never through a symbolic link, never waiting on a
 * FIFO or a device, never more than `maxBytes`. Undefined when there is no file.
 *
 * @throws {InstalledOAuthError} `TOKEN_STORE_ERROR` when something else stands at `path`.
 */
export async function readSmallFile(
  path: string,
  maxBytes = 64 * 1024,
): Promise<string | undefined> {
  const refuse = (why: string) =>
    storeError(
      `Refusing ${path}: ${why}.`,
      undefined,
      'Remove it; the program writes a new one when it needs one.',
    );
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw refuse('it is a symbolic link');
    throw storeError(`Cannot read ${path}: ${describeFsError(error)}.`, error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw refuse('it is not a regular file');
    if (info.size > maxBytes) throw refuse(`it is ${info.size} bytes, more than such a file holds`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
