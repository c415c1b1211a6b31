import { lstat, rename } from 'node:fs/promises';
import {
  type Account,
  accountOf,
  type ClientSecrets,
  clientSecretsFromValues,
  createInstalledApp,
  type FetchLike,
  type InstalledApp,
  InstalledOAuthError,
  isInstalledOAuthError,
} from '@installed-oauth/core';
import {
  createFileAccountStore,
  createFileTokenStore,
  readClientSecretsFile,
  type StorageKind,
} from '@installed-oauth/core/node';
import {
  createKeyringSecretStore,
  keyringName,
  keyringStatus,
} from '@installed-oauth/keyring-store';
import { readActiveAccount, writeActiveAccount } from './active-account.js';
import { moveFormerConfigDir } from './config-folder.js';
import { assertGoogleEndpoints } from './endpoints.js';
import { CliError, ExitCode } from './exit-codes.js';
import type { Io } from './io.js';
import { proxyAwareFetch } from './network.js';
import { SCOPES, type Settings } from './settings.js';
import { neutralise, neutraliseLines } from './terminal-text.js';

/** What every command works with: the settings, the signed-in program and its store. */
export interface Session {
  settings: Settings;
  io: Io;
  clientSecrets: ClientSecrets;
  app: InstalledApp;
  store: ReturnType<typeof createFileAccountStore>;
  /** With a proxy set, for every request: token requests and Drive (see network.ts). */
  fetch: FetchLike | undefined;
  /** Whether this run already said that a refreshed token could not be saved. */
  warnedUnsaved?: boolean;
}

/** How the client given as values is named in messages. */
const CLIENT_VALUES = 'DRIVE_CLI_CLIENT_ID and DRIVE_CLI_CLIENT_SECRET';

/** The keyring "service" of drive-cli's entries; each entry is "<client id>/<account id>". */
export const KEYRING_SERVICE = 'drive-cli';

/**
 * Where a new sign-in keeps its tokens: the OS keyring when one works, else a 0600 file, with a
 * one-line notice saying why; `--insecure-storage` (or DRIVE_CLI_INSECURE_STORAGE) chooses the
 * file on purpose, without asking the keyring.
 */
async function storageForNewAccount(settings: Settings, io: Io): Promise<StorageKind> {
  if (settings.insecureStorage) return 'file';
  const status = await keyringStatus({ service: KEYRING_SERVICE });
  if (status.available) return 'secret store';
  say(
    io,
    `No keyring is available here (${neutralise(status.reason)}); keeping the credentials in a file (mode 0600) instead. Pass --insecure-storage to choose that on purpose.`,
  );
  return 'file';
}

/** Where an account's tokens are kept now: the OS keyring, or its file. */
export async function storageOf(session: Session, id: string): Promise<'keyring' | 'file'> {
  return (await session.store.storageOf(id).catch(() => 'file')) === 'secret store'
    ? 'keyring'
    : 'file';
}

/** That place in words, for messages and `status`. */
export function storageWords(storage: 'keyring' | 'file', path: string): string {
  return storage === 'keyring'
    ? `${keyringName()} (details in ${neutralise(path)})`
    : `${neutralise(path)} (file, mode 0600)`;
}

/** A line of progress on stderr; the paths and names in it are neutralised. */
export function say(io: Io, text: string): void {
  io.stderr.write(`${neutraliseLines(text)}\n`);
}

/** How an account is named to the user: its e-mail address, escaped for the terminal. */
export function nameOf(account: { id: string; email: string | undefined }): string {
  return neutralise(account.email ?? account.id);
}

export async function openSession(
  settings: Settings,
  io: Io,
  options: { replaceUnusableLegacyFile?: boolean } = {},
): Promise<Session> {
  await moveFormerConfigDir(settings, io);
  // Plain http passes core only on loopback hosts; which endpoints drive-cli accepts at all
  // (Google's, or one loopback origin with DRIVE_CLI_SANDBOX) is decided just below, with
  // drive-cli's own words.
  const clientSecrets = settings.clientValues
    ? clientSecretsFromValues({ ...settings.clientValues, source: CLIENT_VALUES })
    : await readClientSecretsFile(settings.clientSecretsPath, { allowInsecureTransport: true });
  assertGoogleEndpoints(
    clientSecrets,
    settings.clientValues ? CLIENT_VALUES : settings.clientSecretsPath,
    settings.allowInsecureTransport,
  );
  const fetch = await proxyAwareFetch(io.env);
  let newAccountStorage: Promise<StorageKind> | undefined;
  const store = createFileAccountStore({
    directory: settings.accountsDir,
    clientSecrets,
    // Tokens of accounts kept in the keyring are read from it; accounts kept in files stay
    // files (drive-cli migrate moves them). Where a new sign-in goes is decided when it is saved.
    secrets: createKeyringSecretStore({
      service: KEYRING_SERVICE,
      namespace: clientSecrets.clientId,
    }),
    // Asked before the browser opens (is there somewhere to save?) and again at the save:
    // the keyring is probed, and the notice printed, once.
    newAccountStorage: () => {
      newAccountStorage ??= storageForNewAccount(settings, io);
      return newAccountStorage;
    },
  });
  const app = createInstalledApp({ clientSecrets, scopes: SCOPES, store, fetch });
  const session = { settings, io, clientSecrets, app, store, fetch };
  await takeOverLegacyFile(session, options.replaceUnusableLegacyFile === true);
  return session;
}

