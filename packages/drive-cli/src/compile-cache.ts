import { mkdirSync, realpathSync, statSync } from 'node:fs';
import module from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import envPaths from 'env-paths';

type EnableCompileCache = (directory?: string) => unknown;

/**
 * Node 22.1 and later can keep the code it compiled for drive-cli and its libraries between
 * runs, so that later starts skip compiling it again. Node runs what it finds in that cache
 * when a source file's length and checksum match, so the cache is code: it is used only from
 * a folder that the user alone can write (see {@link isPrivateFolder}), made 0700 when missing,
 * in the user's own cache folder (~/.cache/drive-cli/compile-cache on Linux; Library/Caches on
 * macOS; LOCALAPPDATA on Windows). Anywhere else drive-cli runs without it, which only costs
 * speed. Node's NODE_DISABLE_COMPILE_CACHE=1 turns it off. Node 20 has no such cache.
 */
export function enableCompileCache(): void {
  const enable = (module as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  if (typeof enable !== 'function') return;
  try {
    const folder = join(envPaths('drive-cli', { suffix: '' }).cache, 'compile-cache');
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (isPrivateFolder(folder)) enable(folder);
  } catch {
    // A cache that cannot be set up only costs speed.
  }
}

/**
 * Whether only the current user can change what is in `folder`, checked as ssh checks its
 * files: the folder itself (links resolved) is the user's and writable by no one else, and
 * every folder above it, up to the home folder (or the root outside it), is the user's or
 * root's and writable by no one else unless it has the sticky bit (as /tmp does, which keeps
 * others from renaming what is ours). Another user who made the cache folder first — under a
 * shared XDG_CACHE_HOME, or a home folder another user runs drive-cli with — could otherwise
 * have put code there for this user to run.
 *
 * On Windows there are no such owners and modes to read; the cache folder is under the user's
 * own LOCALAPPDATA, which other users cannot write.
 *
 * The rule is core's `privateFolderProblem()` (the account store's, and doctor's), kept here
 * synchronous and without core: it runs before anything else is loaded, on every start.
 */
export function isPrivateFolder(folder: string): boolean {
  const me = process.geteuid?.();
  if (me === undefined || process.platform === 'win32') return true;
  const real = realpathSync(folder);
  const own = statSync(real);
  if (!own.isDirectory() || own.uid !== me || (own.mode & 0o022) !== 0) return false;
  const home = homedir();
  for (let current = real; current !== home && current !== dirname(current); ) {
    current = dirname(current);
    const above = statSync(current);
    if (above.uid !== me && above.uid !== 0) return false;
    if ((above.mode & 0o022) !== 0 && (above.mode & 0o1000) === 0) return false;
  }
  return true;
}
