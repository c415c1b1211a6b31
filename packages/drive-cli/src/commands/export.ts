import { fchmodSync, fstatSync } from 'node:fs';
import { toAuthorizedUserJson } from '@installed-oauth/core';
import { getCredentials } from '../accounts.js';
import type { Context } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { Io } from '../io.js';
import { safeJson } from '../terminal-text.js';
import { accountOption, defineCommand } from './command.js';

/**
 * Refuses a terminal on stdout, where the refresh token would stay in the scrollback: checked
 * before anything is opened.
 */
function notOntoATerminal(_raw: unknown, _args: string[], io: Io): undefined {
  if (io.stdout.isTTY) {
    throw new CliError(
      ExitCode.usage,
      'drive-cli export prints a refresh token; it does not print it onto a terminal.',
      'Redirect it to a file of your own: drive-cli export > credentials.json (made readable by you alone).',
    );
  }
  return undefined;
}

/**
 * `drive-cli export`: one account as the "authorized_user" JSON that Google's libraries and
 * gcloud read, on stdout.
 */
export async function run(context: Context): Promise<void> {
  const { account } = await getCredentials(context, { signInIfNeeded: false });
  const json = toAuthorizedUserJson(account.credentials, context.clientSecrets);
  privateIfFile(context.io.stdout);
  context.io.stdout.write(`${safeJson(json)}\n`);
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

export const exportCommand = defineCommand({
  name: 'export',
  description:
    'print an account as "authorized_user" JSON, for Google\'s libraries and gcloud (redirect it to a file)',
  configure: accountOption,
  options: notOntoATerminal,
  run,
});
