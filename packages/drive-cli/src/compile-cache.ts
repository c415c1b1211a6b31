import module from 'node:module';
import { join } from 'node:path';
import envPaths from 'env-paths';

type EnableCompileCache = (directory?: string) => unknown;

/**
 * Node 22.1 and later can keep the code it compiled for drive-cli and its libraries between
 * runs, so that later starts skip compiling it again. The cache goes to the user's own cache
 * folder (~/.cache/drive-cli/compile-cache on Linux; Library/Caches on macOS; LOCALAPPDATA on
 * Windows), never to a folder other users can write to: what is in it gets run. Node's
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off. Node 20 has no such cache; nothing happens there.
 */
export function enableCompileCache(): void {
  const enable = (module as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  if (typeof enable !== 'function') return;
  try {
    enable(join(envPaths('drive-cli', { suffix: '' }).cache, 'compile-cache'));
  } catch {
    // A cache that cannot be set up only costs speed.
  }
}
