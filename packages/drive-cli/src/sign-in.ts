import { type Account, InstalledOAuthError, isInstalledOAuthError } from '@installed-oauth/core';
import type { Context } from './context.js';
import { storageOf, storageWords } from './credential-files.js';
import { CliError, ExitCode } from './exit-codes.js';
import type { Settings } from './settings.js';
import { nameOf } from './terminal-text.js';

/**
 * Why a sign-in cannot start: exit 5 when a command needed one (nothing stored), 4 for
 * `login` itself. Said at once, instead of waiting for a person who is not there.
 */
function nobodyToSignIn(settings: Settings, reason: 'login' | 'needed'): CliError {
  const why = settings.noInput
    ? '--no-input (or DRIVE_CLI_NO_INPUT, or CI) says nobody is at hand to sign in'
    : 'there is no terminal to paste into and no browser to open here';
  return reason === 'needed'
    ? new CliError(
        ExitCode.reauthenticationRequired,
        `Not signed in, and ${why}.`,
        'Run drive-cli login in a terminal (over SSH it asks you to paste the address), then run this again.',
      )
    : new CliError(
        ExitCode.authorizationNotCompleted,
        `drive-cli login needs a person, and ${why}.`,
        'Run it in a terminal (over SSH it asks you to paste the address), or set BROWSER to a command that opens the link.',
      );
}

/** The sign-in ran out of --timeout: said with the number the user gave. */
function timedOut(seconds: number, cause: InstalledOAuthError): InstalledOAuthError {
  return new InstalledOAuthError(
    'AUTHORIZATION_TIMED_OUT',
    `The sign-in did not finish within ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`,
    {
      cause,
      hint: 'Run it again and finish the sign-in in the browser sooner, or allow more time with --timeout.',
    },
  );
}

/**
 * Runs the browser sign-in; the app saves the account and makes it the active one. Ctrl-C cancels;
 * --timeout bounds the whole of it, the code exchange with Google included.
 */
export async function signIn(
  context: Context,
  reason: 'login' | 'needed' = 'login',
): Promise<Account> {
  const { settings, io } = context;
  // Loaded only for a sign-in: `ls` with stored credentials needs no receiver, prompt or spinner.
  const { chooseStrategy, personAtHand } = await import('./strategy.js');
  if (!personAtHand(settings, io)) throw nobodyToSignIn(settings, reason);
  const chosen = chooseStrategy(settings, io);
  // One signal for Ctrl-C and --timeout. A plain timer rather than AbortSignal.timeout inside
  // AbortSignal.any: Node 20 can collect such a combined timeout before it fires (measured: a
  // held code exchange then ran into openid-client's own 30 s limit instead of --timeout 10).
  const controller = new AbortController();
  const onInterrupt = () => controller.abort(new DOMException('interrupted', 'AbortError'));
  const deadline = setTimeout(
    () => controller.abort(new DOMException('timed out', 'TimeoutError')),
    settings.timeoutSeconds * 1000,
  );
  process.once('SIGINT', onInterrupt);
  let account: Account;
  try {
    account = await context.app.signIn({ strategy: chosen.strategy, signal: controller.signal });
  } catch (error) {
    throw isInstalledOAuthError(error, 'AUTHORIZATION_TIMED_OUT')
      ? timedOut(settings.timeoutSeconds, error)
      : error;
  } finally {
    clearTimeout(deadline);
    chosen.stop();
    process.off('SIGINT', onInterrupt);
  }
  return account; // saved, and made the active account, by the app
}

/** "Signed in as …. Credentials saved in/to …", for `login` and a first `ls`. */
export async function signedInLine(context: Context, account: Account): Promise<string> {
  const path = context.store.pathOf(account.id);
  const where =
    (await storageOf(context, account.id)) === 'keyring'
      ? `in ${storageWords('keyring', path)}`
      : `to ${path}`;
  return `Signed in as ${nameOf(account)}. Credentials saved ${where}.`;
}
