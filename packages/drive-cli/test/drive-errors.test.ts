import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { consentAgentPath } from '@installed-oauth/sandbox';
import { closedPort, startUntrustedHttpsServer, useSandbox } from '@installed-oauth/test-support';
import { describe, expect, it } from '@jest/globals';
import { expectNoSecret, readStored, runCli, sandboxEnv, signedInEnv } from './helpers.js';

const sandbox = useSandbox();

const storedSecrets = async (env: NodeJS.ProcessEnv) => {
  const stored = await readStored(env);
  return [stored.token, stored.refresh_token, sandbox.clientSecret];
};

/**
 * A stand-in for Google's Drive API that answers every request with one status and Google's
 * JSON error shape, for the answers the sandbox's emulator never gives (an outage, a grant
 * without the Drive scope, a token refused whatever happens).
 */
async function withMisbehavingDrive(
  status: number,
  error: { message: string; reason: string },
  run: (apiRoot: string, requests: () => number) => Promise<void>,
): Promise<void> {
  const body = {
    error: { code: status, message: error.message, errors: [{ ...error, domain: 'global' }] },
  };
  return withDriveAnswering(status, body, run);
}

/** A stand-in for the Drive API that gives every request the same answer. */
async function withDriveAnswering(
  status: number,
  body: object,
  run: (apiRoot: string, requests: () => number) => Promise<void>,
): Promise<void> {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res
      .writeHead(status, { 'content-type': 'application/json; charset=UTF-8' })
      .end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, () => requests);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('Drive API errors: a message saying what to do, and the documented exit code', () => {
  it('a bad --order-by exits 2 with the reason Drive gave', async () => {
    const env = await signedInEnv(sandbox);
    const result = await runCli(['ls', '--order-by', 'colour desc'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'drive-cli: Drive refused the request: Invalid field selection colour desc.\n  Check --order-by and --limit.\n',
    );
  });

  it('a grant without the Drive scope (403 insufficientPermissions) exits 5: sign in again', async () => {
    const env = await signedInEnv(sandbox);
    await withMisbehavingDrive(
      403,
      {
        message: 'Request had insufficient authentication scopes.',
        reason: 'insufficientPermissions',
      },
      async (apiRoot) => {
        const result = await runCli(['ls'], { ...env, DRIVE_CLI_API_ROOT: apiRoot });
        expect(result.code).toBe(5);
        expect(result.stderr).toMatch(
          /^drive-cli: The stored sign-in does not allow listing Drive files \(the Drive scope is missing\)\.\n {2}Run drive-cli login and leave the Drive permission ticked\.\n$/,
        );
      },
    );
  });

  it('a rate limit (403 without a scope problem) exits 6 and does not ask to sign in again', async () => {
    const env = await signedInEnv(sandbox);
    await withMisbehavingDrive(
      403,
      { message: 'User rate limit exceeded.', reason: 'userRateLimitExceeded' },
      async (apiRoot) => {
        const result = await runCli(['ls'], { ...env, DRIVE_CLI_API_ROOT: apiRoot });
        expect(result.code).toBe(6);
        expect(result.stderr).toBe(
          `drive-cli: The Drive API at ${apiRoot} answered 403: User rate limit exceeded.\n  Try again later.\n`,
        );
      },
    );
  });

  it('an outage (503) exits 6, naming the API and its answer', async () => {
    const env = await signedInEnv(sandbox);
    await withMisbehavingDrive(
      503,
      { message: 'Backend Error', reason: 'backendError' },
      async (apiRoot) => {
        const result = await runCli(['ls'], { ...env, DRIVE_CLI_API_ROOT: apiRoot });
        expect(result.code).toBe(6);
        expect(result.stderr).toBe(
          `drive-cli: The Drive API at ${apiRoot} answered 503: Backend Error.\n  Try again later.\n`,
        );
      },
    );
  });

  it('a token refused even after a refresh exits 5, after exactly one refresh and two tries', async () => {
    const env = await signedInEnv(sandbox);
    const refreshes = sandbox.counters.refreshGrants;
    await withMisbehavingDrive(
      401,
      { message: 'Request had invalid authentication credentials.', reason: 'authError' },
      async (apiRoot, requests) => {
        const result = await runCli(['ls'], { ...env, DRIVE_CLI_API_ROOT: apiRoot });
        expect(result.code).toBe(5);
        expect(result.stderr).toBe(
          'drive-cli: Drive refused the access token even after a refresh.\n  Run drive-cli login to sign in again.\n',
        );
        expect(requests()).toBe(2);
      },
    );
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
  });

  it('a redirect is not followed: the bearer token goes to the Drive API root only', async () => {
    const env = await signedInEnv(sandbox);
    const elsewhere: (string | undefined)[] = [];
    const other = createServer((req, res) => {
      elsewhere.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"files":[]}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(other.address() as AddressInfo).port}/drive/v3/files`;
    const redirecting = createServer((_req, res) => res.writeHead(302, { location: target }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      // With Node's fetch (as with a proxy set: loopback is reached directly) and without.
      for (const proxy of [{}, { HTTPS_PROXY: `http://127.0.0.1:${await closedPort()}` }]) {
        const result = await runCli(['ls'], {
          ...env,
          ...proxy,
          DRIVE_CLI_API_ROOT: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/`,
        });
        expect(result.code).toBe(6);
        expect(result.stderr).toMatch(
          /^drive-cli: The Drive API at .* answered with a redirect; drive-cli follows none/,
        );
      }
      expect(elsewhere).toEqual([]);
    } finally {
      await new Promise((resolve) => other.close(resolve));
      await new Promise((resolve) => redirecting.close(resolve));
    }
  });

  it("Drive's messages and the account's address reach the terminal escaped", async () => {
    const address = 'eve\u202emoc.elpmaxe@example.com';
    const env = await sandboxEnv(sandbox, {
      BROWSER: `"${process.execPath}" "${consentAgentPath}" --login "${address}"`,
    });
    const login = await runCli(['login'], env);
    expect(login.code).toBe(0);
    expect(login.stderr).toContain('Signed in as eve\\u202emoc.elpmaxe@example.com.');
    const status = await runCli(['status', '--offline'], env);
    expect(status.stdout).toContain('* eve\\u202emoc.elpmaxe@example.com (active)');
    // The sandbox, like Drive, repeats the bad field in its message.
    const bad = await runCli(['ls', '--order-by', 'name\u001b]52;c;ZXZpbA==\u0007'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('name\\x1b]52;c;ZXZpbA==\\x07');
    for (const output of [login.stderr, status.stdout, bad.stderr]) {
      for (const raw of ['\u001b', '\u0007', '\u202e']) expect(output).not.toContain(raw);
    }
  });

  it('--debug adds the stack and its causes, and still no secret', async () => {
    const env = await signedInEnv(sandbox);
    const result = await runCli(['ls', '--debug'], {
      ...env,
      DRIVE_CLI_API_ROOT: `http://127.0.0.1:${await closedPort()}/`,
    });
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/^drive-cli: Could not reach the Drive API/);
    expect(result.stderr).toMatch(/\n {4}at .*\n/); // a stack frame
    expect(result.stderr).toMatch(/\ncaused by: .*ECONNREFUSED/);
    expectNoSecret(result.stderr, await storedSecrets(env));
  });
});

