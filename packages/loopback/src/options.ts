import { isIP } from 'node:net';
import type { Writable } from 'node:stream';
import { isLoopbackHost } from '@installed-oauth/core';

export interface LoopbackOptions {
  /**
   * Host in the redirect URI: `127.0.0.1` (default), `::1`, or `localhost` (accepted for
   * compatibility with Python's `run_local_server`; the same port is then bound on both
   * 127.0.0.1 and ::1, since the browser may resolve the name to either).
   */
  host?: string;
  /**
   * Address to listen on, for containers that forward a port. Default: the loopback address
   * matching `host`. A non-loopback address needs `allowNonLoopbackBind: true` and prints a
   * warning, since other machines can then reach the receiver.
   */
  bindAddress?: string;
  allowNonLoopbackBind?: boolean;
  /** TCP port; default 0 (a free port chosen by the system). A taken fixed port is an error. */
  port?: number;
  /** Path of the redirect URI; default `/`. */
  redirectPath?: string;
  /**
   * Printed before waiting, with `{url}` replaced by the authorization URL; `''` prints nothing.
   * Default: "Please visit this URL to authorize this application: {url}".
   */
  authorizationPromptMessage?: string;
  /** Page shown after a successful redirect: text (escaped) or HTML (starting with `<`). */
  successPage?: string;
  /** Page shown after an `error=` redirect: text or HTML. Default names the error, escaped. */
  failurePage?: string;
  /** Open a browser (default true), or a function that opens the URL itself. */
  openBrowser?: boolean | ((url: string) => void | Promise<void>);
  /** Where the prompt and warnings go; default `process.stderr`. */
  output?: Writable;
  /** Environment read for `BROWSER`, `DISPLAY`; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

export interface ResolvedOptions {
  redirectHost: string;
  bindAddresses: string[];
  nonLoopbackBind: boolean;
  /** True when `bindAddress` was given: the redirect URI then keeps `host` as it is. */
  explicitBind: boolean;
  port: number;
  redirectPath: string;
  prompt: string;
  successPage: string | undefined;
  failurePage: string | undefined;
  openBrowser: boolean | ((url: string) => void | Promise<void>);
  output: Writable;
  env: NodeJS.ProcessEnv;
}

const DOCS =
  'https://github.com/installed-oauth/installed-oauth/tree/main/packages/loopback#options';
const KNOWN = new Set([
  'host',
  'bindAddress',
  'allowNonLoopbackBind',
  'port',
  'redirectPath',
  'authorizationPromptMessage',
  'successPage',
  'failurePage',
  'openBrowser',
  'output',
  'env',
]);

function fail(message: string): never {
  throw new TypeError(`[@installed-oauth/loopback] ${message} (${DOCS})`);
}

/**
 * Options people expect of a strategy that belong to the caller: one signal, given to core,
 * bounds the whole sign-in (the wait for the browser and the code exchange after it).
 */
const CALLERS_OPTIONS: Readonly<Record<string, string>> = {
  timeout: 'pass "signal: AbortSignal.timeout(ms)" to authorize() or signIn() instead',
  signal: 'pass the signal to authorize() or signIn() instead',
};

export const DEFAULT_PROMPT = 'Please visit this URL to authorize this application: {url}';

/** Checks every option before anything is bound or opened. */
export function resolveOptions(options: LoopbackOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail('options must be an object');
  for (const key of Object.keys(options)) {
    if (key in CALLERS_OPTIONS) fail(`no "${key}" option here: ${CALLERS_OPTIONS[key]}`);
    if (!KNOWN.has(key)) fail(`unknown option "${key}"`);
  }

  const host = (options.host ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (!isLoopbackHost(host) || (host !== 'localhost' && !isIP(host))) {
    fail(
      `"host" option must be a loopback IP (127.0.0.1, ::1) or "localhost", got ${JSON.stringify(options.host)}`,
    );
  }
  let bindAddresses: string[];
  let nonLoopbackBind = false;
  if (options.bindAddress !== undefined) {
    if (
      typeof options.bindAddress !== 'string' ||
      !isIP(options.bindAddress.replace(/^\[(.*)\]$/, '$1'))
    ) {
      fail(
        `"bindAddress" option must be an IP address, got ${JSON.stringify(options.bindAddress)}`,
      );
    }
    const address = options.bindAddress.replace(/^\[(.*)\]$/, '$1');
    nonLoopbackBind = !isLoopbackHost(address);
    if (nonLoopbackBind && options.allowNonLoopbackBind !== true) {
      fail(
        `"bindAddress" ${address} is not a loopback address; set "allowNonLoopbackBind: true" to listen on it anyway`,
      );
    }
    bindAddresses = [address];
  } else if (host === 'localhost' || host === '127.0.0.1') {
    bindAddresses = ['127.0.0.1', '::1']; // ::1 only when this machine has no IPv4 loopback
  } else {
    bindAddresses = [host];
  }

  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`"port" option must be an integer from 0 to 65535, got ${JSON.stringify(options.port)}`);
  }
  const redirectPath = options.redirectPath ?? '/';
  if (typeof redirectPath !== 'string' || !/^\/[A-Za-z0-9\-._~/]*$/.test(redirectPath)) {
    fail(
      `"redirectPath" option must be a path such as "/" or "/oauth2callback", got ${JSON.stringify(options.redirectPath)}`,
    );
  }
  for (const name of ['authorizationPromptMessage', 'successPage', 'failurePage'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'string')
      fail(`"${name}" option must be a string`);
  }
  const openBrowser = options.openBrowser ?? true;
  if (typeof openBrowser !== 'boolean' && typeof openBrowser !== 'function') {
    fail('"openBrowser" option must be true, false or a function that opens the URL');
  }
  if (options.output !== undefined && typeof options.output?.write !== 'function')
    fail('"output" option must be a writable stream');

  return {
    redirectHost: host,
    bindAddresses,
    nonLoopbackBind,
    explicitBind: options.bindAddress !== undefined,
    port,
    redirectPath,
    prompt: options.authorizationPromptMessage ?? DEFAULT_PROMPT,
    successPage: options.successPage,
    failurePage: options.failurePage,
    openBrowser,
    output: options.output ?? process.stderr,
    env: options.env ?? process.env,
  };
}
