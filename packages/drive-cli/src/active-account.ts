import { lstat, rm } from 'node:fs/promises';
import { readSmallFile, writePrivateFile } from '@installed-oauth/core/node';
import type { Settings } from './settings.js';

/** The id of the active account, as `login` and `switch` left it; undefined when unset. */
export async function readActiveAccount(settings: Settings): Promise<string | undefined> {
  try {
    // Read as core reads its own small files: a FIFO or a link there is never waited on.
    const text = await readSmallFile(settings.activeAccountPath, 4096);
    const json = JSON.parse(text ?? '{}') as { account?: unknown };
    return typeof json.account === 'string' ? json.account : undefined;
  } catch {
    // Missing, damaged or not a file: the earliest signed-in account is active, as after a
    // logout; the next login or switch writes the file anew.
    return undefined;
  }
}

/** Makes `id` the active account; undefined clears the choice. */
export async function writeActiveAccount(
  settings: Settings,
  id: string | undefined,
): Promise<void> {
  if (id === undefined) {
    await rm(settings.activeAccountPath, { force: true });
    return;
  }
  // Only a choice of account is kept here: anything but a regular file (a FIFO, a link) is
  // removed rather than written through.
  const entry = await lstat(settings.activeAccountPath).catch(() => undefined);
  if (entry && !entry.isFile()) await rm(settings.activeAccountPath, { force: true });
  await writePrivateFile(
    settings.activeAccountPath,
    `${JSON.stringify({ account: id }, null, 2)}\n`,
    {
      failure: 'The active account is unchanged.',
    },
  );
}
