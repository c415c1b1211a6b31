import { keyringStatus } from '@installed-oauth/keyring-store';
import { accountNamed, nameOfId } from '../accounts.js';
import { type Context, KEYRING_SERVICE } from '../context.js';
import { storageWords } from '../credential-files.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { neutralise, say } from '../terminal-text.js';
import { accountOption, defineCommand, noOptions } from './command.js';

/**
 * `drive-cli migrate`: moves accounts kept in files into the OS keyring, on request only. The
 * keyring entry is written before the file loses its tokens, so a failure loses nothing.
 */
export async function run(context: Context): Promise<void> {
  const { settings, io, store } = context;
  const ids = settings.account
    ? [await accountNamed(context, settings.account)]
    : await store.accounts();
  const status = await keyringStatus({ service: KEYRING_SERVICE });
  if (!status.available) {
    throw new CliError(
      ExitCode.localStorage,
      `Cannot move the credentials into ${status.name}: ${neutralise(status.reason)}.`,
      status.hint,
    );
  }
  let moved = 0;
  await store.withLock(async () => {
    for (const id of ids) {
      if (!(await store.moveSecrets(id))) continue;
      moved++;
      const where = storageWords('keyring', store.pathOf(id));
      say(io, `Moved ${await nameOfId(context, id)} into ${where}.`);
    }
  });
  if (moved === 0) say(io, `Nothing to move: every account is already in ${status.name}.`);
}

export const migrate = defineCommand({
  name: 'migrate',
  description: 'move accounts kept in files into the OS keyring (all of them, or --account)',
  configure: accountOption,
  options: noOptions,
  run,
});
