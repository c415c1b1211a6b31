import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from '@jest/globals';
import { startLocalRegistry } from './registry.js';

it('sends nothing to another program that took the registry port first, and says so', async () => {
  // Another local program answers every request on the port, as a registry of its own would.
  const seen: string[] = [];
  const impostor = createServer((req, res) => {
    seen.push(
      `${req.method} ${req.url?.split('/')[1]?.startsWith('rehearsal-marker-') ? '/<marker>' : req.url}`,
    );
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
  const { port } = impostor.address() as AddressInfo;
  const dir = await mkdtemp(join(tmpdir(), 'registry-impostor-'));
  try {
    await expect(startLocalRegistry(dir, { port })).rejects.toThrow(
      /^The registry answering on 127\.0\.0\.1:\d+ is not the Verdaccio this test started/,
    );
    // The ping and the look at the marker: no user, password or package was sent.
    expect(seen.every((request) => request.startsWith('GET '))).toBe(true);
    expect(seen).toContain('GET /<marker>');
  } finally {
    await new Promise((resolve) => impostor.close(resolve));
    await rm(dir, { recursive: true, force: true });
  }
});
