import { isInstalledOAuthError } from '@installed-oauth/core';
import type { Command } from 'commander';
import type { Context } from '../context.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { nameOf, neutralise, say } from '../terminal-text.js';
import { defineCommand } from './command.js';

export interface SwitchOptions {
  /** The e-mail address (or id) of a signed-in account. */
  target: string;
}

/** `drive-cli switch <account>`: make another signed-in account the active one. */
export async function run(context: Context, options: SwitchOptions): Promise<void> {
  let account: Awaited<ReturnType<Context['app']['switchAccount']>>;
  try {
    account = await context.app.switchAccount(options.target);
  } catch (error) {
    if (!isInstalledOAuthError(error, 'REAUTHENTICATION_REQUIRED')) throw error;
    throw new CliError(
      ExitCode.reauthenticationRequired,
      `Not signed in as ${neutralise(options.target)}.`,
      'Run drive-cli login to sign in to that account; drive-cli status lists the signed-in ones.',
    );
  }
  say(context.io, `${nameOf(account)} is now the active account.`);
}

export const switchCommand = defineCommand({
  name: 'switch',
  description: 'make another signed-in account the active one',
  configure: (command: Command) =>
    command.argument('<email>', 'the e-mail address of a signed-in account'),
  options: (_raw, [target]) => ({ target: String(target) }),
  run,
});
