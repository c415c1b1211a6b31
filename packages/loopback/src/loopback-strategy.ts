import type { RedirectRequest, RedirectStrategy } from '@installed-oauth/core';
import { InstalledOAuthError } from '@installed-oauth/core';
import {
  bindLocalhost,
  bindLoopback,
  createCallbackHandler,
  createReceiverServer,
  formatHost,
} from './callback-server.js';
import { openInBrowser } from './open-browser.js';
import { type LoopbackOptions, type ResolvedOptions, resolveOptions } from './options.js';

function cancelled(reason: unknown): InstalledOAuthError {
  const timedOut = (reason as { name?: string } | undefined)?.name === 'TimeoutError';
  return timedOut
    ? new InstalledOAuthError(
        'AUTHORIZATION_TIMED_OUT',
        'Timed out waiting for the sign-in response.',
        { cause: reason },
      )
    : new InstalledOAuthError('AUTHORIZATION_CANCELLED', 'The sign-in was cancelled.', {
        cause: reason,
      });
}

function write(options: ResolvedOptions, text: string): void {
  options.output.write(`${text}\n`);
}

async function presentUrl(
  options: ResolvedOptions,
  url: string,
  isActive: () => boolean,
): Promise<void> {
  if (options.prompt) write(options, options.prompt.replaceAll('{url}', url));
  const warn = (reason: string) => {
    if (!isActive()) return;
    const where = options.prompt ? 'the URL above' : `this URL:\n${url}`;
    write(
      options,
      `Could not open a browser (${reason}). Open ${where} in a browser on this machine; still waiting.`,
    );
  };
  if (options.openBrowser === false) return;
  if (typeof options.openBrowser === 'function') {
    try {
      await options.openBrowser(url);
    } catch (error) {
      warn(error instanceof Error ? error.message : String(error));
    }
    return;
  }
  const result = await openInBrowser(url, options.env, warn);
  if (!result.ok) warn(result.reason);
}

async function receive(
  options: ResolvedOptions,
  request: RedirectRequest,
): Promise<URLSearchParams> {
  const signals = [request.signal, options.signal].filter(
    (signal): signal is AbortSignal => signal !== undefined,
  );
  if (request.signal.aborted) throw request.signal.reason;
  if (options.signal?.aborted) throw cancelled(options.signal.reason);

  let resolveFlow!: (parameters: URLSearchParams) => void;
  let rejectFlow!: (error: unknown) => void;
  const flow = new Promise<URLSearchParams>((resolve, reject) => {
    resolveFlow = resolve;
    rejectFlow = reject;
  });

  const allowedHosts = new Set<string>();
  const handler = createCallbackHandler({
    redirectPath: options.redirectPath,
    allowedHosts,
    isGenuine: (parameters) => request.isGenuineCallback(parameters),
    successPage: options.successPage,
    failurePage: options.failurePage,
    onComplete: (parameters) => finish(() => resolveFlow(parameters)),
  });
  const server = createReceiverServer(handler.handle);
  // "localhost" is bound on both loopback addresses; the twin serves ::1 with the same handler.
  const localhost = options.redirectHost === 'localhost' && !options.explicitBind;
  const twin = localhost ? createReceiverServer(handler.handle) : undefined;

  let active = true;
  let timer: NodeJS.Timeout | undefined;
  // Core's signal: reject with its reason (contract v1). The caller's own signal: a typed error.
  const onAbort = (event: Event) => {
    const signal = event.target as AbortSignal;
    finish(() => rejectFlow(signal === request.signal ? signal.reason : cancelled(signal.reason)));
  };
  function finish(settle: () => void): void {
    if (!active) return;
    active = false;
    clearTimeout(timer);
    handler.dispose();
    for (const signal of signals) signal.removeEventListener('abort', onAbort);
    for (const each of twin ? [server, twin] : [server]) {
      each.close();
      each.closeAllConnections(); // keep-alive sockets too, so the process can exit at once
    }
    settle();
  }
  for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true });

  try {
    const bound = twin
      ? await bindLocalhost(server, twin, options.port)
      : await bindLoopback(server, options.bindAddresses, options.port);
    // The redirect names the address actually bound (127.0.0.1, or ::1 on an IPv6-only
    // machine), except for "localhost" and for an explicit bind address (a container port).
    const keepHost = options.redirectHost === 'localhost' || options.explicitBind;
    const redirectHost = keepHost ? options.redirectHost : bound.address;
    const authority = `${formatHost(redirectHost)}:${bound.port}`;
    allowedHosts.add(authority);
    if (options.nonLoopbackBind) {
      write(
        options,
        `Warning: listening on ${formatHost(bound.address)}:${bound.port}, which other machines may reach.`,
      );
    }
    const url = request.buildAuthorizationUrl(`http://${authority}${options.redirectPath}`);
    if (!active) return await flow; // aborted while binding
    timer = setTimeout(() => {
      const seconds = Number((options.timeoutMs / 1000).toFixed(1));
      finish(() =>
        rejectFlow(
          new InstalledOAuthError(
            'AUTHORIZATION_TIMED_OUT',
            `No sign-in response arrived within ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`,
            {
              hint: 'Run it again and finish the sign-in in the browser sooner, or allow more time.',
            },
          ),
        ),
      );
    }, options.timeoutMs);
    void presentUrl(options, url.href, () => active);
  } catch (error) {
    finish(() => rejectFlow(error));
  }
  return flow;
}

/**
 * The loopback redirect strategy (RFC 8252 §7.3): a one-shot HTTP receiver on 127.0.0.1
 * (or ::1) that the browser is redirected to. Options are checked here, before any port is
 * bound or browser opened.
 *
 * @example
 * ```ts
 * const credentials = await authorize({
 *   clientSecrets,
 *   scopes: ['https://www.googleapis.com/auth/drive.metadata.readonly'],
 *   strategy: createLoopbackStrategy({ timeout: 120 }),
 * });
 * ```
 */
export function createLoopbackStrategy(options: LoopbackOptions = {}): RedirectStrategy {
  const resolved = resolveOptions(options);
  return Object.freeze({
    name: 'loopback',
    specificationVersion: 'v1' as const,
    receive: (request: RedirectRequest) => receive(resolved, request),
  });
}