/**
 * drive-cli 0.x kept one account in <config-dir>/credentials.json. Its credentials move into
 * the accounts folder on first use (and the account becomes the active one if none is). An
 * unusable old file is left as it is, except by `login`, which moves it aside and says where.
 */
async function takeOverLegacyFile(session: Session, replaceUnusable: boolean): Promise<void> {
  const { settings, io, store, clientSecrets } = session;
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
    if (!(await readActiveAccount(settings))) await writeActiveAccount(settings, id);
    say(
      io,
      `Moved the stored sign-in from ${settings.legacyCredentialsPath} to ${store.pathOf(id)}.`,
    );
  });
}

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

/** The id of the signed-in account `name` (an e-mail address or an id); exit 5 when none. */
export async function accountNamed(session: Session, name: string): Promise<string> {
  if ((await session.store.accounts()).includes(name)) return name;
  const match = (await session.app.accounts()).find((account) => account.email === name);
  if (match) return match.id;
  throw new CliError(
    ExitCode.reauthenticationRequired,
    `Not signed in as ${neutralise(name)}.`,
    `Run drive-cli login to sign in to that account; drive-cli status lists the signed-in ones.`,
  );
}

/**
 * The account a command acts as: --account (or DRIVE_CLI_ACCOUNT) when given, which must be
 * signed in; else the active one; else the earliest signed in. Undefined when none is.
 */
export async function selectedAccount(session: Session): Promise<string | undefined> {
  const { settings } = session;
  if (settings.account !== undefined) return accountNamed(session, settings.account);
  const ids = await session.store.accounts();
  const active = await readActiveAccount(settings);
  return active && ids.includes(active) ? active : ids[0];
}

/** How the account `id` is named to the user: its e-mail address when it can be read. */
export async function nameOfId(session: Session, id: string): Promise<string> {
  const account = (await session.app.accounts()).find((candidate) => candidate.id === id);
  return nameOf(account ?? { id, email: undefined });
}

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

/**
 * Runs the browser sign-in, saves the account and makes it the active one. Ctrl-C cancels;
 * --timeout bounds the whole of it, the code exchange with Google included.
 */
export async function signIn(
  session: Session,
  reason: 'login' | 'needed' = 'login',
): Promise<Account> {
  const { settings, io } = session;
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
    account = await session.app.signIn({ strategy: chosen.strategy, signal: controller.signal });
  } catch (error) {
    throw isInstalledOAuthError(error, 'AUTHORIZATION_TIMED_OUT')
      ? timedOut(settings.timeoutSeconds, error)
      : error;
  } finally {
    clearTimeout(deadline);
    chosen.stop();
    process.off('SIGINT', onInterrupt);
  }
  await writeActiveAccount(settings, account.id);
  return account;
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

/** "Not signed in", naming the command that fixes it. */
export function notSignedIn(): CliError {
  return new CliError(ExitCode.reauthenticationRequired, 'Not signed in.', 'Run drive-cli login.');
}

/**
 * The selected account with a valid access token: refreshed when expired, or after a sign-in
 * when nothing is stored at all and `signInIfNeeded`.
 */
export async function freshAccount(
  session: Session,
  options: { signInIfNeeded: boolean; forceRefresh?: boolean },
): Promise<{ account: Account; signedIn: boolean }> {
  const id = await selectedAccount(session);
  if (id === undefined) {
    if (!options.signInIfNeeded) throw notSignedIn();
    return { account: await signIn(session, 'needed'), signedIn: true };
  }
  try {
    const account = await session.app.getCredentials({
      account: id,
      forceRefresh: options.forceRefresh,
    });
    warnIfUnsaved(session, account);
    return { account, signedIn: false };
  } catch (error) {
    throw withLoginHint(error, await nameOfId(session, id).catch(() => neutralise(id)));
  }
}

/**
 * A refresh the disk would not take (full, read-only): the command goes on with the token in
 * memory, and says once that it was not saved.
 */
export function warnIfUnsaved(session: Session, account: Account): void {
  if (!account.unsaved || session.warnedUnsaved) return;
  session.warnedUnsaved = true;
  say(
    session.io,
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
