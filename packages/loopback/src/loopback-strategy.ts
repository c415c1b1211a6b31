import { defineStrategy, type RedirectRequest, type RedirectStrategy } from '@installed-oauth/core';
import {
  bindLocalhost,
  bindLoopback,
  createCallbackHandler,
  createReceiverServer,
  formatHost,
} from './callback-server.js';
import { openInBrowser } from './open-browser.js';
import { type LoopbackOptions, type ResolvedOptions, resolveOptions } from './options.js';

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
  const { signal } = request;
  if (signal.aborted) throw signal.reason;

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
  /** Pending while the port is being bound: a server cannot be closed half-way into listen(). */
  let binding: Promise<{ address: string; port: number }> | undefined;
  // Cancelled or out of time (the caller's signal, through core): reject with its reason.
  const onAbort = () => finish(() => rejectFlow(signal.reason));
  function finish(settle: () => void): void {
    if (!active) return;
    active = false;
    handler.dispose();
    signal.removeEventListener('abort', onAbort);
    // Settles once the listening sockets are closed, not merely asked to close (rule 6).
    const release = () => {
      const closing = (twin ? [server, twin] : [server]).map(
        (each) =>
          new Promise<void>((closed) => {
            each.close(() => closed());
            each.closeAllConnections(); // keep-alive sockets too, so the process can exit at once
          }),
      );
      void Promise.all(closing).then(settle);
    };
    // Aborted while binding: settle once the bind has ended and the server is closed (rule 6).
    if (binding) void binding.then(release, release);
    else release();
  }
  signal.addEventListener('abort', onAbort, { once: true });

  try {
    binding = twin
      ? bindLocalhost(server, twin, options.port)
      : bindLoopback(server, options.bindAddresses, options.port);
    const bound = await binding;
    binding = undefined;
    if (!active) return await flow; // aborted while binding: released and settled by finish()
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
    void presentUrl(options, url.href, () => active);
  } catch (error) {
    binding = undefined;
    finish(() => rejectFlow(error));
  }
  return flow;
}

/**
 * The loopback redirect strategy (RFC 8252 §7.3): a one-shot HTTP receiver on 127.0.0.1
 * (or ::1) that the browser is redirected to. Options are checked here, before any port is
 * bound or browser opened. It waits until the redirect arrives or the signal given to core
 * aborts: that signal is the one time limit, and it covers the code exchange too.
 *
 * @example
 * ```ts
 * const credentials = await authorize({
 *   clientSecrets,
 *   scopes: ['https://www.googleapis.com/auth/drive.metadata.readonly'],
 *   strategy: createLoopbackStrategy(),
 *   signal: AbortSignal.timeout(120_000),
 * });
 * ```
 */
export function createLoopbackStrategy(options: LoopbackOptions = {}): RedirectStrategy {
  const resolved = resolveOptions(options);
  return defineStrategy({
    name: 'loopback',
    receive: (request: RedirectRequest) => receive(resolved, request),
  });
}
