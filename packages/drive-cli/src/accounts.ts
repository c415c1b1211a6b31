import { type Account, InstalledOAuthError, isInstalledOAuthError } from '@installed-oauth/core';
import type { Context } from './context.js';
import { CliError, ExitCode } from './exit-codes.js';
import { signIn } from './sign-in.js';
import { nameOf, neutralise, say } from './terminal-text.js';

/** The id of the signed-in account `name` (an e-mail address or an id); exit 5 when none. */
export async function accountNamed(context: Context, name: string): Promise<string> {
  const id = await context.app.findAccount(name);
  if (id !== undefined) return id;
  throw new CliError(
    ExitCode.reauthenticationRequired,
    `Not signed in as ${neutralise(name)}.`,
    `Run drive-cli login to sign in to that account; drive-cli status lists the signed-in ones.`,
  );
}

/**
 * The account a command acts as: --account (or DRIVE_CLI_ACCOUNT) when given, which must be
 * signed in; else the active one (the latest signed in or switched to; else the earliest).
 * Undefined when none is.
 */
export async function selectedAccount(context: Context): Promise<string | undefined> {
  const { settings } = context;
  if (settings.account !== undefined) return accountNamed(context, settings.account);
  return context.app.activeAccount();
}

/** How the account `id` is named to the user: its e-mail address when it can be read. */
export async function nameOfId(context: Context, id: string): Promise<string> {
  const account = (await context.app.accounts()).find((candidate) => candidate.id === id);
  return nameOf(account ?? { id, email: undefined });
}

/** "Not signed in", naming the command that fixes it. */
export function notSignedIn(): CliError {
  return new CliError(ExitCode.reauthenticationRequired, 'Not signed in.', 'Run drive-cli login.');
}

/**
 * The selected account with a valid access token: refreshed when expired, or after a sign-in
 * when nothing is stored at all and `signInIfNeeded`.
 */
export async function getCredentials(
  context: Context,
  options: { signInIfNeeded: boolean; forceRefresh?: boolean },
): Promise<{ account: Account; signedIn: boolean }> {
  const id = await selectedAccount(context);
  if (id === undefined) {
    if (!options.signInIfNeeded) throw notSignedIn();
    return { account: await signIn(context, 'needed'), signedIn: true };
  }
  try {
    const account = await context.app.getCredentials({
      account: id,
      forceRefresh: options.forceRefresh,
    });
    warnIfUnsaved(context, account);
    return { account, signedIn: false };
  } catch (error) {
    throw withLoginHint(error, await nameOfId(context, id).catch(() => neutralise(id)));
  }
}

/**
 * A refresh the disk would not take (full, read-only): the command goes on with the token in
 * memory, and says once that it was not saved.
 */
export function warnIfUnsaved(context: Context, account: Account): void {
  if (!account.unsaved || context.warnedUnsaved) return;
  context.warnedUnsaved = true;
  say(
    context.io,
    `drive-cli: warning: the refreshed access token could not be saved (${account.unsaved.message.replace(/\.$/, '')}); it is used for this run only.`,
  );
}

/**
 * A dead grant's error, saying which account (by its e-mail address, as the user knows it) and
 * which command signs in again.
 */
export function withLoginHint(error: unknown, name: string): unknown {
  if (!isInstalledOAuthError(error, 'REAUTHENTICATION_REQUIRED')) return error;
  if (error.details.reason === 'another-client') return error;
  return new InstalledOAuthError(
    'REAUTHENTICATION_REQUIRED',
    `${error.message.replace(/\.$/, '')} (account ${name}).`,
    { cause: error, hint: 'Run drive-cli login to sign in again.', details: error.details },
  );
}
