import { accountOf, type Credentials, isInstalledOAuthError } from '@installed-oauth/core';
import type { Command } from 'commander';
import { nameOfId, selectedAccount, warnIfUnsaved } from '../accounts.js';
import type { Context } from '../context.js';
import { storageOf, storageWords, unusableFile } from '../credential-files.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { RawOptions } from '../settings.js';
import { nameOf, neutralise, safeJson } from '../terminal-text.js';
import { accountOption, defineCommand, jsonOption } from './command.js';

type Grant = 'valid' | 'invalid' | 'unchecked' | 'unreadable';

export interface AccountReport {
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

export interface StatusOptions {
  json: boolean;
  /** --offline: do not ask Google whether the sign-ins are valid. */
  offline: boolean;
}

/** What checking one account found, and the errors the command ends with. */
export interface Checked {
  report: AccountReport;
  unreadable?: unknown;
  unreachable?: unknown;
}

/** One account's report: read, and unless offline, refreshed to ask Google about the grant. */
export async function checkAccount(
  context: Context,
  id: string,
  active: boolean,
  offline: boolean,
): Promise<Checked> {
  const report: AccountReport = {
    email: null,
    id,
    active,
    scopes: [],
    accessTokenExpiresAt: null,
    grant: offline ? 'unchecked' : 'valid',
    credentialsPath: context.store.pathOf(id),
    storage: await storageOf(context, id),
  };
  let stored: Credentials | undefined;
  try {
    stored = await context.store.account(id).load();
  } catch (error) {
    if (!unusableFile(error)) throw error;
    report.grant = 'unreadable';
    report.problem = error.message;
    return { report, unreadable: active ? error : undefined };
  }
  if (!stored) return { report };
  let credentials = stored;
  let unreachable: unknown;
  if (!offline) {
    try {
      const checked = await context.app.getCredentials({ account: id, forceRefresh: true });
      warnIfUnsaved(context, checked);
      credentials = checked.credentials;
    } catch (error) {
      if (isInstalledOAuthError(error, 'REAUTHENTICATION_REQUIRED')) {
        report.grant = 'invalid';
      } else if (isInstalledOAuthError(error, 'NETWORK_ERROR')) {
        report.grant = 'unchecked';
        unreachable = error;
      } else {
        throw error;
      }
    }
  }
  report.email = accountOf(credentials)?.email ?? null;
  report.scopes = [...credentials.scopes];
  report.accessTokenExpiresAt =
    credentials.expiresAt === undefined ? null : new Date(credentials.expiresAt).toISOString();
  return { report, unreachable };
}

/**
 * `drive-cli status`: every signed-in account, the active one marked, checked with the server
 * unless --offline. Exits 5 when the selected account's grant is gone, 6 when the server cannot
 * be reached; never deletes an account, may save a refreshed token.
 */
export async function run(context: Context, options: StatusOptions): Promise<void> {
  const { settings, io } = context;
  const ids = await context.store.accounts();
  if (ids.length === 0) {
    throw new CliError(
      ExitCode.reauthenticationRequired,
      `Not signed in (no accounts in ${settings.accountsDir}).`,
      'Run drive-cli login.',
    );
  }
  const selected = await selectedAccount(context);
  const checked: Checked[] = [];
  for (const id of ids)
    checked.push(await checkAccount(context, id, id === selected, options.offline));
  const reports = checked.map((each) => each.report);
  io.stdout.write(
    options.json
      ? `${safeJson({ clientId: context.clientSecrets.clientId, accounts: reports })}\n`
      : statusText(context, reports),
  );
  const unreadable = checked.find((each) => each.unreadable)?.unreadable;
  if (unreadable) throw unreadable;
  const unreachable = checked.find((each) => each.unreachable)?.unreachable;
  if (unreachable) throw unreachable;
  const chosen = reports.find((report) => report.active);
  if (chosen?.grant === 'invalid') {
    throw new CliError(
      ExitCode.reauthenticationRequired,
      `The sign-in of ${await nameOfId(context, chosen.id)} is no longer valid at Google (revoked, or expired).`,
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

function statusText(context: Context, reports: AccountReport[]): string {
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
  lines.push(`Client ID: ${neutralise(context.clientSecrets.clientId)}`, '');
  return lines.join('\n');
}

export const status = defineCommand({
  name: 'status',
  description:
    'every signed-in account, the active one marked: e-mail, scopes, expiry, where it is stored; checked with Google unless --offline',
  configure: (command: Command) =>
    jsonOption(accountOption(command)).option(
      '--offline',
      'do not ask Google whether the sign-ins are valid',
    ),
  options: (raw: RawOptions): StatusOptions => ({
    json: raw.json === true,
    offline: raw.offline === true,
  }),
  run,
});
