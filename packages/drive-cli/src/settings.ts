import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { isLoopbackHost } from '@installed-oauth/core';
import { defaultConfigDir, formerMacConfigDir } from './config-folder.js';
import { driveApiRoot } from './endpoints.js';
import { usage } from './exit-codes.js';
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
  force?: boolean;
  insecureStorage?: boolean;
  /** Commander's `--no-input`. */
  input?: boolean;
}

/** What every command shares: where things are, which client and account, how to sign in. */
export interface Settings {
  /** macOS: where drive-cli 1.0 kept the default folder; moved to `configDir` once. */
  formerConfigDir: string | undefined;
  clientSecretsPath: string;
  /** Whether --client-secrets or DRIVE_CLI_CLIENT_SECRETS named the file (else the default). */
  clientSecretsGiven: boolean;
  /** Where `drive-cli init` saves the client: read when no client file is named or found here. */
  savedClientPath: string;
  /**
   * DRIVE_CLI_CLIENT_ID and DRIVE_CLI_CLIENT_SECRET, when either is set and --client-secrets is
   * not given: the client as values, for when Google showed no JSON to download.
   */
  clientValues: { clientId: string; clientSecret: string } | undefined;
  configDir: string;
  /** One `authorized_user` file per account, named after the account's id. */
  accountsDir: string;
  /** Where drive-cli 0.x kept its one account; taken over on first use. */
  legacyCredentialsPath: string;
  /** --account or DRIVE_CLI_ACCOUNT: act as this account instead of the active one. */
  account: string | undefined;
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
}

/** `text` as a whole number from `min` to `max`; `fallback` when not given. */
export function wholeNumber(
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

  const apiRoot = driveApiRoot(env.DRIVE_CLI_API_ROOT || DEFAULT_API_ROOT, allowInsecureTransport);

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
    clientSecretsGiven: (options.clientSecrets ?? env.DRIVE_CLI_CLIENT_SECRETS) !== undefined,
    savedClientPath: join(configDir, 'client_secret.json'),
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
    legacyCredentialsPath: join(configDir, 'credentials.json'),
    account: accountOption(options.account ?? env.DRIVE_CLI_ACCOUNT),
    allowInsecureTransport,
    insecureStorage,
    apiRoot,
    redirect,
    openBrowser: options.browser !== false,
    host,
    port: wholeNumber('--port', options.port, 0, 0, 65535),
    timeoutSeconds,
  };
}
