import { lstat } from 'node:fs/promises';
import {
  CLOCK_OFF_LIMIT_SECONDS,
  type ClientSecrets,
  clockOffError,
  type FetchLike,
  InstalledOAuthError,
  untrustedCertificateError,
} from '@installed-oauth/core';
import { privateFolderProblem } from '@installed-oauth/core/node';
import { keyringStatus } from '@installed-oauth/keyring-store';
import { KEYRING_SERVICE, readClient } from './context.js';
import { exitCodeOf, hintOf } from './error-boundary.js';
import { CliError, ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { Io } from './io.js';
import { proxySettings } from './network.js';
import type { Settings } from './settings.js';
import { systemCertificatesAdded, systemCertificatesSupported } from './system-certificates.js';

/** One line of `drive-cli doctor`: what was checked, what was found, and what to do. */
export type Check = {
  name: string;
  detail: string;
  fix?: string | undefined;
} & (
  | { status: 'pass' | 'warn' }
  /** A failure carries the exit code drive-cli's other commands end with for it. */
  | { status: 'fail'; exitCode: ExitCodeValue }
);

export type Failure = Check & { status: 'fail' };

const pass = (name: string, detail: string): Check => ({ name, status: 'pass', detail });

/** A failure, in the words and with the exit code the other commands would use. */
export function failed(name: string, error: unknown): Check {
  if (error instanceof CliError)
    return {
      name,
      status: 'fail',
      detail: error.message,
      fix: error.hint,
      exitCode: error.exitCode,
    };
  if (error instanceof InstalledOAuthError)
    return {
      name,
      status: 'fail',
      detail: error.message,
      fix: hintOf(error),
      exitCode: exitCodeOf(error),
    };
  throw error;
}

/** The oldest Node drive-cli runs on: the `engines` range of its package.json. */
const MINIMUM_NODE = { major: 20, minor: 19 };

/** The Node version, and whether it can read the operating system's certificates. */
export async function checkNode(): Promise<Check> {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  const systemStore = (await systemCertificatesSupported())
    ? "the operating system's certificates are trusted when Node's own are not enough"
    : "this Node cannot read the operating system's certificates (22.19 / 24.5 and later can): behind a company proxy, set NODE_EXTRA_CA_CERTS";
  if (major > MINIMUM_NODE.major || (major === MINIMUM_NODE.major && minor >= MINIMUM_NODE.minor))
    return pass('Node.js', `${process.version}; ${systemStore}`);
  return {
    name: 'Node.js',
    status: 'fail',
    detail: `${process.version} is older than drive-cli needs (${MINIMUM_NODE.major}.${MINIMUM_NODE.minor}).`,
    fix: 'Install Node.js 22 or later (nodejs.org, or your package manager).',
    exitCode: ExitCode.internal,
  };
}

/** The config folder: there or not yet, and nobody else's to change (POSIX). */
export async function checkConfigFolder(settings: Settings, io: Io): Promise<Check> {
  const name = 'Config folder';
  const folder = settings.configDir;
  const info = await lstat(folder).catch(() => undefined);
  if (!info) return pass(name, `${folder} (created, mode 0700, at the first sign-in)`);
  const refuse = (detail: string, fix: string): Check => ({
    name,
    status: 'fail',
    detail,
    fix,
    exitCode: ExitCode.localStorage,
  });
  if (!info.isDirectory()) return refuse(`${folder} is not a folder.`, 'Move it away.');
  if (io.platform === 'win32')
    return pass(name, `${folder} (on Windows, owners and modes are not checked)`);
  // The rule the account store applies before every read, asked beforehand.
  const problem = await privateFolderProblem(folder);
  if (problem) return refuse(problem.message, problem.hint ?? '');
  return pass(name, `${folder}, yours, mode ${(info.mode & 0o777).toString(8)}`);
}

/** The client: found where, valid, and its endpoints Google's (or the sandbox's). */
export async function checkClient(
  settings: Settings,
): Promise<{ check: Check; clientSecrets?: ClientSecrets }> {
  const name = 'OAuth client';
  try {
    const { clientSecrets, source: from } = await readClient(settings);
    const whose = settings.allowInsecureTransport ? 'the sandbox (DRIVE_CLI_SANDBOX)' : "Google's";
    return {
      check: pass(name, `${from}: ${clientSecrets.clientId}, endpoints ${whose}`),
      clientSecrets,
    };
  } catch (error) {
    return { check: failed(name, error) };
  }
}

/** The keyring: works, or not (then new sign-ins go to files). */
export async function checkKeyring(settings: Settings): Promise<Check> {
  const name = 'Keyring';
  if (settings.insecureStorage)
    return pass(name, 'not used: new sign-ins are kept in files (--insecure-storage)');
  const status = await keyringStatus({ service: KEYRING_SERVICE });
  if (status.available) return pass(name, `${status.name} works`);
  return {
    name,
    status: 'warn',
    detail: `${status.name} is not available (${status.reason}): new sign-ins are kept in files (mode 0600).`,
    fix: status.hint,
  };
}

/** What asking an endpoint found: the check, and the server's Date with when it was asked. */
export interface Reached {
  check: Check;
  date?: { serverMs: number; localMs: number } | undefined;
}

/**
 * Whether `url` answers over HTTPS (any HTTP status will do): through the proxy drive-cli would
 * use, with the certificates it would trust.
 */
export async function checkReachable(
  name: string,
  url: string,
  send: FetchLike,
  options: { env: NodeJS.ProcessEnv; timeoutSeconds: number },
): Promise<Reached> {
  const { origin } = new URL(url);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutSeconds * 1000);
  const sentAt = Date.now();
  try {
    const response = await send(url, {
      method: 'GET',
      headers: {},
      body: undefined,
      redirect: 'manual',
      signal: controller.signal,
    });
    await response.body?.cancel();
    const receivedAt = Date.now();
    const proxy = proxyIn(options.env);
    const serverMs = Date.parse(response.headers.get('date') ?? '');
    return {
      check: pass(
        name,
        `${origin} answers (HTTP ${response.status})${proxy ? `, through the proxy ${proxy}` : ''}${systemCertificatesAdded() ? ", trusted through the operating system's certificates" : ''}`,
      ),
      date: Number.isNaN(serverMs)
        ? undefined
        : { serverMs, localMs: Math.round((sentAt + receivedAt) / 2) },
    };
  } catch (error) {
    const untrusted = untrustedCertificateError(error, origin, 'checking it');
    if (untrusted) {
      const check = failed(name, untrusted);
      // Whose root to trust: the issuer of what the server (or the proxy) presented.
      const { certificateIssuer } = await import('./certificate-issuer.js');
      const issuer = await certificateIssuer(url, options.env, options.timeoutSeconds * 1000);
      if (issuer) check.detail += ` The certificate presented was issued by "${issuer}".`;
      return { check };
    }
    const code = (error as { cause?: { code?: string } }).cause?.code;
    const why = controller.signal.aborted
      ? `no answer within ${options.timeoutSeconds} s`
      : (NETWORK_WORDS[code ?? ''] ?? code ?? (error as Error).message);
    return {
      check: {
        name,
        status: 'fail',
        detail: `Cannot reach ${origin} (${why}).`,
        fix: 'Check the network connection; behind a proxy, set HTTPS_PROXY (and NO_PROXY) as for other tools.',
        exitCode: ExitCode.network,
      },
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The network errors a user meets, in words. */
const NETWORK_WORDS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'the name does not resolve: offline, or no DNS',
  EAI_AGAIN: 'the name does not resolve: offline, or no DNS',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
};

/** The proxy in use for Google's hosts, without its password. */
function proxyIn(env: NodeJS.ProcessEnv): string | undefined {
  const text = proxySettings(env).forGoogle;
  if (!text) return undefined;
  try {
    const url = new URL(text);
    url.username = '';
    url.password = '';
    return url.origin;
  } catch {
    return 'set, but not a URL';
  }
}

/** This computer's clock against the token endpoint's `Date` header (one-second precision). */
export function checkClock(date: Reached['date'], tokenEndpoint: string): Check {
  const name = 'Clock';
  if (!date)
    return {
      name,
      status: 'warn',
      detail: 'not checked: the token endpoint sent no Date header.',
    };
  const offsetSeconds = (date.localMs - date.serverMs) / 1000;
  if (Math.abs(offsetSeconds) >= CLOCK_OFF_LIMIT_SECONDS)
    return failed(name, clockOffError(offsetSeconds, tokenEndpoint, 'refresh'));
  const seconds = Math.round(Math.abs(offsetSeconds));
  const detail = `within ${seconds <= 1 ? 'a second' : `${seconds} s`} of the token endpoint's`;
  if (seconds < 5 * 60) return pass(name, detail);
  return {
    name,
    status: 'warn',
    detail: `${detail}: drive-cli copes with minutes, other programs may not.`,
    fix: "Set this computer's date and time automatically.",
  };
}
