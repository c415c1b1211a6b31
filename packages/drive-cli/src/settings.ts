import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { isLoopbackHost } from '@installed-oauth/core';
import envPaths from 'env-paths';
import { LOOPBACK_LITERALS } from './endpoints.js';
import { CliError, ExitCode } from './exit-codes.js';
import { neutralise } from './terminal-text.js';

export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive.metadata.readonly';
/** openid and email let `status` name the account; Google adds no consent screen for them. */
export const SCOPES = [DRIVE_SCOPE, 'openid', 'email'];
export const DEFAULT_API_ROOT = 'https://www.googleapis.com/';

/** Options as commander hands them over (strings, booleans). */
export interface RawOptions {
  clientSecrets?: string;
  configDir?: string;
  /** Commander allows only these two (`.choices()`). */
  redirect?: 'loopback' | 'console';
  browser?: boolean;
  host?: string;
  port?: string;
  timeout?: string;
  limit?: string;
  orderBy?: string;
  json?: boolean;
  debug?: boolean;
  account?: string;
  all?: boolean;
  offline?: boolean;
  insecureStorage?: boolean;
  /** Commander's `--no-input`. */
  input?: boolean;
}

export interface Settings {
  /** macOS: where drive-cli 1.0 kept the default folder; moved to `configDir` once. */
  formerConfigDir: string | undefined;
  clientSecretsPath: string;
  /**
   * DRIVE_CLI_CLIENT_ID and DRIVE_CLI_CLIENT_SECRET, when either is set and --client-secrets is
   * not given: the client as values, for when Google showed no JSON to download.
   */
  clientValues: { clientId: string; clientSecret: string } | undefined;
  configDir: string;
  /** One `authorized_user` file per account, named after the account's id. */
  accountsDir: string;
  /** Which account is active: written by login and switch. */
  activeAccountPath: string;
  /** Where drive-cli 0.x kept its one account; taken over on first use. */
  legacyCredentialsPath: string;
  /** --account or DRIVE_CLI_ACCOUNT: act as this account instead of the active one. */
  account: string | undefined;
  /** logout --all */
  all: boolean;
  /** status --offline */
  offline: boolean;
  /** DRIVE_CLI_SANDBOX=1: http:// endpoints on one loopback origin, by IP literal (tests). */
  allowInsecureTransport: boolean;
  /** --insecure-storage or DRIVE_CLI_INSECURE_STORAGE: new sign-ins go to a file, not the keyring. */
  insecureStorage: boolean;
  /** --no-input, DRIVE_CLI_NO_INPUT=1, or CI: never prompt or start a sign-in. */
  noInput: boolean;
  apiRoot: string;
  redirect: 'loopback' | 'console';
  openBrowser: boolean;
  host: string;
  port: number;
  timeoutSeconds: number;
  limit: number;
  orderBy: string;
  json: boolean;
}

function usage(message: string, hint?: string): CliError {
  return new CliError(ExitCode.usage, message, hint ?? 'Run drive-cli --help for the options.');
}

function wholeNumber(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw usage(`${name} must be a whole number from ${min} to ${max}, got "${text}".`);
  }
  return Number(text);
}

/**
 * The receiver's address: an IP literal only. A name such as `localhost` resolves to one of
 * 127.0.0.1 and ::1, and another local user could take the same port on the other (RFC 8252
 * §8.3 prefers the literal).
 */
function loopbackHost(text: string): string {
  const host = text.replace(/^\[(.*)\]$/, '$1');
  if (host === '127.0.0.1' || host === '::1') return host;
  if (isLoopbackHost(host)) {
    throw usage(
      `--host ${neutralise(text)} names the loopback by name; give its address: 127.0.0.1 or ::1.`,
      'A name binds only one of 127.0.0.1 and ::1, and another program could take the same port on the other.',
    );
  }
  throw usage(`--host must be 127.0.0.1 or ::1, got "${neutralise(text)}".`);
}

/** Google's API hosts: www.googleapis.com, and the private. and restricted. VPC endpoints. */
function isGoogleApiHost(hostname: string): boolean {
  return hostname === 'googleapis.com' || hostname.endsWith('.googleapis.com');
}

function accountOption(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined;
  if (text.trim() === '' || /\p{Cc}/u.test(text))
    throw usage('--account must be the e-mail address of a signed-in account.');
  return text.trim();
}

const yes = (value: string | undefined) =>
  value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';

/**
 * DRIVE_CLI_NO_INPUT=1, or a CI system (which sets CI): nobody will answer a prompt or a
 * browser. DRIVE_CLI_NO_INPUT=0 says otherwise in a CI job that provides a browser itself.
 */
function noInputFrom(env: NodeJS.ProcessEnv): boolean {
  if (env.DRIVE_CLI_NO_INPUT !== undefined) return yes(env.DRIVE_CLI_NO_INPUT);
  return yes(env.CI);
}

