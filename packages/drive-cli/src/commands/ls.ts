import type { Command } from 'commander';
import { getCredentials } from '../accounts.js';
import type { Context } from '../context.js';
import { listFiles, TokenRejected } from '../drive.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { formatFiles } from '../output.js';
import { type RawOptions, wholeNumber } from '../settings.js';
import { signedInLine } from '../sign-in.js';
import { safeJson, say } from '../terminal-text.js';
import { accountOption, defineCommand, jsonOption, signInOptions } from './command.js';

export interface LsOptions {
  /** How many files (--limit, default 5). */
  limit: number;
  /** Drive's orderBy (--order-by, default "modifiedByMeTime desc"). */
  orderBy: string;
  json: boolean;
}

export function lsOptions(raw: RawOptions): LsOptions {
  return {
    limit: wholeNumber('--limit', raw.limit, 5, 1, 100_000),
    orderBy: raw.orderBy ?? 'modifiedByMeTime desc',
    json: raw.json === true,
  };
}

/** `drive-cli ls`: the files most recently modified by the user (signing in first if needed). */
export async function run(context: Context, options: LsOptions): Promise<void> {
  const { settings, io } = context;
  let { account, signedIn } = await getCredentials(context, { signInIfNeeded: true });
  if (signedIn) say(io, await signedInLine(context, account));
  const request = {
    apiRoot: settings.apiRoot,
    limit: options.limit,
    orderBy: options.orderBy,
    fetch: context.fetch,
  };
  let list: Awaited<ReturnType<typeof listFiles>>;
  try {
    list = await listFiles({ ...request, accessToken: account.credentials.accessToken });
  } catch (error) {
    if (!(error instanceof TokenRejected)) throw error;
    // The token was refused before its expiry (revoked, clock skew): refresh once and retry.
    ({ account } = await getCredentials(context, { signInIfNeeded: false, forceRefresh: true }));
    try {
      list = await listFiles({ ...request, accessToken: account.credentials.accessToken });
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
    options.json
      ? `${safeJson(list)}\n`
      : formatFiles(list, { terminal: Boolean(io.stdout.isTTY) }),
  );
}

export const ls = defineCommand({
  name: 'ls',
  description: '(default) list your most recently modified files; signs in first if no account is',
  configure: (command: Command) =>
    signInOptions(
      jsonOption(
        accountOption(
          command
            .option('--limit <n>', 'how many files (default 5; more than 1000 takes several pages)')
            .option(
              '--order-by <expr>',
              'Drive orderBy expression (default "modifiedByMeTime desc")',
            ),
        ),
      ),
    ),
  options: lsOptions,
  run,
});
