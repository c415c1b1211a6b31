import { isExpired, revokeCredentials } from '@installed-oauth/core';
import { listFiles, TokenRejected } from './drive.js';
import { CliError, ExitCode } from './exit-codes.js';
import type { Io } from './io.js';
import { formatFiles } from './output.js';
import {
  accountOf,
  freshCredentials,
  openSession,
  type Session,
  signIn,
  storedCredentials,
} from './session.js';
import type { Settings } from './settings.js';

function say(io: Io, text: string): void {
  io.stderr.write(`${text}\n`);
}

function signedInLine(session: Session, email: string | undefined): string {
  return `Signed in${email ? ` as ${email}` : ''}. Credentials saved to ${session.settings.credentialsPath}.`;
}

/** `drive-cli ls`: the files most recently modified by the user (signing in first if needed). */
export async function ls(settings: Settings, io: Io): Promise<void> {
  const session = await openSession(settings, io);
  let { credentials, signedIn } = await freshCredentials(session, { signInIfNeeded: true });
  if (signedIn) say(io, signedInLine(session, accountOf(credentials)));
  const request = { apiRoot: settings.apiRoot, limit: settings.limit, orderBy: settings.orderBy };
  let list: Awaited<ReturnType<typeof listFiles>>;
  try {
    list = await listFiles({ ...request, accessToken: credentials.accessToken });
  } catch (error) {
    if (!(error instanceof TokenRejected)) throw error;
    // The token was refused before its expiry (revoked, clock skew): refresh once and retry.
    ({ credentials } = await freshCredentials(session, {
      signInIfNeeded: false,
      forceRefresh: true,
    }));
    try {
      list = await listFiles({ ...request, accessToken: credentials.accessToken });
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
      ? `${JSON.stringify(list, null, 2)}\n`
      : formatFiles(list, { terminal: Boolean(io.stdout.isTTY) }),
  );
}

/** `drive-cli login`: a fresh browser sign-in, saved. */
export async function login(settings: Settings, io: Io): Promise<void> {
  const session = await openSession(settings, io);
  const credentials = await signIn(session);
  say(io, signedInLine(session, accountOf(credentials)));
}

/** `drive-cli logout`: revoke at the server first, then delete the local file. */
export async function logout(settings: Settings, io: Io): Promise<void> {
  const session = await openSession(settings, io);
  const credentials = await storedCredentials(session);
  if (!credentials) {
    say(io, 'Not signed in; nothing to do.');
    return;
  }
  const result = await revokeCredentials({
    clientSecrets: session.clientSecrets,
    credentials,
    fetch: session.fetch,
  });
  await session.store.delete();
  say(
    io,
    result.alreadyInvalid
      ? `The server had already ended this sign-in. Deleted ${settings.credentialsPath}.`
      : `Signed out: access revoked and ${settings.credentialsPath} deleted.`,
  );
}

/** `drive-cli status`: who, what and where, never a secret. */
export async function status(settings: Settings, io: Io): Promise<void> {
  const session = await openSession(settings, io);
  const credentials = await storedCredentials(session);
  if (!credentials) {
    throw new CliError(
      ExitCode.reauthenticationRequired,
      `Not signed in (no credentials in ${settings.credentialsPath}).`,
      'Run drive-cli login.',
    );
  }
  const expired = isExpired(credentials, { marginSeconds: 0 });
  const report = {
    account: accountOf(credentials) ?? null,
    clientId: session.clientSecrets.clientId,
    scopes: [...credentials.scopes],
    accessTokenExpiresAt:
      credentials.expiresAt === undefined ? null : new Date(credentials.expiresAt).toISOString(),
    accessTokenValid: !expired,
    refreshToken: Boolean(credentials.refreshToken),
    credentialsPath: settings.credentialsPath,
  };
  if (settings.json) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const expiry = report.accessTokenExpiresAt
    ? `${report.accessTokenExpiresAt} (${expired ? 'expired; it will be refreshed on next use' : 'valid'})`
    : 'unknown';
  io.stdout.write(
    [
      `Account:       ${report.account ?? 'unknown'}`,
      `Client ID:     ${report.clientId}`,
      `Scopes:        ${report.scopes.join(' ')}`,
      `Access token:  expires ${expiry}`,
      `Refresh token: ${report.refreshToken ? 'stored' : 'none (sign in again when the access token expires)'}`,
      `Credentials:   ${report.credentialsPath}`,
      '',
    ].join('\n'),
  );
}

/** `drive-cli token`: a valid access token on stdout, for scripts. */
export async function token(settings: Settings, io: Io): Promise<void> {
  const session = await openSession(settings, io);
  const { credentials } = await freshCredentials(session, { signInIfNeeded: false });
  io.stdout.write(`${credentials.accessToken}\n`);
}