/**
 * Where credentials live when nothing says otherwise: `$XDG_CONFIG_HOME/drive-cli`, else
 * `~/.config/drive-cli`, on Linux and on macOS (where command-line tools such as gh, git and
 * kubectl keep theirs; env-paths' `~/Library/Preferences` is for property lists), and
 * `%APPDATA%\drive-cli\Config` on Windows.
 */
export function defaultConfigDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'darwin') return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'drive-cli');
  return envPaths('drive-cli', { suffix: '' }).config;
}

/** Where drive-cli 1.0 kept its folder on macOS: moved from there once (see config-folder.ts). */
export function formerMacConfigDir(home: string = homedir()): string {
  return join(home, 'Library', 'Preferences', 'drive-cli');
}

export function resolveSettings(
  options: RawOptions,
  env: NodeJS.ProcessEnv,
  cwd: string,
  platform: NodeJS.Platform = process.platform,
): Settings {
  // drive-cli's own switch: Python's OAUTHLIB_INSECURE_TRANSPORT, which people keep exported,
  // changes nothing here.
  const allowInsecureTransport = env.DRIVE_CLI_SANDBOX === '1' || env.DRIVE_CLI_SANDBOX === 'true';
  const clientSecretsPath = resolve(
    cwd,
    options.clientSecrets ?? env.DRIVE_CLI_CLIENT_SECRETS ?? 'client_secret.json',
  );
  const configDirText = options.configDir ?? env.DRIVE_CLI_CONFIG_DIR;
  if (configDirText !== undefined && configDirText.trim() === '')
    throw usage('--config-dir must not be empty.');
  const configDir = configDirText
    ? isAbsolute(configDirText)
      ? configDirText
      : resolve(cwd, configDirText)
    : defaultConfigDir(platform, env, env.HOME || homedir());
  const formerConfigDir =
    !configDirText && platform === 'darwin' ? formerMacConfigDir(env.HOME || homedir()) : undefined;

  const apiRoot = env.DRIVE_CLI_API_ROOT || DEFAULT_API_ROOT;
  const apiUrl = URL.parse(apiRoot);
  const loopbackOk = allowInsecureTransport && LOOPBACK_LITERALS.has(apiUrl?.hostname ?? '');
  if (!apiUrl || (apiUrl.protocol !== 'https:' && !loopbackOk)) {
    throw usage(
      `DRIVE_CLI_API_ROOT must be an https URL, got "${neutralise(apiRoot)}".`,
      'Plain http is allowed only for 127.0.0.1 or [::1] with DRIVE_CLI_SANDBOX=1 (tests, the sandbox).',
    );
  }
  if (!loopbackOk && !isGoogleApiHost(apiUrl.hostname)) {
    throw usage(
      `DRIVE_CLI_API_ROOT must be on googleapis.com (the access token goes there), got "${neutralise(apiRoot)}".`,
      'Leave it unset for https://www.googleapis.com/; 127.0.0.1 and [::1] are allowed with DRIVE_CLI_SANDBOX=1 (tests, the sandbox).',
    );
  }

  const redirect = options.redirect ?? 'loopback';
  const host = loopbackHost(options.host ?? '127.0.0.1');
  const timeoutText = options.timeout;
  const timeoutSeconds = timeoutText === undefined ? 300 : Number(timeoutText);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw usage(`--timeout must be a positive number of seconds, got "${timeoutText}".`);
  }
  const insecureStorage =
    options.insecureStorage === true ||
    env.DRIVE_CLI_INSECURE_STORAGE === '1' ||
    env.DRIVE_CLI_INSECURE_STORAGE === 'true';

  const valuesGiven =
    env.DRIVE_CLI_CLIENT_ID !== undefined || env.DRIVE_CLI_CLIENT_SECRET !== undefined;
  return {
    formerConfigDir,
    clientSecretsPath,
    clientValues:
      options.clientSecrets === undefined && valuesGiven
        ? {
            clientId: env.DRIVE_CLI_CLIENT_ID ?? '',
            clientSecret: env.DRIVE_CLI_CLIENT_SECRET ?? '',
          }
        : undefined,
    configDir,
    noInput: options.input === false || noInputFrom(env),
    accountsDir: join(configDir, 'accounts'),
    activeAccountPath: join(configDir, 'active-account.json'),
    legacyCredentialsPath: join(configDir, 'credentials.json'),
    account: accountOption(options.account ?? env.DRIVE_CLI_ACCOUNT),
    all: options.all === true,
    offline: options.offline === true,
    allowInsecureTransport,
    insecureStorage,
    apiRoot: apiUrl.href,
    redirect,
    openBrowser: options.browser !== false,
    host,
    port: wholeNumber('--port', options.port, 0, 0, 65535),
    timeoutSeconds,
    limit: wholeNumber('--limit', options.limit, 5, 1, 100_000),
    orderBy: options.orderBy ?? 'modifiedByMeTime desc',
    json: options.json === true,
  };
}
