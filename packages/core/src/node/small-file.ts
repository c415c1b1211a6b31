import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { describeFsError, isMissing, storeError } from './fs-errors.js';

/** How a small file is named in messages, and how big one may be. */
export interface SmallFileKind {
  /** "the lock file " before the path, or nothing. */
  name?: string | undefined;
  maxBytes: number;
  /** Why a file larger than `maxBytes` is not one: "too big to be a lock". */
  tooBig?: string | undefined;
  hint?: string | undefined;
}

/**
 * The text and modification time of a small file kept beside the credentials (the lock, the
 * accounts index, a choice of account), read safely: never through a symbolic link, never
 * waiting on a FIFO or a device, never more than `maxBytes`. Undefined when there is none.
 *
 * @throws {InstalledOAuthError} `TOKEN_STORE_ERROR` when something else stands at `path`.
 */
export async function readSmallFileWithTime(
  path: string,
  kind: SmallFileKind,
): Promise<{ text: string; mtimeMs: number } | undefined> {
  const named = `${kind.name ?? ''}${path}`;
  const refuse = (why: string) =>
    storeError(
      `Refusing ${named}: ${why}.`,
      undefined,
      kind.hint ?? 'Remove it; the program writes a new one when it needs one.',
    );
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (isMissing(error)) return undefined;
    if (code === 'ELOOP') throw refuse('it is a symbolic link');
    throw storeError(`Cannot read ${named}: ${describeFsError(error)}.`, error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw refuse('it is not a regular file');
    if (info.size > kind.maxBytes)
      throw refuse(`it is ${info.size} bytes, ${kind.tooBig ?? 'more than such a file holds'}`);
    return { text: await handle.readFile('utf8'), mtimeMs: info.mtimeMs };
  } finally {
    await handle.close();
  }
}

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
  return (await readSmallFileWithTime(path, { maxBytes }))?.text;
}
