import { Command, CommanderError } from 'commander';
import type { CommandDefinition } from './commands/command.js';
import { doctor } from './commands/doctor.js';
import { exportCommand } from './commands/export.js';
import { init } from './commands/init.js';
import { login } from './commands/login.js';
import { logout } from './commands/logout.js';
import { ls } from './commands/ls.js';
import { migrate } from './commands/migrate.js';
import { status } from './commands/status.js';
import { switchCommand } from './commands/switch.js';
import { token } from './commands/token.js';
import { openContext } from './context.js';
import { reportError } from './error-boundary.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { Io } from './io.js';
import { type RawOptions, resolveSettings } from './settings.js';

const HELP_FOOTER = `
Environment:
  DRIVE_CLI_CLIENT_SECRETS       default for --client-secrets
  DRIVE_CLI_CLIENT_ID, DRIVE_CLI_CLIENT_SECRET
                                 the client as values, when Google showed no JSON to download
                                 (never on the command line, where other users can see it)
  DRIVE_CLI_CONFIG_DIR           default for --config-dir
  DRIVE_CLI_ACCOUNT              default for --account
  DRIVE_CLI_INSECURE_STORAGE=1   like --insecure-storage: keep new sign-ins in files, not the keyring
  DRIVE_CLI_NO_INPUT=1           like --no-input; CI=true implies it (DRIVE_CLI_NO_INPUT=0 undoes that)
  BROWSER                        command that opens the sign-in link (run without a shell, URL last)
  DRIVE_CLI_SANDBOX=1            allow http:// endpoints on one loopback origin, 127.0.0.1 or [::1]
                                 only (tests, the sandbox); OAUTHLIB_INSECURE_TRANSPORT does nothing
  DRIVE_CLI_API_ROOT             Drive API root URL (default https://www.googleapis.com/)
  HTTPS_PROXY, HTTP_PROXY        proxy for the requests to Google; NO_PROXY: hosts that bypass it
  DEBUG                          any value: print stacks on errors, like --debug

Exit codes:
  0 ok  1 internal error  2 usage  3 client configuration invalid
  4 authorization not completed (denied, timed out, bad paste)  5 sign in again
  6 network or server error  7 local storage error  130 interrupted

Each signed-in account's tokens are kept in the operating system's keyring (macOS Keychain,
Windows Credential Manager, the Secret Service on Linux) when one works, with what is not secret
in <config-dir>/accounts/<account id>.json; without a keyring, or with --insecure-storage, the
whole "authorized_user" file that Google's libraries read is kept there (mode 0600). Progress and
the sign-in link go to stderr; results go to stdout.`;

const COMMAND_FOOTER = '\nRun drive-cli --help for the environment variables and exit codes.';

/** The package's version, written into the bundle by scripts/build.mjs. */
declare const DRIVE_CLI_VERSION: string;

/** Options of drive-cli itself rather than of a command. */
const TOP_LEVEL = ['-h', '--help', '-V', '--version'];

/** Options every command takes. */
function fileOptions(command: Command): Command {
  return command
    .option(
      '--client-secrets <path>',
      'client_secret.json of a "Desktop app" OAuth client (default: $DRIVE_CLI_CLIENT_SECRETS, else ./client_secret.json)',
    )
    .option(
      '--config-dir <dir>',
      'where accounts are kept (default: $DRIVE_CLI_CONFIG_DIR, else the platform config folder)',
    )
    .option('--debug', 'print stack traces on errors');
}

/** The commands, in the order `drive-cli --help` lists them. */
const COMMANDS = [
  ls,
  login,
  switchCommand,
  logout,
  status,
  doctor,
  init,
  token,
  migrate,
  exportCommand,
];

/** Runs drive-cli with `argv` (without "node drive-cli") and returns the exit code. */
export async function run(argv: string[], io: Io): Promise<ExitCodeValue> {
  let debug = Boolean(io.env.DEBUG) || argv.includes('--debug');
  // No command word: `ls`, the default. (Commander's own default command would swallow an
  // unknown command as an argument of ls; this way it is refused, with a suggestion.)
  const first = argv[0];
  const bare = first === undefined || (first.startsWith('-') && !TOP_LEVEL.includes(first));
  const args = bare ? ['ls', ...argv] : argv;
  let chosen: { command: CommandDefinition<unknown>; args: string[] } | undefined;
  let raw: RawOptions = {};
  const program = new Command('drive-cli')
    .description(
      'List your most recently modified Google Drive files, signing in with the OAuth 2.0 installed-app flow. Several Google accounts can be signed in; commands act as the active one.',
    )
    .version(DRIVE_CLI_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addHelpText('after', HELP_FOOTER)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`drive-cli: ${text.replace(/^error: /, '')}`),
    })
    .showSuggestionAfterError(true);

  for (const definition of COMMANDS) {
    fileOptions(definition.configure(program.command(definition.name)))
      .description(definition.description)
      .addHelpText('after', COMMAND_FOOTER)
      .action((...args: unknown[]) => {
        // Commander passes the positional arguments, then the options, then the command.
        raw = args[args.length - 2] as RawOptions;
        chosen = { command: definition, args: args.slice(0, -2) as string[] };
      });
  }

  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.unknownCommand')
        io.stderr.write('  Run drive-cli --help for the commands.\n');
      if (error.code === 'commander.unknownOption')
        io.stderr.write(`  Run drive-cli ${args[0]} --help for its options.\n`);
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    return reportError(error, io, debug);
  }
  if (!chosen) return ExitCode.ok;
  debug ||= raw.debug === true;
  try {
    const { command, args: commandArgs } = chosen;
    const settings = resolveSettings(raw, io.env, io.cwd, io.platform);
    const options = command.options(raw, commandArgs, io);
    if (command.runBeforeContext) await command.runBeforeContext(settings, io, options);
    else await command.run?.(await openContext(settings, io, command.open), options);
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, io, debug);
  }
}
