import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineStrategy, InstalledOAuthError, type RedirectStrategy } from '@installed-oauth/core';

/** A minimal loopback receiver: shows the URL, then waits for the browser's redirect. */
export function createTinyLoopbackStrategy(
  options: { showUrl?: (url: URL) => void } = {},
): RedirectStrategy {
  const showUrl =
    options.showUrl ?? ((url) => console.error(`Open this URL in a browser:\n${url}`));
  return defineStrategy({
    name: 'tiny-loopback',
    receive(request) {
      // A sign-in cancelled before it started opens nothing.
      if (request.signal.aborted) return Promise.reject(request.signal.reason);
      return new Promise((resolve, reject) => {
        const server = createServer((req, res) => {
          const parameters = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
          // Junk (favicon, a stale tab, a forged request) is answered and the wait goes on.
          if (!request.isGenuineCallback(parameters)) {
            res.writeHead(400, { connection: 'close' }).end('Not the redirect this app waits for.');
            return;
          }
          res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
          res.end('Done. You can close this tab.');
          finish(() => resolve(parameters)); // unmodified: core interprets error=
        });
        const onAbort = () => finish(() => reject(request.signal.reason));
        function finish(settle: () => void) {
          request.signal.removeEventListener('abort', onAbort);
          server.close();
          server.closeAllConnections(); // release every socket before settling
          settle();
        }
        request.signal.addEventListener('abort', onAbort, { once: true });
        server.on('error', (error) =>
          finish(() =>
            reject(
              new InstalledOAuthError('STRATEGY_FAILED', `Cannot listen: ${error.message}`, {
                cause: error,
              }),
            ),
          ),
        );
        server.listen(0, '127.0.0.1', () => {
          const { port } = server.address() as AddressInfo;
          try {
            showUrl(request.buildAuthorizationUrl(`http://127.0.0.1:${port}/`));
          } catch (error) {
            finish(() => reject(error)); // core refused the URL: close the server first
          }
        });
      });
    },
  });
}
