import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { InstalledOAuthError } from '../errors.js';

/** Plain words for the file-system errors a user can do something about. */
const WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  ELOOP: 'it is a symbolic link, or too many links in the path',
  ENAMETOOLONG: 'the name is too long',
};

/**
 * Whether the nearest folder on the way to `path` that exists is a file. POSIX answers ENOTDIR
 * for a path that goes through a file; Windows answers ENOENT, as for a missing one.
 */
function goesThroughAFile(path: string): boolean {
  for (let folder = dirname(path); folder !== dirname(folder); folder = dirname(folder)) {
    try {
      return !statSync(folder).isDirectory();
    } catch {
      // Missing too: look further up.
    }
  }
  return false;
}

/**
 * Whether a file-system error means the file is simply not there: ENOENT, unless the path goes
 * through a file (Windows' answer where POSIX says ENOTDIR), which is a mistake to report.
 */
export function isMissing(error: unknown): boolean {
  const { code, path } = error as NodeJS.ErrnoException;
  return code === 'ENOENT' && !(typeof path === 'string' && goesThroughAFile(path));
}

/** What went wrong, in words when the code is a common one, else the code or the message. */
export function describeFsError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT' && !isMissing(error)) return WORDS.ENOTDIR as string;
  return (code && WORDS[code]) ?? code ?? message;
}

/**
 * Error codes that mean the disk refuses writes for now: full, read-only, over quota, not
 * ours to write, or failing. A program may carry on with what it has in memory.
 */
const UNWRITABLE = new Set(['ENOSPC', 'EROFS', 'EDQUOT', 'EACCES', 'EPERM', 'EIO']);

/**
 * A `TOKEN_STORE_ERROR` with `cause`; when the cause is a disk that refuses writes, its
 * `details.reason` is `'unwritable'`, so that callers can refresh in memory and say the result
 * could not be saved, instead of failing.
 */
export function storeError(message: string, cause?: unknown, hint?: string): InstalledOAuthError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new InstalledOAuthError('TOKEN_STORE_ERROR', message, {
    cause,
    hint,
    details: code && UNWRITABLE.has(code) ? { reason: 'unwritable', errno: code } : undefined,
  });
}
