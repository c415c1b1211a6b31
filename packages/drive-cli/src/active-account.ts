import { readFile, rm } from 'node:fs/promises';
import { writePrivateJson } from './private-file.js';
import type { Settings } from './settings.js';

/** The id of the active account, as `login` and `switch` left it; undefined when unset. */
export async function readActiveAccount(settings: Settings): Promise<string | undefined> {
  try {
    const json = JSON.parse(await readFile(settings.activeAccountPath, 'utf8')) as {
      account?: unknown;
    };
    return typeof json.account === 'string' ? json.account : undefined;
  } catch {
    // Missing or damaged: the earliest signed-in account is active, as after a logout.
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
  await writePrivateJson(settings.activeAccountPath, { account: id });
}
