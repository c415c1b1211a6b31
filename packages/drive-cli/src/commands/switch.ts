import type { Command } from 'commander';
import { accountNamed, nameOfId } from '../accounts.js';
import { writeActiveAccount } from '../active-account.js';
import type { Context } from '../context.js';
import { say } from '../terminal-text.js';
import { defineCommand } from './command.js';

export interface SwitchOptions {
  /** The e-mail address (or id) of a signed-in account. */
  target: string;
}

/** `drive-cli switch <account>`: make another signed-in account the active one. */
export async function run(context: Context, options: SwitchOptions): Promise<void> {
  const id = await accountNamed(context, options.target);
  await writeActiveAccount(context.settings, id);
  say(context.io, `${await nameOfId(context, id)} is now the active account.`);
}

export const switchCommand = defineCommand({
  name: 'switch',
  description: 'make another signed-in account the active one',
  configure: (command: Command) =>
    command.argument('<email>', 'the e-mail address of a signed-in account'),
  options: (_raw, [target]) => ({ target: String(target) }),
  run,
});