describe('behind a company proxy that inspects HTTPS', () => {
  it('names the untrusted certificate and how to make Node trust it (exit 6), the token never sent on', async () => {
    const env = await signedInEnv(sandbox);
    const requests: string[] = [];
    const untrusted = await startUntrustedHttpsServer((req, res) => {
      requests.push(String(req.url));
      res.writeHead(500).end();
    });
    try {
      const result = await runCli(['ls'], { ...env, DRIVE_CLI_API_ROOT: `${untrusted.origin}/` });
      expect(result.code).toBe(6);
      expect(result.stderr).toContain(
        `drive-cli: Could not reach ${untrusted.origin} while listing Drive files: a certificate in the chain is not trusted by Node (DEPTH_ZERO_SELF_SIGNED_CERT) — probably a company proxy inspecting HTTPS.`,
      );
      // Where Node can (22.19 / 24.5 and later) drive-cli has tried the system's certificates
      // (system-certificates.test.ts), so the fix named is the company's certificate itself.
      const systemStore =
        typeof (tls as { setDefaultCACertificates?: unknown }).setDefaultCACertificates ===
        'function';
      expect(result.stderr).toMatch(
        systemStore
          ? /^ {2}drive-cli already trusts the operating system's certificates here, and your company's root certificate is not among them: set NODE_EXTRA_CA_CERTS to it/m
          : /^ {2}Set NODE_EXTRA_CA_CERTS to your company's root certificate/m,
      );
      // The TLS handshake failed: no request, so no bearer token, reached the server.
      expect(requests).toEqual([]);
      expectNoSecret(result.stderr, [(await readStored(env)).token]);
    } finally {
      await untrusted.close();
    }
  });
});

describe('a listing with gaps', () => {
  it('leaves a cell empty for what Drive left out or sent unreadable', async () => {
    const env = await signedInEnv(sandbox);
    const files = [
      { mimeType: 'application/pdf' },
      { id: '1abc', name: 'Untyped', modifiedTime: 'not a time' },
    ];
    await withDriveAnswering(200, { files }, async (apiRoot) => {
      const result = await runCli(['ls'], { ...env, DRIVE_CLI_API_ROOT: apiRoot });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('\t\tPDF\t\nUntyped\t\t\t1abc\n');
    });
    await withDriveAnswering(200, {}, async (apiRoot) => {
      const result = await runCli(['ls'], { ...env, DRIVE_CLI_API_ROOT: apiRoot });
      expect([result.code, result.stdout]).toEqual([0, '']);
    });
  });
});
