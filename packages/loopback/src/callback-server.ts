import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InstalledOAuthError } from '@installed-oauth/core';
import {
  DEFAULT_SUCCESS_PAGE,
  defaultFailurePage,
  renderPage,
  SECURITY_HEADERS,
  sendPage,
  sendStatic,
} from './pages.js';

/** Where the browser is sent after the callback, so the code leaves its address bar. */
export const LANDING_PATH = '/installed-oauth/done';

/** How long the browser gets to follow the redirect to the landing page before we close. */
const LANDING_GRACE_MS = 3000;

/** Limits that keep slow or oversized clients from tying up the receiver. */
export const SERVER_LIMITS = {
  maxHeaderSize: 16 * 1024, // larger request lines or headers get 431
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  keepAliveTimeout: 2_000,
} as const;

export function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function listenOnce(server: Server, address: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: address, port, exclusive: true });
  });
}

/**
 * Binds the first address that exists on this machine (127.0.0.1, then ::1). A taken or
 * forbidden port is an error naming it; only a missing address family moves on to the next.
 */
export async function bindLoopback(
  server: Server,
  addresses: string[],
  port: number,
): Promise<{ address: string; port: number }> {
  let missing: NodeJS.ErrnoException | undefined;
  for (const address of addresses) {
    try {
      return { address, port: await listenOnce(server, address, port) };
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') {
        missing = error as NodeJS.ErrnoException;
        continue;
      }
      const where = `${formatHost(address)}:${port}`;
      const why =
        code === 'EADDRINUSE'
          ? `port ${port} on ${address} is already in use`
          : code === 'EACCES'
            ? `this user may not listen on port ${port}`
            : `cannot listen on ${where} (${code ?? (error as Error).message})`;
      throw new InstalledOAuthError(
        'STRATEGY_FAILED',
        `The loopback receiver could not start: ${why}.`,
        {
          cause: error,
          hint: 'Choose another port, or port 0 to let the system pick a free one.',
        },
      );
    }
  }
  throw new InstalledOAuthError(
    'STRATEGY_FAILED',
    `The loopback receiver could not start: none of ${addresses.join(', ')} exists on this machine.`,
    { cause: missing, hint: 'Use the console redirect (paste the address) instead.' },
  );
}

/** How many free ports are tried before giving up on one free on both 127.0.0.1 and ::1. */
const LOCALHOST_PORT_ATTEMPTS = 10;

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * For the name "localhost", which the browser may resolve to 127.0.0.1 or to ::1: the port is
 * bound on both, so that no other program can take the other address on the same port and
 * receive the redirect (code and state). `twin` listens on ::1 beside `server` on 127.0.0.1.
 * With port 0, ports are tried until one is free on both; with a fixed port taken on ::1, the
 * receiver does not start. A machine without ::1 needs no twin.
 */
export async function bindLocalhost(
  server: Server,
  twin: Server,
  port: number,
): Promise<{ address: string; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const bound = await bindLoopback(server, ['127.0.0.1', '::1'], port);
    if (bound.address === '::1') return bound; // no IPv4 loopback: nothing to pair
    try {
      await listenOnce(twin, '::1', bound.port);
      return bound;
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') return bound;
      await closeServer(server);
      if (port === 0 && attempt < LOCALHOST_PORT_ATTEMPTS) continue; // try another free port
      throw new InstalledOAuthError(
        'STRATEGY_FAILED',
        `The loopback receiver could not start: port ${bound.port} is free on 127.0.0.1 but not on ::1 (${code}), and "localhost" may lead the browser to either.`,
        {
          cause: error,
          hint: 'Use host 127.0.0.1 (an IP literal, as RFC 8252 §8.3 advises), or another port.',
        },
      );
    }
  }
}

export interface CallbackHandlerInit {
  redirectPath: string;
  allowedHosts: ReadonlySet<string>;
  isGenuine(parameters: URLSearchParams): boolean;
  successPage: string | undefined;
  failurePage: string | undefined;
  /** Called once, with the genuine callback's parameters, when the browser has its page. */
  onComplete(parameters: URLSearchParams): void;
}

/**
 * The request handler. Only a GET on the exact redirect path carrying the genuine state is
 * taken; everything else gets a short static answer and the wait goes on.
 */
export function createCallbackHandler(init: CallbackHandlerInit) {
  let taken: URLSearchParams | undefined;
  let landingHtml: string | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  let completed = false;

  const complete = () => {
    if (completed || !taken) return;
    completed = true;
    clearTimeout(graceTimer);
    init.onComplete(taken);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const host = (req.headers.host ?? '').toLowerCase();
    // DNS rebinding: a page on another origin resolving its name to 127.0.0.1 sends its own Host.
    if (!init.allowedHosts.has(host)) {
      sendStatic(res, 421, 'Misdirected request.');
      return;
    }
    const url = URL.parse(req.url ?? '', `http://${host}`);
    if (!url) {
      sendStatic(res, 400, 'Bad request.');
      return;
    }

    if (url.pathname === LANDING_PATH && landingHtml !== undefined) {
      if (req.method !== 'GET') {
        sendStatic(res, 405, 'Method not allowed.', { allow: 'GET' });
        return;
      }
      res.once('finish', complete);
      sendPage(res, 200, landingHtml, true);
      return;
    }
    if (url.pathname !== init.redirectPath) {
      sendStatic(res, 404, 'Not found.');
      return;
    }
    if (req.method !== 'GET') {
      sendStatic(res, 405, 'Method not allowed.', { allow: 'GET' });
      return;
    }
    const parameters = url.searchParams;
    if (!init.isGenuine(parameters)) {
      sendStatic(
        res,
        400,
        'This is not the sign-in response this application is waiting for. Use the newest sign-in link.',
      );
      return;
    }
    if (!taken) {
      taken = parameters;
      const error = parameters.get('error');
      landingHtml =
        error === null
          ? renderPage('Signed in', init.successPage ?? DEFAULT_SUCCESS_PAGE)
          : renderPage(
              'Sign-in failed',
              init.failurePage ?? defaultFailurePage(error, parameters.get('error_description')),
            );
      // A client that does not follow the redirect still ends the flow, a little later.
      graceTimer = setTimeout(complete, LANDING_GRACE_MS);
    }
    // A repeated callback (reload, prefetch) gets the same redirect; the code is used once.
    res.writeHead(303, { ...SECURITY_HEADERS, location: LANDING_PATH, 'content-length': '0' });
    res.end();
  };

  return {
    handle,
    dispose() {
      clearTimeout(graceTimer);
    },
  };
}

export function createReceiverServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Server {
  const server = createServer({ maxHeaderSize: SERVER_LIMITS.maxHeaderSize }, handler);
  server.headersTimeout = SERVER_LIMITS.headersTimeout;
  server.requestTimeout = SERVER_LIMITS.requestTimeout;
  server.keepAliveTimeout = SERVER_LIMITS.keepAliveTimeout;
  // Malformed requests get a bare 400 and their socket closed; never a crash.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    if (socket.writable && !socket.destroyed) {
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    } else {
      socket.destroy();
    }
  });
  return server;
}
