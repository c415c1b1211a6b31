import { lstat, rename } from 'node:fs/promises';
import { accountOf } from '@installed-oauth/core';
import { createFileAccountStore, createFileTokenStore } from '@installed-oauth/core/node';
import type { Context } from './context.js';
import { unusableFile } from './credential-files.js';
import { say } from './terminal-text.js';

/**
 * drive-cli 0.x kept one account in <config-dir>/credentials.json. Its credentials move into
 * the accounts folder on first use (and the account becomes the active one if none is). An
 * unusable old file is left as it is, except by `login`, which moves it aside and says where.
 */
export async function takeOverLegacyFile(
  context: Pick<Context, 'settings' | 'io' | 'store' | 'clientSecrets'>,
  replaceUnusable: boolean,
): Promise<void> {
  const { settings, io, store, clientSecrets } = context;
  // The common case, nothing to take over, costs one lstat and no lock.
  if (!(await lstat(settings.legacyCredentialsPath).catch(() => undefined))) return;
  const legacy = createFileTokenStore({ path: settings.legacyCredentialsPath, clientSecrets });
  await store.withLock(async () => {
    let credentials: Awaited<ReturnType<typeof legacy.load>>;
    try {
      credentials = await legacy.load();
    } catch (error) {
      if (!unusableFile(error)) throw error;
      if (!replaceUnusable) throw error;
      const aside = `${settings.legacyCredentialsPath}.unusable-${Date.now()}`;
      await rename(settings.legacyCredentialsPath, aside);
      say(io, `Moved the unusable ${settings.legacyCredentialsPath} aside, to ${aside}.`);
      return;
    }
    if (!credentials) return;
    const id = accountOf(credentials)?.id ?? 'default';
    // A file it was, a file it stays: only drive-cli migrate moves tokens into the keyring.
    const asFile = createFileAccountStore({ directory: settings.accountsDir, clientSecrets });
    if (!(await store.accounts()).includes(id)) await asFile.account(id).save(credentials);
    await legacy.delete();
    if (!(await store.activeAccount())) await store.setActiveAccount(id);
    say(
      io,
      `Moved the stored sign-in from ${settings.legacyCredentialsPath} to ${store.pathOf(id)}.`,
    );
  });
}
