import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { useSandbox } from '@installed-oauth/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createProxy, type ProxyServer } from 'proxy';
import {
  credentialsPath,
  expectNoSecret,
  expireStoredToken,
  readStored,
  runCli,
  signedInEnv,
  writeStored,
} from './helpers.js';

const sandbox = useSandbox();
const PROXY_PASSWORD = 'proxy-password-never-printed';
let proxy: ProxyServer;
let proxyUrl: string;
/** Every request the proxy received: CONNECT targets and plain-HTTP addresses. */
let seen: string[];
beforeAll(async () => {
  // A proxy that refuses to forward anything (407): tests send traffic only to 127.0.0.1, so
  // what matters is what reached it, never what lies beyond.
  proxy = createProxy(createServer());
  proxy.authenticate = () => false;
  proxy.on('connect', (req) => seen.push(`CONNECT ${req.url}`));
  proxy.on('request', (req) => seen.push(`${req.method} ${req.url}`));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://user:${PROXY_PASSWORD}@127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
beforeEach(() => {
  seen = [];
});
afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
});

const GOOGLE = {
  auth_uri: 'https://accounts.google.com/o/oauth2/auth',
  token_uri: 'https://oauth2.googleapis.com/token',
};

/**
 * An account signed in against the sandbox, then pointed at Google's real endpoints (the same
 * client, with Google's auth_uri and token_uri; Drive at its default root), with a proxy set.
 */
async function googleAccountBehindProxy() {
  const env = await signedInEnv(sandbox);
  const secrets = JSON.parse(await readFile(sandbox.clientSecretsPath, 'utf8'));
  const clientSecretsPath = join(dirname(env.DRIVE_CLI_CONFIG_DIR ?? ''), 'client_secret.json');
  await writeFile(
    clientSecretsPath,
    JSON.stringify({ installed: { ...secrets.installed, ...GOOGLE } }),
    { mode: 0o600 },
  );
  await writeStored(env, { ...(await readStored(env)), token_uri: GOOGLE.token_uri });
  const { DRIVE_CLI_SANDBOX: _sandbox, DRIVE_CLI_API_ROOT: _apiRoot, ...googleEnv } = env;
  return {
    ...googleEnv,
    DRIVE_CLI_CLIENT_SECRETS: clientSecretsPath,
    HTTPS_PROXY: proxyUrl,
    DEBUG: '*',
  };
}

describe('behind a proxy (HTTPS_PROXY, HTTP_PROXY), as Google tools honour them', () => {
  it('sends the Drive call, the refresh and the revocation for Google through it', async () => {
    const env = await googleAccountBehindProxy();
    const secrets = [(await readStored(env)).refresh_token, (await readStored(env)).access_token];

    const listing = await runCli(['ls', '--debug'], env);
    expect(listing.code).toBe(6); // the proxy refused to forward
    expect(seen).toEqual(['CONNECT www.googleapis.com:443']);

    await expireStoredToken(env);
    const refresh = await runCli(['ls', '--debug'], env);
    expect(refresh.code).toBe(6);
    expect(seen.slice(1)).toEqual(['CONNECT oauth2.googleapis.com:443']);

    const logout = await runCli(['logout', '--debug'], env);
    expect(logout.code).toBe(6); // offline sign-out: deleted here, the grant remains
    expect(seen.slice(2)).toEqual(['CONNECT oauth2.googleapis.com:443']);

    // DEBUG=* and --debug together: neither the proxy's password nor a token in any output.
    for (const run of [listing, refresh, logout]) {
      expectNoSecret(run.stdout + run.stderr, [PROXY_PASSWORD, ...secrets]);
    }
  });

  it('never sends loopback traffic (the sandbox, with plain http) to the proxy', async () => {
    const env = await signedInEnv(sandbox, {
      HTTP_PROXY: proxyUrl,
      HTTPS_PROXY: proxyUrl,
      DEBUG: '*',
    });
    await expireStoredToken(env);
    expect((await runCli(['ls'], env)).code).toBe(0); // a refresh and the Drive call
    expect((await runCli(['logout'], env)).code).toBe(0); // the revocation
    expect(seen).toEqual([]);
    await expect(readFile(credentialsPath(env))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
