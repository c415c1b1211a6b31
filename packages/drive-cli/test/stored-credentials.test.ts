import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { consentAgentPath } from '@installed-oauth/sandbox';
import {
  exited,
  expectModeWherePosix,
  guardChild,
  itWith,
  posixModes,
  useSandbox,
} from '@installed-oauth/test-support';
import { describe, expect, it } from '@jest/globals';
import {
  cliPath,
  credentialsPath,
  expireStoredToken,
  legacyCredentialsPath,
  readStored,
  revokeAtServer,
  runCli,
  signedInEnv,
  writeStored,
} from './helpers.js';

const sandbox = useSandbox();

describe('credentials already on disk', () => {
  it('signing in again keeps the refresh token, which Google sends only with the consent screen', async () => {
    const env = await signedInEnv(sandbox);
    const first = await readStored(env);
    const exchanges = sandbox.counters.authorizationCodeGrants;
    const again = await runCli(['login'], env);
    expect(again.code).toBe(0);
    expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 1);
    const second = await readStored(env);
    expect(second.token).not.toBe(first.token);
    expect(second.refresh_token).toBe(first.refresh_token);
    // And the kept refresh token still works.
    await expireStoredToken(env);
    const refreshes = sandbox.counters.refreshGrants;
    expect((await runCli(['ls'], env)).code).toBe(0);
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
  });

  it('a second account never touches the first; signing back in to the first keeps its own refresh token', async () => {
    const env = await signedInEnv(sandbox); // as sandbox.user@example.com
    const first = await readStored(env);
    const agent = `"${process.execPath}" "${consentAgentPath}"`;
    const other = await runCli(['login'], {
      ...env,
      BROWSER: `${agent} --login other@example.com`,
    });
    expect(other.code).toBe(0);
    expect(other.stderr).toMatch(/^Signed in as other@example\.com\./m);
    expect(other.stderr).toMatch(/^other@example\.com is now the active account\.$/m);
    expect((await readStored(env)).refresh_token).toBe(first.refresh_token);
    // Back to the first account, which authorized drive-cli before: Google skips the consent
    // screen and sends no refresh token; the first account's own is kept.
    const back = await runCli(['login'], env);
    expect(back.code).toBe(0);
    expect((await readStored(env)).refresh_token).toBe(first.refresh_token);
    const otherStored = JSON.parse(
      await readFile(credentialsPath(env, 'other@example.com'), 'utf8'),
    );
    expect(otherStored.refresh_token).not.toBe(first.refresh_token);
    // Each account's own refresh token works.
    await expireStoredToken(env);
    const refreshes = sandbox.counters.refreshGrants;
    expect((await runCli(['token', '--account', 'sandbox.user@example.com'], env)).code).toBe(0);
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
  });

  it('takes over a gcloud-style file of the old layout (refresh token only), and refreshes it on use', async () => {
    const env = await signedInEnv(sandbox);
    const { type, client_id, client_secret, refresh_token } = await readStored(env);
    await rm(credentialsPath(env));
    await writeFile(
      legacyCredentialsPath(env),
      JSON.stringify({ type, client_id, client_secret, refresh_token }),
      { mode: 0o600 },
    );
    // No ID token: the account cannot be named, and is kept as "default".
    const status = await runCli(['status', '--offline'], env);
    expect(status.code).toBe(0);
    expect(status.stderr).toContain(
      `Moved the stored sign-in from ${legacyCredentialsPath(env)} to ${join(String(env.DRIVE_CLI_CONFIG_DIR), 'accounts', 'default.json')}.`,
    );
    expect(status.stdout).toMatch(/^\* default \(active\)$/m);
    expect(status.stdout).toMatch(/^ {4}Access token: +expires unknown$/m);
    expect(status.stdout).toMatch(/^ {4}Grant: +not checked$/m);
    expect(existsSync(legacyCredentialsPath(env))).toBe(false);
    const refreshes = sandbox.counters.refreshGrants;
    expect((await runCli(['ls'], env)).code).toBe(0);
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
  });

  it('asks for consent again rather than keep a refresh token it cannot tie to the account', async () => {
    const env = await signedInEnv(sandbox);
    const { type, client_id, client_secret, refresh_token } = await readStored(env);
    await writeStored(env, { type, client_id, client_secret, refresh_token });
    const exchanges = sandbox.counters.authorizationCodeGrants;
    expect((await runCli(['login'], env)).code).toBe(0);
    expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 2);
    const renewed = await readStored(env);
    expect(renewed.refresh_token).toEqual(expect.any(String));
    expect(renewed.refresh_token).not.toBe(refresh_token);
  });

  it('status --offline says an expired access token will be refreshed on next use', async () => {
    const env = await signedInEnv(sandbox);
    await writeStored(env, { ...(await readStored(env)), expiry: '2026-01-01T00:00:00.000Z' });
    const result = await runCli(['status', '--offline'], env);
    expect(result.stdout).toMatch(
      /^ {4}Access token: +expires 2026-01-01T00:00:00.000Z \(expired; refreshed on next use\)$/m,
    );
  });

  it("meets another client's credentials with exit 7 (ls, token, status) and leaves them; login moves them aside", async () => {
    const env = await signedInEnv(sandbox);
    const stored = await readStored(env);
    await writeStored(env, { ...stored, client_id: 'someone-else.apps.googleusercontent.com' });
    const before = await readFile(credentialsPath(env), 'utf8');
    for (const command of ['ls', 'token', 'status']) {
      const result = await runCli([command], env);
      expect(result.code).toBe(7);
      expect(result.stderr).toContain(credentialsPath(env));
    }
    expect(await readFile(credentialsPath(env), 'utf8')).toBe(before);
    const login = await runCli(['login'], env);
    expect(login.code).toBe(0);
    const aside = /^Moved the unusable (.+) aside, to (.+)\.$/m.exec(login.stderr);
    expect(aside?.[1]).toBe(credentialsPath(env));
    expect(await readFile(aside?.[2] ?? '', 'utf8')).toBe(before);
    expect((await readStored(env)).client_id).toBe(sandbox.clientId);
  });

  it('refuses a client file that names another token endpoint than the one that issued the credentials', async () => {
    const env = await signedInEnv(sandbox);
    await expireStoredToken(env);
    const before = await readFile(credentialsPath(env), 'utf8');
    // A client_secret.json planted in the current folder: the same client id and secret, and
    // endpoints of its own (on one loopback origin, which DRIVE_CLI_SANDBOX lets through).
    const received: string[] = [];
    const planted = createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => planted.listen(0, '127.0.0.1', resolve));
    const otherEndpoint = `http://127.0.0.1:${(planted.address() as AddressInfo).port}/token`;
    const secrets = JSON.parse(await readFile(sandbox.clientSecretsPath, 'utf8'));
    const folder = dirname(env.DRIVE_CLI_CONFIG_DIR ?? '');
    await writeFile(
      join(folder, 'client_secret.json'),
      JSON.stringify({
        installed: {
          ...secrets.installed,
          auth_uri: new URL('/o/oauth2/auth', otherEndpoint).href,
          token_uri: otherEndpoint,
        },
      }),
    );
    const { DRIVE_CLI_CLIENT_SECRETS: _genuine, ...cwdEnv } = env;
    try {
      for (const command of ['ls', 'token', 'status', 'logout']) {
        const result = await runCli([command], cwdEnv, { cwd: folder });
        expect(`${command}: ${result.code} ${result.stderr}`).toMatch(
          new RegExp(`^${command}: 3 `),
        );
        expect(result.stderr).toContain(
          `drive-cli: The client configuration names the token endpoint ${otherEndpoint}, but the credentials in ${credentialsPath(env)} were issued by ${sandbox.tokenEndpoint};`,
        );
        expect(result.stderr).toContain('run drive-cli login to replace the credentials');
      }
      expect(received).toEqual([]);
      expect(await readFile(credentialsPath(env), 'utf8')).toBe(before);
    } finally {
      await new Promise((resolve) => planted.close(resolve));
    }
    // The genuine client file still works.
    expect((await runCli(['ls'], env)).code).toBe(0);
  });

  it('talks only to Google: a client file or API root elsewhere is refused before any request', async () => {
    const env = await signedInEnv(sandbox);
    const secrets = JSON.parse(await readFile(sandbox.clientSecretsPath, 'utf8'));
    const elsewhere = join(dirname(env.DRIVE_CLI_CONFIG_DIR ?? ''), 'elsewhere.json');
    await writeFile(
      elsewhere,
      JSON.stringify({
        installed: {
          ...secrets.installed,
          auth_uri: 'https://accounts.google.com/o/oauth2/auth',
          token_uri: 'https://oauth2.googleapis.com.evil.example/token',
        },
      }),
    );
    // As a user runs it: Google's API root, no sandbox switch.
    const { DRIVE_CLI_SANDBOX: _sandbox, DRIVE_CLI_API_ROOT: _root, ...google } = env;
    const result = await runCli(['login'], { ...google, DRIVE_CLI_CLIENT_SECRETS: elsewhere });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `drive-cli: ${elsewhere} sends "token_uri" to https://oauth2.googleapis.com.evil.example/token, which is not Google's;`,
    );
    const apiRoot = await runCli(['ls'], {
      ...env,
      DRIVE_CLI_API_ROOT: 'https://www.googleapis.com.evil.example/',
    });
    expect(apiRoot.code).toBe(2);
    expect(apiRoot.stderr).toMatch(/^drive-cli: DRIVE_CLI_API_ROOT must be on googleapis\.com/);
  });

  it("takes loopback endpoints only with DRIVE_CLI_SANDBOX, by IP literal, on one origin; Python's switch does nothing", async () => {
    const env = await signedInEnv(sandbox);
    const secrets = JSON.parse(await readFile(sandbox.clientSecretsPath, 'utf8'));
    const folder = dirname(env.DRIVE_CLI_CONFIG_DIR ?? '');
    const received: string[] = [];
    const listener = createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as AddressInfo).port;
    const planted = async (name: string, endpoints: object) => {
      const path = join(folder, name);
      await writeFile(path, JSON.stringify({ installed: { ...secrets.installed, ...endpoints } }));
      return path;
    };
    try {
      // OAUTHLIB_INSECURE_TRANSPORT, exported for some Python tool, lets nothing local through.
      const { DRIVE_CLI_SANDBOX: _sandbox, DRIVE_CLI_API_ROOT: apiRoot, ...withoutSwitch } = env;
      const pythonRoot = await runCli(['ls'], {
        ...withoutSwitch,
        DRIVE_CLI_API_ROOT: apiRoot,
        OAUTHLIB_INSECURE_TRANSPORT: '1',
      });
      expect(pythonRoot.code).toBe(2);
      const python = await runCli(['ls'], { ...withoutSwitch, OAUTHLIB_INSECURE_TRANSPORT: '1' });
      expect(python.code).toBe(3);
      expect(python.stderr).toMatch(/which is not Google's;/);
      expect(python.stderr).toContain('A local sandbox needs DRIVE_CLI_SANDBOX=1.');

      // Google's sign-in page paired with a local token endpoint: refused before any request.
      const mixed = await planted('mixed.json', {
        auth_uri: 'https://accounts.google.com/o/oauth2/auth',
        token_uri: `http://127.0.0.1:${port}/token`,
      });
      const login = await runCli(['login'], { ...env, DRIVE_CLI_CLIENT_SECRETS: mixed });
      expect(login.code).toBe(3);
      expect(login.stderr).toContain(
        'must send "auth_uri" and "token_uri" to one loopback origin (127.0.0.1 or [::1]);',
      );
      // A name, which may go to DNS, instead of an IP literal.
      const named = await planted('named.json', {
        auth_uri: `http://sandbox.localhost:${port}/o/oauth2/auth`,
        token_uri: `http://sandbox.localhost:${port}/token`,
      });
      expect((await runCli(['login'], { ...env, DRIVE_CLI_CLIENT_SECRETS: named })).code).toBe(3);
      const namedRoot = await runCli(['ls'], {
        ...env,
        DRIVE_CLI_API_ROOT: `http://localhost:${port}/`,
      });
      expect(namedRoot.code).toBe(2);
      expect(received).toEqual([]);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('logout after the grant was ended elsewhere says so and still deletes the file', async () => {
    const env = await signedInEnv(sandbox);
    const stored = await readStored(env);
    await revokeAtServer(sandbox, stored.refresh_token);
    const result = await runCli(['logout'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `The server had already ended the sign-in of sandbox.user@example.com. Deleted ${credentialsPath(env)}.\n`,
    );
    await expect(readFile(credentialsPath(env))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('drive-cli export > file', () => {
  itWith(posixModes)(
    'makes the file it writes the refresh token into readable by its owner alone',
    async () => {
      const env = await signedInEnv(sandbox);
      const path = join(dirname(env.DRIVE_CLI_CONFIG_DIR ?? ''), 'exported.json');
      // What `> exported.json` does under a usual umask: a file every user may read.
      const file = await open(path, 'w', 0o644);
      try {
        const child = spawn(process.execPath, [cliPath, 'export'], {
          env,
          stdio: ['ignore', file.fd, 'pipe'],
        });
        guardChild(child);
        expect((await exited(child)).code).toBe(0);
      } finally {
        await file.close();
      }
      await expectModeWherePosix(path, 0o600);
      expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({
        type: 'authorized_user',
        client_id: sandbox.clientId,
      });
    },
  );
});
