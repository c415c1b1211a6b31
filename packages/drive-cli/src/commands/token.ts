import { getCredentials } from '../accounts.js';
import type { Context } from '../context.js';
import { accountOption, defineCommand, noOptions } from './command.js';

/** `drive-cli token`: a valid access token on stdout, for scripts. */
export async function run(context: Context): Promise<void> {
  const { account } = await getCredentials(context, { signInIfNeeded: false });
  context.io.stdout.write(`${account.credentials.accessToken}\n`);
}

export const token = defineCommand({
  name: 'token',
  description: 'print a valid access token on stdout, refreshing it if needed',
  configure: accountOption,
  options: noOptions,
  run,
});
