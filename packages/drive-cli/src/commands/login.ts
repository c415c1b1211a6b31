import type { Context } from '../context.js';
import { moveAsideUnusableAccounts } from '../credential-files.js';
import { signedInLine, signIn } from '../sign-in.js';
import { nameOf, say } from '../terminal-text.js';
import { defineCommand, noOptions, signInOptions } from './command.js';

/** `drive-cli login`: a browser sign-in; adds the account (or renews it) and makes it active. */
export async function run(context: Context): Promise<void> {
  await moveAsideUnusableAccounts(context);
  const account = await signIn(context);
  say(context.io, await signedInLine(context, account));
  const others = (await context.store.accounts()).filter((id) => id !== account.id);
  if (others.length > 0) say(context.io, `${nameOf(account)} is now the active account.`);
}

export const login = defineCommand({
  name: 'login',
  description:
    'sign in in the browser; adds the account (or renews it) and makes it the active one',
  configure: signInOptions,
  options: noOptions,
  open: { replaceUnusableLegacyFile: true },
  run,
});
