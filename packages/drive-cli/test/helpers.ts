import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accountIdOf, consentAgentPath, type Sandbox } from '@installed-oauth/sandbox';
import { baseEnvironment, guardChild, pseudoTerminal } from '@installed-oauth/test-support';

export const cliPath = fileURLToPath(new URL('../dist/bin/drive-cli.js', import.meta.url));

/** A BROWSER command that starts, opens nothing and exits 0, on every platform. */
export const BROWSER_THAT_OPENS_NOTHING = `"${process.execPath}" -e ""`;

/** A BROWSER command that starts and exits 1, on every platform. */
export const BROWSER_THAT_FAILS = `"${process.execPath}" -e "process.exit(1)"`;

export interface CliRun {
  child: ChildProcess;
  /** Resolves when stderr matches (on a terminal: when the terminal's output does). */
  waitForStderr(pattern: RegExp): Promise<RegExpMatchArray>;
  done: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
}

/** Starts the built drive-cli as a child process, as a user's shell would. */
export function startCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { stdin?: 'pipe' | 'ignore'; cwd?: string; terminal?: boolean } = {},
): CliRun {
  if (options.terminal && pseudoTerminal.missing) {
    throw new Error(
      `startCli(…, { terminal: true }): mark the test itWith(pseudoTerminal); it ${pseudoTerminal.missing}`,
    );
  }
  const command = [process.execPath, cliPath, ...args];
  // On a terminal: util-linux `script` gives the CLI a real pseudo-terminal for stdin, stdout
  // and stderr (both then arrive here on stdout, with \r\n line ends).
  const [file, ...argv] = options.terminal
    ? ['script', '--quiet', '--return', '--command', command.map(shellQuote).join(' '), '/dev/null']
    : command;
  const child = spawn(file ?? '', argv, {
    env: options.terminal ? { ...env, SHELL: '/bin/sh' } : env,
    cwd: options.cwd,
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let closed = false;
  const waiters: {
    pattern: RegExp;
    resolve: (match: RegExpMatchArray) => void;
    reject: (error: Error) => void;
  }[] = [];
  const watched = () => (options.terminal ? stdout : stderr);
  const wakeWaiters = () => {
    for (const waiter of [...waiters]) {
      const match = watched().match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
    if (options.terminal) wakeWaiters();
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
    wakeWaiters();
  });
  guardChild(child);
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => {
    child.once('close', (code, signal) => {
      closed = true;
      // Whatever was awaited will not come now: fail at once, showing what did come.
      for (const waiter of waiters.splice(0)) {
        waiter.reject(
          new Error(
            `drive-cli exited (${code ?? signal}) before printing ${waiter.pattern}; it printed:\n${watched()}`,
          ),
        );
      }
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    done,
    waitForStderr(pattern) {
      const match = watched().match(pattern);
      if (match) return Promise.resolve(match);
      if (closed)
        return Promise.reject(new Error(`drive-cli had exited before printing ${pattern}`));
      return new Promise((resolve, reject) => waiters.push({ pattern, resolve, reject }));
    },
  };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, options: { cwd?: string } = {}) {
  return startCli(args, env, options).done;
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The environment the demo uses: the sandbox's client, API root, consent agent as browser. */
export async function sandboxEnv(
  sandbox: Sandbox,
  extra: NodeJS.ProcessEnv = {},
): Promise<NodeJS.ProcessEnv> {
  const folder = await mkdtemp(join(tmpdir(), 'drive-cli-test-'));
  const configDir = join(folder, 'config');
  return {
    ...baseEnvironment(),
    // Node ≥ 22.1 keeps drive-cli's compile cache there; not in the tester's own home.
    XDG_CACHE_HOME: join(folder, 'cache'),
    // Files, whatever keyring the machine has (test/keyring.test.ts tests the keyring).
    DRIVE_CLI_INSECURE_STORAGE: '1',
    TZ: 'UTC',
    DRIVE_CLI_CLIENT_SECRETS: sandbox.clientSecretsPath,
    DRIVE_CLI_CONFIG_DIR: configDir,
    DRIVE_CLI_API_ROOT: sandbox.driveApiRoot,
    DRIVE_CLI_SANDBOX: '1',
    BROWSER: `"${process.execPath}" "${consentAgentPath}"`,
    ...extra,
  };
}

/**
 * An environment made by {@link sandboxEnv} with the sandbox taken away again: no client file,
 * no sandbox switch, Google's Drive API, as a user runs drive-cli against Google. `extra` adds
 * the client (as values) and whatever else the test needs.
 */
export async function googleEnv(
  sandbox: Sandbox,
  extra: NodeJS.ProcessEnv,
): Promise<NodeJS.ProcessEnv> {
  const {
    DRIVE_CLI_CLIENT_SECRETS: _file,
    DRIVE_CLI_SANDBOX: _sandbox,
    DRIVE_CLI_API_ROOT: _root,
    ...env
  } = await sandboxEnv(sandbox);
  return { ...env, ...extra };
}

/** Fails if any secret appears in the text. */
export function expectNoSecret(text: string, secrets: (string | undefined)[]): void {
  for (const secret of secrets) {
    if (secret && text.includes(secret))
      throw new Error(`a secret leaked into the output: …${text.slice(0, 120)}…`);
  }
}

/** The sandbox's default user, as its consent page fills it in. */
export const SANDBOX_USER = 'sandbox.user@example.com';

/**
 * Where drive-cli keeps an account's credentials in an environment made by {@link sandboxEnv}:
 * named after the account id (numeric, as Google's are), not the address.
 */
export function credentialsPath(env: NodeJS.ProcessEnv, email = SANDBOX_USER): string {
  return join(env.DRIVE_CLI_CONFIG_DIR ?? '', 'accounts', `${accountIdOf(email)}.json`);
}

/** Where drive-cli 0.x kept its one account. */
export function legacyCredentialsPath(env: NodeJS.ProcessEnv): string {
  return join(env.DRIVE_CLI_CONFIG_DIR ?? '', 'credentials.json');
}

/** The stored credentials file, parsed. */
export async function readStored(env: NodeJS.ProcessEnv) {
  return JSON.parse(await readFile(credentialsPath(env), 'utf8'));
}

/** Replaces the stored credentials file, as another program (or an older version) might. */
export function writeStored(env: NodeJS.ProcessEnv, json: object): Promise<void> {
  return writeFile(credentialsPath(env), JSON.stringify(json), { mode: 0o600 });
}

/** Marks the stored access token as expired a minute ago, so the next use refreshes it. */
export async function expireStoredToken(env: NodeJS.ProcessEnv): Promise<void> {
  const stored = await readStored(env);
  await writeStored(env, { ...stored, expiry: new Date(Date.now() - 60_000).toISOString() });
}

/** An environment already signed in with `drive-cli login` (the consent agent as browser). */
export async function signedInEnv(
  sandbox: Sandbox,
  extra: NodeJS.ProcessEnv = {},
): Promise<NodeJS.ProcessEnv> {
  const env = await sandboxEnv(sandbox, extra);
  const login = await runCli(['login'], env);
  if (login.code !== 0) throw new Error(`drive-cli login exited ${login.code}: ${login.stderr}`);
  return env;
}

export { revokeAtServer } from '@installed-oauth/test-support';
