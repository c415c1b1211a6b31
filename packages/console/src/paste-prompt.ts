import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { InstalledOAuthError, type RedirectRequest } from '@installed-oauth/core';
import { interpretPaste } from './pasted-input.js';

export interface PromptInit {
  request: RedirectRequest;
  redirectUri: URL;
  authorizationUrl: URL;
  input: Readable;
  output: Writable;
  /** Written before each read. */
  prompt: string;
  maxAttempts: number;
  /** Ends the prompt besides core's signal (a combinator stopping the losing side). */
  stop?: AbortSignal | undefined;
}

/**
 * Reads pasted lines until one carries the genuine callback (or a bare code), then closes the
 * readline interface. Junk gets a specific message and another try, up to `maxAttempts`.
 */
export function promptForRedirect(init: PromptInit): Promise<URLSearchParams> {
  const { request, output } = init;
  return new Promise((resolve, reject) => {
    const lines = createInterface({
      input: init.input,
      crlfDelay: Number.POSITIVE_INFINITY,
      terminal: false,
    });
    const signals = init.stop ? [request.signal, init.stop] : [request.signal];
    let active = true;
    let attempts = 0;

    // Rejects with the reason of whichever signal aborted (contract rule 5 for core's).
    const onAbort = (event: Event) => {
      finish(() => reject((event.target as AbortSignal).reason));
    };
    function finish(settle: () => void): void {
      if (!active) return;
      active = false;
      for (const signal of signals) signal.removeEventListener('abort', onAbort);
      init.input.off('error', onInputError);
      lines.close();
      settle();
    }
    const ask = () => output.write(init.prompt);
    function onInputError(error: Error): void {
      finish(() =>
        reject(
          new InstalledOAuthError(
            'STRATEGY_FAILED',
            `Could not read the pasted address: ${error.message}.`,
            { cause: error },
          ),
        ),
      );
    }

    // A terminal echoes the Enter key; piped input does not, so end the prompt's line here.
    const echoesNewline = (init.input as { isTTY?: boolean }).isTTY === true;
    lines.on('line', (line) => {
      if (!active) return;
      if (!echoesNewline) output.write('\n');
      // An empty line (Enter pressed by habit) gets a reprompt but does not use up an attempt.
      if (line.trim() !== '') attempts++;
      const paste = interpretPaste(line, {
        redirectUri: init.redirectUri,
        authorizationUrl: init.authorizationUrl,
      });
      let parameters: URLSearchParams | undefined;
      let problem: string | undefined;
      if (paste.kind === 'rejected') {
        problem = paste.reason;
      } else if (paste.kind === 'bare-code') {
        try {
          parameters = request.completeBareCode(paste.code);
          output.write(
            'Warning: only the code was pasted, so the state could not be checked. Paste the full address next time.\n',
          );
        } catch {
          problem = 'That does not look like an authorization code.';
        }
      } else if (request.isGenuineCallback(paste.parameters)) {
        parameters = paste.parameters;
      } else if (paste.parameters.has('state')) {
        problem =
          'That address is not the answer to this sign-in (it belongs to another attempt, or was altered). Use the newest link.';
      } else {
        problem = 'That address has no state; paste the full address from the address bar.';
      }
      if (parameters) {
        const genuine = parameters;
        finish(() => resolve(genuine));
        return;
      }
      output.write(`${problem}\n`);
      if (attempts >= init.maxAttempts) {
        finish(() =>
          reject(
            new InstalledOAuthError(
              'STRATEGY_FAILED',
              `No usable address after ${attempts} attempts.`,
              {
                hint: 'Run the sign-in again and paste the full address the browser ends on.',
              },
            ),
          ),
        );
        return;
      }
      ask();
    });
    lines.on('close', () => {
      // The prompt's line is still open: end it, so what follows starts on a line of its own.
      if (active) output.write('\n');
      finish(() =>
        reject(
          new InstalledOAuthError(
            'STRATEGY_FAILED',
            'The input ended before an address was pasted.',
            {
              hint: 'Run it in a terminal, or pipe the address in on standard input.',
            },
          ),
        ),
      );
    });
    // Node's readline re-emits its input's errors; listen on both so neither goes unhandled.
    init.input.on('error', onInputError);
    lines.on('error', onInputError);

    for (const signal of signals) {
      if (signal.aborted) {
        onAbort({ target: signal } as unknown as Event);
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
    }
    ask();
  });
}
