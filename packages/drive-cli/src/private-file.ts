import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InstalledOAuthError } from '@installed-oauth/core';

/**
 * Writes `value` as JSON to `path`, readable by the owner only, in one step (a temporary file
 * beside it, then rename): a reader sees the old file or the new one, never half.
 */
export async function writePrivateJson(path: string, value: unknown): Promise<void> {
  const folder = dirname(path);
  const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new InstalledOAuthError(
      'TOKEN_STORE_ERROR',
      `Cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`,
      { cause: error },
    );
  }
}
