import { rename } from 'node:fs/promises';
import { type InstalledOAuthError, isInstalledOAuthError } from '@installed-oauth/core';
import { keyringName } from '@installed-oauth/keyring-store';
import type { Context } from './context.js';
import { neutralise, say } from './terminal-text.js';

/**
 * A credentials file that is corrupt, of another kind, another client's, whose secrets were
 * removed from the keyring by hand, or bound to another token endpoint than the client file
 * names (which `login` may replace, after moving it aside).
 */
export function unusableFile(error: unknown): error is InstalledOAuthError {
  return (
    isInstalledOAuthError(error, 'INVALID_CREDENTIALS_FILE') ||
    (isInstalledOAuthError(error, 'REAUTHENTICATION_REQUIRED') &&
      (error.details.reason === 'another-client' || error.details.reason === 'secrets-missing')) ||
    (isInstalledOAuthError(error, 'INVALID_CLIENT_SECRETS') &&
      error.details.reason === 'other-endpoint')
  );
}

/** Account files that cannot be read are moved aside before a sign-in, never overwritten. */
export async function moveAsideUnusableAccounts(context: Context): Promise<void> {
  for (const id of await context.store.accounts()) {
    try {
      await context.store.account(id).load();
    } catch (error) {
      // An account kept in a keyring that does not answer here (an SSH session, say) is not
      // unusable, only out of reach now: left alone, it does not stop another sign-in.
      if (isInstalledOAuthError(error, 'TOKEN_STORE_ERROR')) continue;
      if (!unusableFile(error)) throw error;
      const path = context.store.pathOf(id);
      const aside = `${path}.unusable-${Date.now()}`;
      await rename(path, aside);
      say(context.io, `Moved the unusable ${path} aside, to ${aside}.`);
    }
  }
}

/** Where an account's tokens are kept now: the OS keyring, or its file. */
export async function storageOf(context: Context, id: string): Promise<'keyring' | 'file'> {
  return (await context.store.storageOf(id).catch(() => 'file')) === 'secret store'
    ? 'keyring'
    : 'file';
}

/** That place in words, for messages and `status`. */
export function storageWords(storage: 'keyring' | 'file', path: string): string {
  return storage === 'keyring'
    ? `${keyringName()} (details in ${neutralise(path)})`
    : `${neutralise(path)} (file, mode 0600)`;
}
