import type { Command } from 'commander';
import { nameOfId, selectedAccount } from '../accounts.js';
import type { Context } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { endForeignSignIn } from '../foreign-sign-in.js';
import type { RawOptions } from '../settings.js';
import { neutralise, say } from '../terminal-text.js';
import { accountOption, defineCommand } from './command.js';

const PERMISSIONS_PAGE = 'https://myaccount.google.com/permissions';

const SIGNED_OUT = {
  revoked: (name: string, path: string) =>
    `Signed out of ${name}: access revoked and ${path} deleted.`,
  'already-invalid': (name: string, path: string) =>
    `The server had already ended the sign-in of ${name}. Deleted ${path}.`,
  'not-attempted': (_name: string, path: string) =>
    `Deleted the unusable ${path}; there was nothing in it to revoke.`,
};

export interface LogoutOptions {
  /** --all: every signed-in account, not only the selected one. */
  all: boolean;
}

/**
 * `drive-cli logout`: revoke at Google and delete here — the active account, --account, or
 * --all. Without a network the account is still deleted here, and the command says where to
 * end the grant at Google, and exits 6.
 */
export async function run(context: Context, options: LogoutOptions): Promise<void> {
  const { io } = context;
  const ids = options.all ? await context.store.accounts() : [await selectedAccount(context)];
  const targets = ids.filter((id): id is string => id !== undefined);
  if (targets.length === 0) {
    say(io, 'Not signed in; nothing to do.');
    return;
  }
  const activeBefore = await context.app.activeAccount();
  let unreachable: string | undefined;
  for (const id of targets) {
    const name = await nameOfId(context, id);
    const path = context.store.pathOf(id);
    const foreign = await endForeignSignIn(context, id);
    const signedOut = await context.app.signOut({ account: id });
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
  // Signing out of the active account makes the earliest remaining one active: say so.
  const activeAfter = await context.app.activeAccount();
  if (activeAfter !== undefined && activeAfter !== activeBefore)
    say(io, `${await nameOfId(context, activeAfter)} is now the active account.`);
  if (unreachable !== undefined) {
    throw new CliError(
      ExitCode.network,
      'Signed out here, but Google was not told.',
      `Remove drive-cli's access at ${PERMISSIONS_PAGE}, or run drive-cli logout again when online after signing in.`,
    );
  }
}

export const logout = defineCommand({
  name: 'logout',
  description:
    'revoke the sign-in at Google and delete it here: the active account, --account, or --all',
  configure: (command: Command) =>
    accountOption(command).option('--all', 'every signed-in account'),
  options: (raw: RawOptions): LogoutOptions => ({ all: raw.all === true }),
  run,
});
