import { defineStrategy, type RedirectRequest, type RedirectStrategy } from '@installed-oauth/core';
import {
  type ConsoleOptions,
  DEFAULT_REDIRECT_URI,
  PASTE_PROMPT,
  type ResolvedConsoleOptions,
  resolveConsoleOptions,
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
  return promptForRedirect({
    request,
    redirectUri: normalised,
    authorizationUrl: url,
    input: options.input,
    output: options.output,
    prompt: PASTE_PROMPT,
    maxAttempts: options.maxAttempts,
  });
}

/**
 * The copy/paste redirect strategy (Python's `run_console`, made to work after Google blocked
 * out-of-band redirects): print the sign-in link, let the user approve in any browser, and
 * read back the address the browser landed on — a loopback address nothing listens on. The
 * signal given to core is its one time limit.
 *
 * @example
 * ```ts
 * const credentials = await authorize({ clientSecrets, scopes, strategy: createConsoleStrategy() });
 * ```
 */
export function createConsoleStrategy(options: ConsoleOptions = {}): RedirectStrategy {
  const resolved = resolveConsoleOptions(options);
  return defineStrategy({
    name: 'console',
    receive: (request: RedirectRequest) => receive(resolved, request),
  });
}
