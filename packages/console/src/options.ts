import type { Readable, Writable } from 'node:stream';
import { isLoopbackHost } from '@installed-oauth/core';

export interface ConsoleOptions {
  /** Where pasted lines come from; default `process.stdin`. */
  input?: Readable;
  /** Where instructions and messages go; default `process.stderr`. */
  output?: Writable;
  /**
   * The redirect URI: a loopback address nothing listens on. Default `http://127.0.0.1:8/`:
   * port 8 is unassigned, privileged (an ordinary program cannot listen there and catch the
   * code) and not on the browsers' blocked-port lists.
   */
  redirectUri?: string;
  /**
   * The instructions, printed once before the first prompt; `{url}` is the sign-in link and
   * `{redirect}` the redirect URI.
   */
  promptMessage?: string;
  /** Bad pastes allowed before giving up (default 5). */
  maxAttempts?: number;
}

export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1:8/';

export const DEFAULT_PROMPT_MESSAGE = `Open this link in a browser, on this machine or any other, and approve access:

  {url}

The browser will then fail to load a page at {redirect} — that is expected.
Copy the full address from the browser's address bar (it starts with {redirect}) and paste it here.
`;

export const PASTE_PROMPT = 'Paste the address: ';

const DOCS =
  'https://github.com/installed-oauth/installed-oauth/tree/main/packages/console#options';

function fail(message: string): never {
  throw new TypeError(`[@installed-oauth/console] ${message} (${DOCS})`);
}

const KNOWN = new Set(['input', 'output', 'redirectUri', 'promptMessage', 'maxAttempts']);

/**
 * Options people expect of a strategy that belong to the caller: one signal, given to core,
 * bounds the whole sign-in (the wait for the paste and the code exchange after it).
 */
const CALLERS_OPTIONS: Readonly<Record<string, string>> = {
  timeout: 'pass "signal: AbortSignal.timeout(ms)" to authorize() or signIn() instead',
  signal: 'pass the signal to authorize() or signIn() instead',
};

export interface ResolvedConsoleOptions {
  input: Readable;
  output: Writable;
  redirectUri: string | undefined;
  promptMessage: string;
  maxAttempts: number;
}

export function resolveConsoleOptions(
  options: ConsoleOptions = {},
  defaults: { redirectUri?: string } = {},
): ResolvedConsoleOptions {
  if (typeof options !== 'object' || options === null) fail('options must be an object');
  for (const key of Object.keys(options)) {
    if (key in CALLERS_OPTIONS) fail(`no "${key}" option here: ${CALLERS_OPTIONS[key]}`);
    if (!KNOWN.has(key)) fail(`unknown option "${key}"`);
  }
  if (options.input !== undefined && typeof options.input?.on !== 'function')
    fail('"input" option must be a readable stream');
  if (options.output !== undefined && typeof options.output?.write !== 'function')
    fail('"output" option must be a writable stream');
  const redirectUri = options.redirectUri ?? defaults.redirectUri;
  if (redirectUri !== undefined) {
    const url = URL.parse(redirectUri);
    if (url?.protocol !== 'http:' || !isLoopbackHost(url.hostname) || url.search || url.hash) {
      fail(
        `"redirectUri" option must be a loopback http URL without a query, such as ${DEFAULT_REDIRECT_URI}; got ${JSON.stringify(redirectUri)}`,
      );
    }
  }
  const maxAttempts = options.maxAttempts ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    fail(
      `"maxAttempts" option must be a whole number ≥ 1, got ${JSON.stringify(options.maxAttempts)}`,
    );
  if (options.promptMessage !== undefined && typeof options.promptMessage !== 'string')
    fail('"promptMessage" option must be a string');
  return {
    input: options.input ?? process.stdin,
    output: options.output ?? process.stderr,
    redirectUri,
    promptMessage: options.promptMessage ?? DEFAULT_PROMPT_MESSAGE,
    maxAttempts,
  };
}
