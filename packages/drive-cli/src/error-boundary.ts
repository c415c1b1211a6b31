import { InstalledOAuthError, type InstalledOAuthErrorCode } from '@installed-oauth/core';
import { CliError, ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { Io } from './io.js';
import { systemCertificatesAdded } from './system-certificates.js';
import { neutraliseLines } from './terminal-text.js';

export const BUG_REPORT_URL = 'https://github.com/installed-oauth/installed-oauth/issues';

const EXIT_BY_CODE: Record<InstalledOAuthErrorCode, ExitCodeValue> = {
  INVALID_CLIENT_SECRETS: ExitCode.clientConfiguration,
  CLIENT_SECRETS_UNREADABLE: ExitCode.clientConfiguration,
  STRATEGY_CONTRACT_VIOLATION: ExitCode.internal,
  STRATEGY_FAILED: ExitCode.authorizationNotCompleted,
  AUTHORIZATION_DENIED: ExitCode.authorizationNotCompleted,
  AUTHORIZATION_FAILED: ExitCode.authorizationNotCompleted,
  AUTHORIZATION_CANCELLED: ExitCode.interrupted,
  AUTHORIZATION_TIMED_OUT: ExitCode.authorizationNotCompleted,
  INVALID_CALLBACK: ExitCode.authorizationNotCompleted,
  SCOPES_NOT_GRANTED: ExitCode.authorizationNotCompleted,
  TOKEN_REQUEST_FAILED: ExitCode.network,
  REAUTHENTICATION_REQUIRED: ExitCode.reauthenticationRequired,
  CLOCK_SKEW: ExitCode.authorizationNotCompleted,
  NETWORK_ERROR: ExitCode.network,
  INVALID_CREDENTIALS_FILE: ExitCode.localStorage,
  TOKEN_STORE_ERROR: ExitCode.localStorage,
};

export function exitCodeOf(error: InstalledOAuthError): ExitCodeValue {
  // A refused client ID or secret is a configuration problem, not a network one.
  if (error.code === 'TOKEN_REQUEST_FAILED' && error.details.error === 'invalid_client')
    return ExitCode.clientConfiguration;
  // Another client's credentials file: a file to deal with, not a sign-in that expired.
  if (error.code === 'REAUTHENTICATION_REQUIRED' && error.details.reason === 'another-client')
    return ExitCode.localStorage;
  return EXIT_BY_CODE[error.code] ?? ExitCode.internal;
}

export function hintOf(error: InstalledOAuthError): string | undefined {
  if (error.code === 'CLIENT_SECRETS_UNREADABLE' && /no such file/.test(error.message))
    return 'Download the JSON of a "Desktop app" OAuth client from the Google Cloud console (APIs & Services › Credentials) as client_secret.json here, or give its path with --client-secrets <path> (or DRIVE_CLI_CLIENT_SECRETS). If Google showed no JSON to download, run drive-cli init, which asks for the client ID and secret (or set DRIVE_CLI_CLIENT_ID and DRIVE_CLI_CLIENT_SECRET).';
  // Nothing was stored or revoked (core never revokes a partial grant: Google keeps one grant
  // per account and client, shared with every other sign-in of that account).
  if (error.code === 'SCOPES_NOT_GRANTED')
    return 'drive-cli needs it to list your files. Nothing stored here changed: run drive-cli login again and leave that box ticked.';
  // drive-cli added the system's certificates already (Node ≥ 22.19): they did not include it.
  if (error.details.reason === 'untrusted-certificate' && systemCertificatesAdded())
    return "drive-cli already trusts the operating system's certificates here, and your company's root certificate is not among them: set NODE_EXTRA_CA_CERTS to it (a PEM file), or ask IT to install it in the system's store.";
  if (error.code === 'INVALID_CLIENT_SECRETS' && error.details.reason === 'other-endpoint')
    return 'Use the client_secret.json this account signed in with. If you downloaded it again on purpose, run drive-cli login to replace the credentials.';
  return error.hint;
}

function stackOf(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    // Stacks and messages only: error objects of HTTP clients carry request headers.
    lines.push(
      depth === 0
        ? String((current as Error).stack ?? current)
        : `caused by: ${String((current as Error).stack ?? current)}`,
    );
    current = (current as { cause?: unknown }).cause;
  }
  return lines.join('\n');
}

/**
 * The one place errors become output: one line saying what is wrong, one with what to do,
 * the documented exit code; stacks only with --debug or DEBUG; a bug-report request for the
 * unexpected.
 */
export function reportError(error: unknown, io: Io, debug: boolean): ExitCodeValue {
  let exitCode: ExitCodeValue;
  let message: string;
  let hint: string | undefined;
  if (error instanceof CliError) {
    ({ exitCode, message, hint } = error);
  } else if (error instanceof InstalledOAuthError) {
    exitCode = exitCodeOf(error);
    message = error.message;
    hint = hintOf(error);
  } else {
    exitCode = ExitCode.internal;
    message = `Unexpected error: ${(error as Error)?.message ?? String(error)}`;
    hint = `This is a bug in drive-cli. Please report it at ${BUG_REPORT_URL} with the output of the same command run with --debug.`;
  }
  // Messages carry paths and words from elsewhere: nothing in them may drive the terminal.
  io.stderr.write(`drive-cli: ${neutraliseLines(message)}\n`);
  if (hint) io.stderr.write(`  ${neutraliseLines(hint)}\n`);
  if (debug) io.stderr.write(`\n${stackOf(error)}\n`);
  return exitCode;
}
