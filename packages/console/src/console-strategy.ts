import type { RedirectRequest, RedirectStrategy } from '@installed-oauth/core';
import {
  type ConsoleOptions,
  DEFAULT_REDIRECT_URI,
  ownAbortError,
  PASTE_PROMPT,
  type ResolvedConsoleOptions,
  resolveConsoleOptions,
  timeoutSignal,
} from './options.js';
import { promptForRedirect } from './paste-prompt.js';

function instructions(options: ResolvedConsoleOptions, url: URL, redirectUri: string): string {
  return options.promptMessage.replaceAll('{url}', url.href).replaceAll('{redirect}', redirectUri);
}

async function receive(
  options: ResolvedConsoleOptions,
  request: RedirectRequest,
): Promise<URLSearchParams> {
  if (request.signal.aborted) throw request.signal.reason;
  const redirectUri = options.redirectUri ?? DEFAULT_REDIRECT_URI;
  const url = request.buildAuthorizationUrl(redirectUri);
  const normalised = new URL(url.searchParams.get('redirect_uri') ?? redirectUri);
  options.output.write(instructions(options, url, normalised.href));
  const deadline = timeoutSignal(options.timeoutMs);
  try {
    return await promptForRedirect({
      request,
      redirectUri: normalised,
      authorizationUrl: url,
      input: options.input,
      output: options.output,
      prompt: PASTE_PROMPT,
      maxAttempts: options.maxAttempts,
      signals: [deadline.signal, ...(options.signal ? [options.signal] : [])],
      abortError: ownAbortError,
    });
  } finally {
    deadline.clear();
  }
}

/**
 * The copy/paste redirect strategy (Python's `run_console`, made to work after Google blocked
 * out-of-band redirects): print the sign-in link, let the user approve in any browser, and
 * read back the address the browser landed on — a loopback address nothing listens on.
 *
 * @example
 * ```ts
 * const credentials = await authorize({ clientSecrets, scopes, strategy: createConsoleStrategy() });
 * ```
 */
export function createConsoleStrategy(options: ConsoleOptions = {}): RedirectStrategy {
  const resolved = resolveConsoleOptions(options);
  return Object.freeze({
    name: 'console',
    specificationVersion: 'v1' as const,
    receive: (request: RedirectRequest) => receive(resolved, request),
  });
}
