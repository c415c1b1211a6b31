import { type Command, Option } from 'commander';
import type { Context, OpenOptions } from '../context.js';
import type { Io } from '../io.js';
import type { RawOptions, Settings } from '../settings.js';

/**
 * One drive-cli command, in its own file (gh's `pkg/cmd/auth/<name>` shape): how commander
 * shows it, the options only it reads, and what it does. `cli.ts` adds the options every
 * command shares, opens the context and runs it; tests call `run` with a context of their own.
 */
export interface CommandDefinition<Options> {
  name: string;
  description: string;
  /** Adds its own arguments and options. */
  configure(command: Command): Command;
  /** Its options, checked, from what commander parsed; a bad one throws a usage error. */
  options(raw: RawOptions, args: string[], io: Io): Options;
  /** How its context is opened (only `login` differs). */
  open?: OpenOptions;
  /** What it does, with the context opened. */
  run?(context: Context, options: Options): Promise<void>;
  /**
   * Instead of `run`, for a command that must work where no context can be opened (`doctor`,
   * which reports a missing client file rather than failing on it): the settings only.
   */
  runBeforeContext?(settings: Settings, io: Io, options: Options): Promise<void>;
}

/** A definition with its options' type checked, for the list in `cli.ts`. */
export function defineCommand<Options>(
  definition: CommandDefinition<Options>,
): CommandDefinition<unknown> {
  return definition as CommandDefinition<unknown>;
}

/** The options of every command that may sign in: how, where to, and whether at all. */
export function signInOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--redirect <kind>',
        'how the sign-in comes back: loopback (local receiver) or console (paste the address)',
      ).choices(['loopback', 'console']),
    )
    .option(
      '--no-browser',
      'do not open a browser: print the link and accept the browser redirect or a pasted address, whichever comes first',
    )
    .option('--host <host>', 'loopback receiver host: 127.0.0.1 or ::1 (default 127.0.0.1)')
    .option('--port <n>', 'loopback receiver port (default 0: any free port)')
    .option(
      '--timeout <seconds>',
      'how long the sign-in may take, code exchange included (default 300)',
    )
    .option(
      '--insecure-storage',
      'keep a new sign-in in a file (mode 0600) instead of the OS keyring (default: $DRIVE_CLI_INSECURE_STORAGE)',
    )
    .option(
      '--no-input',
      'never prompt or start a sign-in that needs a person: fail at once instead (default: $DRIVE_CLI_NO_INPUT, on when CI is set)',
    );
}

export function accountOption(command: Command): Command {
  return command.option(
    '--account <email>',
    'act as this signed-in account instead of the active one (default: $DRIVE_CLI_ACCOUNT)',
  );
}

export function jsonOption(command: Command): Command {
  return command.option('--json', 'machine-readable output on stdout');
}

/** For commands that take no options of their own. */
export const noOptions = (): undefined => undefined;
