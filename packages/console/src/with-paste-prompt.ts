import { defineStrategy, type RedirectRequest, type RedirectStrategy } from '@installed-oauth/core';
import { type ConsoleOptions, PASTE_PROMPT, resolveConsoleOptions } from './options.js';
import { promptForRedirect } from './paste-prompt.js';

export const COMBINED_PROMPT_MESSAGE = `If the browser is on another machine, it will fail to load a page at {redirect} after you approve.
Then copy the full address from its address bar and paste it here.
`;

/**
 * Runs `strategy` (typically the loopback receiver) and a paste prompt at once, for the same
 * authorization URL and redirect URI: the first genuine callback wins, the other side is
 * stopped and released, and core sees one result, so there is exactly one code exchange.
 *
 * It lives here because it needs the console's paste prompt and works with any strategy that
 * uses a loopback redirect URI; core's contract stays small, and a CLI only composes.
 *
 * @example
 * ```ts
 * const strategy = withPastePrompt(createLoopbackStrategy({ openBrowser: false }));
 * ```
 */
export function withPastePrompt(
  strategy: RedirectStrategy,
  options: Omit<ConsoleOptions, 'redirectUri'> = {},
): RedirectStrategy {
  if (typeof strategy?.receive !== 'function') {
    throw new TypeError(
      '[@installed-oauth/console] withPastePrompt() needs a redirect strategy to wrap',
    );
  }
  const resolved = resolveConsoleOptions({ promptMessage: COMBINED_PROMPT_MESSAGE, ...options });

  async function receive(request: RedirectRequest): Promise<URLSearchParams> {
    if (request.signal.aborted) throw request.signal.reason;
    const stopInner = new AbortController();
    const stopPrompt = new AbortController();
    let prompt: Promise<URLSearchParams> | undefined;
    let winner!: (parameters: URLSearchParams) => void;
    const pasted = new Promise<URLSearchParams>((resolve) => {
      winner = resolve;
    });

    const innerRequest: RedirectRequest = {
      specificationVersion: request.specificationVersion,
      get redirectUri() {
        return request.redirectUri;
      },
      signal: AbortSignal.any([request.signal, stopInner.signal]),
      isGenuineCallback: (parameters) => request.isGenuineCallback(parameters),
      completeBareCode: (code) => request.completeBareCode(code),
      buildAuthorizationUrl(redirectUri) {
        const url = request.buildAuthorizationUrl(redirectUri);
        // The wrapped strategy shows the link once this returns; the paste instructions and
        // the prompt come after it, on the next turn, never before the link.
        setImmediate(() => {
          if (settled || stopPrompt.signal.aborted) return;
          prompt = startPrompt(url, new URL(url.searchParams.get('redirect_uri') ?? redirectUri));
          // A prompt that gives up (input closed, too many bad pastes) leaves the receiver
          // waiting; cancellation and the deadline reach the receiver through core's signal.
          prompt.then(winner, () => {});
        });
        return url;
      },
    };

    function startPrompt(url: URL, normalised: URL): Promise<URLSearchParams> {
      resolved.output.write(
        resolved.promptMessage
          .replaceAll('{url}', url.href)
          .replaceAll('{redirect}', normalised.href),
      );
      return promptForRedirect({
        request,
        redirectUri: normalised,
        authorizationUrl: url,
        input: resolved.input,
        output: resolved.output,
        prompt: PASTE_PROMPT,
        maxAttempts: resolved.maxAttempts,
        stop: stopPrompt.signal,
      });
    }

    let settled = false;
    const inner = strategy.receive(innerRequest);
    try {
      const parameters = await Promise.race([inner, pasted]);
      // Stop whichever side lost, and wait until it has released what it holds.
      stopPrompt.abort(new DOMException('finished', 'AbortError'));
      stopInner.abort(new DOMException('finished', 'AbortError'));
      await Promise.allSettled([inner, prompt]);
      return parameters;
    } catch (error) {
      stopPrompt.abort(new DOMException('finished', 'AbortError'));
      await Promise.allSettled([prompt]);
      if (request.signal.aborted) throw request.signal.reason;
      throw error;
    } finally {
      settled = true;
    }
  }

  return defineStrategy({ name: `${strategy.name}+console`, receive });
}
