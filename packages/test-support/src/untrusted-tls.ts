import { readFile } from 'node:fs/promises';
import type { RequestListener } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * An HTTPS server on 127.0.0.1 whose certificate nobody trusts: a self-signed certificate for
 * 127.0.0.1 (`fixtures/untrusted-*.pem`, made with openssl for 100 years, for tests only), as a
 * company proxy's own root certificate is untrusted by Node. `origin` is its https origin.
 */
export async function startUntrustedHttpsServer(
  handler: RequestListener,
): Promise<{ origin: string; server: Server; close(): Promise<void> }> {
  const fixtures = new URL('../fixtures/', import.meta.url);
  const server = createServer(
    {
      key: await readFile(new URL('untrusted-key.pem', fixtures)),
      cert: await readFile(new URL('untrusted-cert.pem', fixtures)),
    },
    handler,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
