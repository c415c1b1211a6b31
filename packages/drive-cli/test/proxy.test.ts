import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useSandbox } from '@installed-oauth/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createProxy, type ProxyServer } from 'proxy';
import { expireStoredToken, runCli, sandboxEnv } from './helpers.js';

const sandbox = useSandbox();
let proxy: ProxyServer;
let proxyUrl: string;
/** The tunnels opened through the proxy (undici and gaxios tunnel with CONNECT even to http). */
const tunnels: string[] = [];
beforeAll(async () => {
  proxy = createProxy(createServer());
  proxy.on('connect', (req) => tunnels.push(String(req.url)));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
});

describe('behind a proxy (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), as Google tools honour them', () => {
  it('sends the code exchange, the refresh, the Drive call and the revocation through it', async () => {
    const env = await sandboxEnv(sandbox, { HTTP_PROXY: proxyUrl });
    const sandboxHost = new URL(sandbox.tokenEndpoint).host;
    const exchanges = sandbox.counters.authorizationCodeGrants;
    expect((await runCli(['login'], env)).code).toBe(0);
    expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 1);
    expect(tunnels).toEqual([sandboxHost]); // the code exchange

    await expireStoredToken(env);
    const refreshes = sandbox.counters.refreshGrants;
    expect((await runCli(['ls'], env)).code).toBe(0);
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
    expect(tunnels).toHaveLength(3); // the refresh, then the Drive call

    expect((await runCli(['logout'], env)).code).toBe(0);
    expect(tunnels).toHaveLength(4); // the revocation
    expect(new Set(tunnels)).toEqual(new Set([sandboxHost]));
  });

  it('goes direct to the hosts NO_PROXY names', async () => {
    const env = await sandboxEnv(sandbox, { HTTPS_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' });
    const before = tunnels.length;
    expect((await runCli(['login'], env)).code).toBe(0);
    expect((await runCli(['ls'], env)).code).toBe(0);
    expect(tunnels).toHaveLength(before);
  });
});
