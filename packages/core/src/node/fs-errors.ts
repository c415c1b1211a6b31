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

/** What went wrong, in words when the code is a common one, else the code or the message. */
export function describeFsError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return (code && WORDS[code]) ?? code ?? message;
}
