import { Command, CommanderError, Option } from 'commander';
import * as commands from './commands.js';
import { reportError } from './error-boundary.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { Io } from './io.js';
import { type RawOptions, resolveSettings } from './settings.js';

const HELP_FOOTER = `
Environment:
  DRIVE_CLI_CLIENT_SECRETS       default for --client-secrets
  DRIVE_CLI_CONFIG_DIR           default for --config-dir
  BROWSER                        command that opens the sign-in link (run without a shell, URL last)
  OAUTHLIB_INSECURE_TRANSPORT=1  allow http:// endpoints on loopback hosts only (tests, sandbox)
  DRIVE_CLI_API_ROOT             Drive API root URL (default https://www.googleapis.com/)
  HTTPS_PROXY, HTTP_PROXY        proxy for the requests to Google; NO_PROXY: hosts that bypass it
  DEBUG                          any value: print stacks on errors, like --debug

Exit codes:
  0 ok  1 internal error  2 usage  3 client configuration invalid
  4 authorization not completed (denied, timed out, bad paste)  5 sign in again
  6 network or server error  7 local storage error  130 interrupted

Credentials are stored in <config-dir>/credentials.json (mode 0600), in the "authorized_user"
format that Google's client libraries read. Progress and the sign-in link go to stderr;
results go to stdout.`;

/** The package's version, written into the bundle by scripts/build.mjs. */
declare const DRIVE_CLI_VERSION: string;

function addCommonOptions(command: Command): Command {
  return command
    .option(
      '--client-secrets <path>',
      'client_secret.json of a "Desktop app" OAuth client (default: $DRIVE_CLI_CLIENT_SECRETS, else ./client_secret.json)',
    )
    .option(
      '--config-dir <dir>',
      'where credentials are kept (default: $DRIVE_CLI_CONFIG_DIR, else the platform config folder)',
    )
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
    .option(
      '--host <host>',
      'loopback receiver host: 127.0.0.1, ::1 or localhost (default 127.0.0.1)',
    )
    .option('--port <n>', 'loopback receiver port (default 0: any free port)')
    .option('--timeout <seconds>', 'how long to wait for the sign-in (default 300)')
    .option('--json', 'machine-readable output on stdout')
    .option('--debug', 'print stack traces on errors');
}

type Action = (settings: ReturnType<typeof resolveSettings>, io: Io) => Promise<void>;

/** Runs drive-cli with `argv` (without "node drive-cli") and returns the exit code. */
export async function run(argv: string[], io: Io): Promise<ExitCodeValue> {
  let debug = Boolean(io.env.DEBUG) || argv.includes('--debug');
  let action: Action | undefined;
  let raw: RawOptions = {};
  const program = new Command('drive-cli')
    .description(
      'List your most recently modified Google Drive files, signing in with the OAuth 2.0 installed-app flow.',
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
    extra?: (command: Command) => Command,
    isDefault = false,
  ) => {
    let command = addCommonOptions(program.command(name, { isDefault }).description(description));
    if (extra) command = extra(command);
    command.addHelpText('after', HELP_FOOTER).action((options: RawOptions) => {
      raw = options;
      action = run;
    });
  };
  define(
    'ls',
    'list your most recently modified files (Drive files.list); signs in first if needed',
    commands.ls,
    (command) =>
      command
        .option('--limit <n>', 'how many files (default 5)')
        .option('--order-by <expr>', 'Drive orderBy expression (default "modifiedByMeTime desc")'),
    true,
  );
  define('login', 'sign in in the browser and store the credentials', commands.login);
  define(
    'logout',
    'revoke the sign-in at Google and delete the stored credentials',
    commands.logout,
  );
  define(
    'status',
    'show the account, scopes, token expiry and where credentials live (never a secret)',
    commands.status,
  );
  define('token', 'print a valid access token on stdout, refreshing it if needed', commands.token);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    return reportError(error, io, debug);
  }
  if (!action) return ExitCode.ok;
  debug ||= raw.debug === true;
  try {
    await action(resolveSettings(raw, io.env, io.cwd), io);
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, io, debug);
  }
}
