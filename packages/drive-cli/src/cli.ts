import { Command, CommanderError, Option } from 'commander';
import * as commands from './commands.js';
import { reportError } from './error-boundary.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { Io } from './io.js';
import { type RawOptions, resolveSettings, type Settings } from './settings.js';

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

function signInOptions(command: Command): Command {
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
    .option('--timeout <seconds>', 'how long to wait for the sign-in (default 300)')
    .option(
      '--insecure-storage',
      'keep a new sign-in in a file (mode 0600) instead of the OS keyring (default: $DRIVE_CLI_INSECURE_STORAGE)',
    )
    .option(
      '--no-input',
      'never prompt or start a sign-in that needs a person: fail at once instead (default: $DRIVE_CLI_NO_INPUT, on when CI is set)',
    );
}

const accountOption = (command: Command) =>
  command.option(
    '--account <email>',
    'act as this signed-in account instead of the active one (default: $DRIVE_CLI_ACCOUNT)',
  );
const jsonOption = (command: Command) =>
  command.option('--json', 'machine-readable output on stdout');

type Action = (settings: Settings, io: Io, ...args: string[]) => Promise<void>;

/** Runs drive-cli with `argv` (without "node drive-cli") and returns the exit code. */
export async function run(argv: string[], io: Io): Promise<ExitCodeValue> {
  let debug = Boolean(io.env.DEBUG) || argv.includes('--debug');
  // No command word: `ls`, the default. (Commander's own default command would swallow an
  // unknown command as an argument of ls; this way it is refused, with a suggestion.)
  const first = argv[0];
  const bare = first === undefined || (first.startsWith('-') && !TOP_LEVEL.includes(first));
  const args = bare ? ['ls', ...argv] : argv;
  let action: Action | undefined;
  let actionArgs: string[] = [];
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

  const define = (
    name: string,
    description: string,
    run: Action,
    options: ((command: Command) => Command)[],
  ) => {
    let command = program.command(name).description(description);
    for (const add of [...options, fileOptions]) command = add(command);
    command.addHelpText('after', COMMAND_FOOTER).action((...args: unknown[]) => {
      // Commander passes the positional arguments, then the options, then the command.
      raw = args[args.length - 2] as RawOptions;
      actionArgs = args.slice(0, -2) as string[];
      action = run;
    });
    return command;
  };
  define(
    'ls',
    '(default) list your most recently modified files; signs in first if no account is',
    commands.ls,
    [
      (command) =>
        command
          .option('--limit <n>', 'how many files (default 5; more than 1000 takes several pages)')
          .option(
            '--order-by <expr>',
            'Drive orderBy expression (default "modifiedByMeTime desc")',
          ),
      accountOption,
      jsonOption,
      signInOptions,
    ],
  );
  define(
    'login',
    'sign in in the browser; adds the account (or renews it) and makes it the active one',
    commands.login,
    [signInOptions],
  );
  define(
    'switch',
    'make another signed-in account the active one',
    (settings, io, target) => commands.switchAccount(settings, io, String(target)),
    [(command) => command.argument('<email>', 'the e-mail address of a signed-in account')],
  );
  define(
    'logout',
    'revoke the sign-in at Google and delete it here: the active account, --account, or --all',
    commands.logout,
    [accountOption, (command) => command.option('--all', 'every signed-in account')],
  );
  define(
    'status',
    'every signed-in account, the active one marked: e-mail, scopes, expiry, where it is stored; checked with Google unless --offline',
    commands.status,
    [
      accountOption,
      jsonOption,
      (command) => command.option('--offline', 'do not ask Google whether the sign-ins are valid'),
    ],
  );
  define('token', 'print a valid access token on stdout, refreshing it if needed', commands.token, [
    accountOption,
  ]);
  define(
    'migrate',
    'move accounts kept in files into the OS keyring (all of them, or --account)',
    commands.migrate,
    [accountOption],
  );
  define(
    'export',
    'print an account as "authorized_user" JSON, for Google\'s libraries and gcloud (redirect it to a file)',
    commands.exportAccount,
    [accountOption],
  );

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
  if (!action) return ExitCode.ok;
  debug ||= raw.debug === true;
  try {
    await action(resolveSettings(raw, io.env, io.cwd, io.platform), io, ...actionArgs);
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, io, debug);
  }
}
