import { createServer } from 'node:net';

/**
 * A port on 127.0.0.1 that nothing listens on: bound, then released. (Port 9, "discard", is no
 * stand-in: fetch refuses it outright as a "bad port", before any connection is tried.)
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}
