import type { Readable, Writable } from 'node:stream';
import { InstalledOAuthError, isLoopbackHost } from '@installed-oauth/core';

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
  /** Give up after this many seconds (default 300). */
  timeout?: number;
  signal?: AbortSignal;
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

const KNOWN = new Set([
  'input',
  'output',
  'redirectUri',
  'promptMessage',
  'maxAttempts',
  'timeout',
  'signal',
]);

export interface ResolvedConsoleOptions {
  input: Readable;
  output: Writable;
  redirectUri: string | undefined;
  promptMessage: string;
  maxAttempts: number;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

export function resolveConsoleOptions(
  options: ConsoleOptions = {},
  defaults: { redirectUri?: string } = {},
): ResolvedConsoleOptions {
  if (typeof options !== 'object' || options === null) fail('options must be an object');
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) fail(`unknown option "${key}"`);
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
  const timeout = options.timeout ?? 300;
  if (typeof timeout !== 'number' || !(timeout > 0) || !Number.isFinite(timeout)) {
    fail(
      `"timeout" option must be a positive number of seconds, got ${JSON.stringify(options.timeout)}`,
    );
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal))
    fail('"signal" option must be an AbortSignal');
  if (options.promptMessage !== undefined && typeof options.promptMessage !== 'string')
    fail('"promptMessage" option must be a string');
  return {
    input: options.input ?? process.stdin,
    output: options.output ?? process.stderr,
    redirectUri,
    promptMessage: options.promptMessage ?? DEFAULT_PROMPT_MESSAGE,
    maxAttempts,
    timeoutMs: timeout * 1000,
    signal: options.signal,
  };
}

/** The error for the strategy's own signal or timeout (core's signal keeps its own reason). */
export function ownAbortError(signal: AbortSignal): InstalledOAuthError {
  const timedOut = (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
  return timedOut
    ? new InstalledOAuthError('AUTHORIZATION_TIMED_OUT', 'No address was pasted in time.', {
        cause: signal.reason,
        hint: 'Run it again and paste the address sooner, or allow more time.',
      })
    : new InstalledOAuthError('AUTHORIZATION_CANCELLED', 'The sign-in was cancelled.', {
        cause: signal.reason,
      });
}

/** A signal for the timeout whose timer is cleared when the attempt ends. */
export function timeoutSignal(ms: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('timed out', 'TimeoutError')),
    ms,
  );
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}
