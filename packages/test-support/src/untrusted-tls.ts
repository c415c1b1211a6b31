import { readFile } from 'node:fs/promises';
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type RequestListener,
} from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';

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

/**
 * A handler that sends every request on to `origin` (the sandbox) as it came, Host set to
 * that origin's, and answers as it answers: what the HTTPS "proxies" of the tests do with
 * what they decrypt (Google's paths are the sandbox's).
 */
export function forwardTo(origin: string): RequestListener {
  return (request, response) => {
    const upstream = httpRequest(
      new URL(request.url ?? '/', origin),
      { method: request.method, headers: { ...request.headers, host: new URL(origin).host } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    request.pipe(upstream);
  };
}

/**
 * The self-signed certificate for 127.0.0.1 of {@link startUntrustedHttpsServer}, and its key:
 * for a server of a test's own (the sandbox's `tls` option), trusted where a test names the
 * certificate in NODE_EXTRA_CA_CERTS.
 */
export const loopbackCertificate = {
  certPath: fileURLToPath(new URL('../fixtures/untrusted-cert.pem', import.meta.url)),
  keyPath: fileURLToPath(new URL('../fixtures/untrusted-key.pem', import.meta.url)),
};

/** The root certificate of the company that inspects HTTPS in {@link startInterceptingProxy}. */
export const companyRootCertificate = fileURLToPath(
  new URL('../fixtures/company-root-cert.pem', import.meta.url),
);

/**
 * A company proxy that inspects HTTPS, on 127.0.0.1: it accepts `CONNECT` for any host, answers
 * the TLS handshake itself with a certificate for Google's hosts (oauth2.googleapis.com,
 * www.googleapis.com, accounts.google.com) signed by the company's root
 * ({@link companyRootCertificate}, made with openssl for 100 years; its key was thrown away),
 * and hands each decrypted request to `handler` — in tests, a forwarder to the sandbox, so that
 * nothing leaves this machine. `seen` lists the CONNECT targets. With `password`, a CONNECT
 * without `Proxy-Authorization: Basic <user:password>` (any user) is refused with 407.
 */
export async function startInterceptingProxy(
  handler: RequestListener,
  options: { password?: string } = {},
): Promise<{
  url: string;
  seen: string[];
  close(): Promise<void>;
}> {
  const fixtures = new URL('../fixtures/', import.meta.url);
  const context = createSecureContext({
    key: await readFile(new URL('intercepted-google-key.pem', fixtures)),
    cert: await readFile(new URL('intercepted-google-cert.pem', fixtures)),
  });
  const inside = createHttpServer(handler);
  const seen: string[] = [];
  const proxy = createHttpServer((_request, response) => response.writeHead(405).end());
  const sockets = new Set<Socket>();
  proxy.on('connect', (request: IncomingMessage, socket: Socket) => {
    const [, credentials = ''] = (request.headers['proxy-authorization'] ?? '').split(' ');
    const password = Buffer.from(credentials, 'base64').toString().split(':').slice(1).join(':');
    if (options.password !== undefined && password !== options.password) {
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
      return;
    }
    seen.push(request.url ?? '');
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    inside.emit('connection', new TLSSocket(socket, { isServer: true, secureContext: context }));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    seen,
    async close() {
      for (const socket of sockets) socket.destroy();
      proxy.closeAllConnections();
      inside.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}
