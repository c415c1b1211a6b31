import { fchmodSync, fstatSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import {
  type Account,
  accountOf,
  isInstalledOAuthError,
  toAuthorizedUserJson,
} from '@installed-oauth/core';
import { keyringStatus } from '@installed-oauth/keyring-store';
import { readActiveAccount, writeActiveAccount } from './active-account.js';
import { listFiles, TokenRejected } from './drive.js';
import { CliError, ExitCode } from './exit-codes.js';
import { endForeignSignIn } from './foreign-sign-in.js';
import type { Io } from './io.js';
import { formatFiles } from './output.js';
import {
  accountNamed,
  freshAccount,
  KEYRING_SERVICE,
  nameOf,
  nameOfId,
  openSession,
  type Session,
  say,
  selectedAccount,
  signIn,
  storageOf,
  storageWords,
  unusableFile,
  warnIfUnsaved,
} from './session.js';
import type { Settings } from './settings.js';
import { neutralise, safeJson } from './terminal-text.js';

const PERMISSIONS_PAGE = 'https://myaccount.google.com/permissions';

const SIGNED_OUT = {
  revoked: (name: string, path: string) =>
    `Signed out of ${name}: access revoked and ${path} deleted.`,
  'already-invalid': (name: string, path: string) =>
    `The server had already ended the sign-in of ${name}. Deleted ${path}.`,
  'not-attempted': (_name: string, path: string) =>
    `Deleted the unusable ${path}; there was nothing in it to revoke.`,
};

async function signedInLine(session: Session, account: Account): Promise<string> {
  const path = session.store.pathOf(account.id);
  const where =
    (await storageOf(session, account.id)) === 'keyring'
      ? `in ${storageWords('keyring', path)}`
      : `to ${path}`;
  return `Signed in as ${nameOf(account)}. Credentials saved ${where}.`;
}

/** `drive-cli ls`: the files most recently modified by the user (signing in first if needed). */
export async function ls(settings: Settings, io: Io): Promise<void> {
  const session = await openSession(settings, io);
  let { account, signedIn } = await freshAccount(session, { signInIfNeeded: true });
  if (signedIn) say(io, await signedInLine(session, account));
  const request = {
    apiRoot: settings.apiRoot,
    limit: settings.limit,
    orderBy: settings.orderBy,
    fetch: session.fetch,
  };
  let list: Awaited<ReturnType<typeof listFiles>>;
  try {
    list = await listFiles({ ...request, accessToken: account.credentials.accessToken });
  } catch (error) {
    if (!(error instanceof TokenRejected)) throw error;
    // The token was refused before its expiry (revoked, clock skew): refresh once and retry.
    ({ account } = await freshAccount(session, { signInIfNeeded: false, forceRefresh: true }));
    try {
      list = await listFiles({ ...request, accessToken: account.credentials.accessToken });
    } catch (retryError) {
      if (!(retryError instanceof TokenRejected)) throw retryError;
      throw new CliError(
        ExitCode.reauthenticationRequired,
        'Drive refused the access token even after a refresh.',
        'Run drive-cli login to sign in again.',
      );
    }
  }
  io.stdout.write(
    settings.json
      ? `${safeJson(list)}\n`
      : formatFiles(list, { terminal: Boolean(io.stdout.isTTY) }),
  );
}

/** `drive-cli login`: a browser sign-in; adds the account (or renews it) and makes it active. */
export async function login(settings: Settings, io: Io): Promise<void> {
  const session = await openSession(settings, io, { replaceUnusableLegacyFile: true });
  await moveAsideUnusableAccounts(session);
  const account = await signIn(session);
  say(io, await signedInLine(session, account));
  const others = (await session.store.accounts()).filter((id) => id !== account.id);
  if (others.length > 0) say(io, `${nameOf(account)} is now the active account.`);
}

/** Account files that cannot be read are moved aside before a sign-in, never overwritten. */
async function moveAsideUnusableAccounts(session: Session): Promise<void> {
  for (const id of await session.store.accounts()) {
    try {
      await session.store.account(id).load();
    } catch (error) {
      // An account kept in a keyring that does not answer here (an SSH session, say) is not
      // unusable, only out of reach now: left alone, it does not stop another sign-in.
      if (isInstalledOAuthError(error, 'TOKEN_STORE_ERROR')) continue;
      if (!unusableFile(error)) throw error;
      const path = session.store.pathOf(id);
      const aside = `${path}.unusable-${Date.now()}`;
      await rename(path, aside);
      say(session.io, `Moved the unusable ${path} aside, to ${aside}.`);
    }
  }
}

/** `drive-cli switch <account>`: make another signed-in account the active one. */
export async function switchAccount(settings: Settings, io: Io, target: string): Promise<void> {
  const session = await openSession(settings, io);
  const id = await accountNamed(session, target);
  await writeActiveAccount(settings, id);
  say(io, `${await nameOfId(session, id)} is now the active account.`);
}

/**
 * `drive-cli logout`: revoke at Google and delete here — the active account, --account, or
 * --all. Without a network the account is still deleted here, and the command says where to
 * end the grant at Google, and exits 6.
 */
export async function logout(settings: Settings, io: Io): Promise<void> {
  const session = await openSession(settings, io);
  const ids = settings.all ? await session.store.accounts() : [await selectedAccount(session)];
  const targets = ids.filter((id): id is string => id !== undefined);
  if (targets.length === 0) {
    say(io, 'Not signed in; nothing to do.');
    return;
  }
  let unreachable: string | undefined;
  for (const id of targets) {
    const name = await nameOfId(session, id);
    const path = session.store.pathOf(id);
    const foreign = await endForeignSignIn(session, id);
    const signedOut = await session.app.signOut({ account: id });
    const result = foreign && foreign.revocation !== 'not-attempted' ? foreign : signedOut;
    const other = foreign
      ? ` (signed in with another client, ${neutralise(foreign.clientId)})`
      : '';
    if (result.revocation === 'failed') {
      unreachable = result.error?.message ?? 'not reached';
      say(
        io,
        `Deleted ${path}, but access for ${name} could not be revoked at Google (${unreachable.replace(/\.$/, '')}). It remains until you remove drive-cli at ${PERMISSIONS_PAGE}.`,
      );
    } else {
      say(io, SIGNED_OUT[result.revocation](`${name}${other}`, path));
    }
  }
  await settleActiveAccount(session);
  if (unreachable !== undefined) {
    throw new CliError(
      ExitCode.network,
      'Signed out here, but Google was not told.',
      `Remove drive-cli's access at ${PERMISSIONS_PAGE}, or run drive-cli logout again when online after signing in.`,
    );
  }
}

/** After a logout: the earliest remaining account becomes active, and the user is told. */
async function settleActiveAccount(session: Session): Promise<void> {
  const { settings, io } = session;
  const ids = await session.store.accounts();
  const active = await readActiveAccount(settings);
  if (active && ids.includes(active)) return;
  const [next] = ids;
  await writeActiveAccount(settings, next);
  if (next !== undefined) say(io, `${await nameOfId(session, next)} is now the active account.`);
}

type Grant = 'valid' | 'invalid' | 'unchecked' | 'unreadable';

interface AccountReport {
  email: string | null;
  id: string;
  active: boolean;
  scopes: string[];
  accessTokenExpiresAt: string | null;
  grant: Grant;
  problem?: string;
  credentialsPath: string;
  /** Where the tokens are: the OS keyring (the file then holds what is not secret), or the file. */
  storage: 'keyring' | 'file';
}

/**
 * `drive-cli status`: every signed-in account, the active one marked, checked with the server
 * unless --offline. Exits 5 when the selected account's grant is gone, 6 when the server cannot
 * be reached; never deletes an account, may save a refreshed token.
 */
export async function status(settings: Settings, io: Io): Promise<void> {
  const session = await openSession(settings, io);
  const ids = await session.store.accounts();
  if (ids.length === 0) {
    throw new CliError(
      ExitCode.reauthenticationRequired,
      `Not signed in (no accounts in ${settings.accountsDir}).`,
      'Run drive-cli login.',
    );
  }
  const selected = await selectedAccount(session);
  const reports: AccountReport[] = [];
  let unreachable: unknown;
  let unreadable: unknown;
  for (const id of ids) {
    const report: AccountReport = {
      email: null,
      id,
      active: id === selected,
      scopes: [],
      accessTokenExpiresAt: null,
      grant: settings.offline ? 'unchecked' : 'valid',
      credentialsPath: session.store.pathOf(id),
      storage: await storageOf(session, id),
    };
    reports.push(report);
    let stored: Awaited<ReturnType<Session['app']['getCredentials']>>['credentials'] | undefined;
    try {
      stored = await session.store.account(id).load();
    } catch (error) {
      if (!unusableFile(error)) throw error;
      report.grant = 'unreadable';
      report.problem = error.message;
      if (report.active) unreadable = error;
      continue;
    }
    if (!stored) continue;
    let credentials = stored;
    if (!settings.offline) {
      try {
        const checked = await session.app.getCredentials({ account: id, forceRefresh: true });
        warnIfUnsaved(session, checked);
        credentials = checked.credentials;
      } catch (error) {
        if (isInstalledOAuthError(error, 'REAUTHENTICATION_REQUIRED')) {
          report.grant = 'invalid';
        } else if (isInstalledOAuthError(error, 'NETWORK_ERROR')) {
          report.grant = 'unchecked';
          unreachable ??= error;
        } else {
          throw error;
        }
      }
    }
    report.email = accountOf(credentials)?.email ?? null;
    report.scopes = [...credentials.scopes];
    report.accessTokenExpiresAt =
      credentials.expiresAt === undefined ? null : new Date(credentials.expiresAt).toISOString();
  }
  io.stdout.write(
    settings.json
      ? `${safeJson({ clientId: session.clientSecrets.clientId, accounts: reports })}\n`
      : statusText(session, reports),
  );
  if (unreadable) throw unreadable;
  if (unreachable) throw unreachable;
  const chosen = reports.find((report) => report.active);
  if (chosen?.grant === 'invalid') {
    throw new CliError(
      ExitCode.reauthenticationRequired,
      `The sign-in of ${await nameOfId(session, chosen.id)} is no longer valid at Google (revoked, or expired).`,
      'Run drive-cli login to sign in again.',
    );
  }
}

const GRANT_WORDS: Record<Grant, string> = {
  valid: 'valid (checked with Google)',
  invalid: 'no longer valid: run drive-cli login to sign in again',
  unchecked: 'not checked',
  unreadable: 'the file cannot be read',
};

function statusText(session: Session, reports: AccountReport[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    const name = nameOf({ id: report.id, email: report.email ?? undefined });
    const at = report.accessTokenExpiresAt;
    const expires = at
      ? `${at}${Date.parse(at) <= Date.now() ? ' (expired; refreshed on next use)' : ''}`
      : 'unknown';
    lines.push(
      `${report.active ? '*' : ' '} ${name}${report.active ? ' (active)' : ''}`,
      `    Grant:         ${GRANT_WORDS[report.grant]}${report.problem ? ` (${report.problem})` : ''}`,
      `    Scopes:        ${neutralise(report.scopes.join(' ')) || 'unknown'}`,
      `    Access token:  expires ${expires}`,
      `    Stored in:     ${storageWords(report.storage, report.credentialsPath)}`,
    );
  }
  lines.push(`Client ID: ${neutralise(session.clientSecrets.clientId)}`, '');
  return lines.join('\n');
}

/**
 * `drive-cli migrate`: moves accounts kept in files into the OS keyring, on request only. The
 * keyring entry is written before the file loses its tokens, so a failure loses nothing.
 */
export async function migrate(settings: Settings, io: Io): Promise<void> {
  const session = await openSession(settings, io);
  const ids = settings.account
    ? [await accountNamed(session, settings.account)]
    : await session.store.accounts();
  const status = await keyringStatus({ service: KEYRING_SERVICE });
  if (!status.available) {
    throw new CliError(
      ExitCode.localStorage,
      `Cannot move the credentials into ${status.name}: ${neutralise(status.reason)}.`,
      status.hint,
    );
  }
  let moved = 0;
  await session.store.withLock(async () => {
    for (const id of ids) {
      if (!(await session.store.moveSecrets(id))) continue;
      moved++;
      const where = storageWords('keyring', session.store.pathOf(id));
      say(io, `Moved ${await nameOfId(session, id)} into ${where}.`);
    }
  });
  if (moved === 0) say(io, `Nothing to move: every account is already in ${status.name}.`);
}

/**
 * `drive-cli export`: one account as the "authorized_user" JSON that Google's libraries and
 * gcloud read, on stdout — never onto a terminal, where it would stay in the scrollback.
 */
export async function exportAccount(settings: Settings, io: Io): Promise<void> {
  if (io.stdout.isTTY) {
    throw new CliError(
      ExitCode.usage,
      'drive-cli export prints a refresh token; it does not print it onto a terminal.',
      'Redirect it to a file of your own: drive-cli export > credentials.json (made readable by you alone).',
    );
  }
  const session = await openSession(settings, io);
  const { account } = await freshAccount(session, { signInIfNeeded: false });
  const json = toAuthorizedUserJson(account.credentials, session.clientSecrets);
  privateIfFile(io.stdout);
  io.stdout.write(`${safeJson(json)}\n`);
}

/**
 * `drive-cli export > file`: the shell made the file with the umask's mode (often 0644, so
 * readable by every user); a regular file of ours on stdout is made 0600 before a byte of the
 * refresh token reaches it. Pipes and other streams are left alone.
 */
function privateIfFile(stdout: Io['stdout']): void {
  const fd = (stdout as { fd?: unknown }).fd;
  if (typeof fd !== 'number') return;
  try {
    const info = fstatSync(fd);
    if (info.isFile() && info.uid === process.geteuid?.()) fchmodSync(fd, 0o600);
  } catch {
    // Not a file we can change: nothing to tighten.
  }
}

/** `drive-cli token`: a valid access token on stdout, for scripts. */
export async function token(settings: Settings, io: Io): Promise<void> {
  const session = await openSession(settings, io);
  const { account } = await freshAccount(session, { signInIfNeeded: false });
  io.stdout.write(`${account.credentials.accessToken}\n`);
}
