import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  consentAgentPath,
  runConsentAgent,
  seedDriveFiles,
  startSandbox,
} from '@installed-oauth/sandbox';
import {
  closedPort,
  describeWith,
  expectModeWherePosix,
  itWith,
  posix,
  pseudoTerminal,
  refreshStatusAtServer,
  signals,
  useSandbox,
} from '@installed-oauth/test-support';
import { describe, expect, it } from '@jest/globals';
import {
  BROWSER_THAT_OPENS_NOTHING,
  cliPath,
  credentialsPath,
  expectNoSecret,
  expireStoredToken,
  readStored,
  revokeAtServer,
  runCli,
  sandboxEnv,
  signedInEnv,
  startCli,
} from './helpers.js';

const exec = promisify(execFile);
const sandbox = useSandbox();

const topFive = seedDriveFiles()
  .filter((file) => file.modifiedByMeTime)
  .sort((a, b) => String(b.modifiedByMeTime).localeCompare(String(a.modifiedByMeTime)))
  .slice(0, 5)
  .map((file) => file.name);

describe('help and version', () => {
  it('print to stdout, exit 0 and create no files', async () => {
    const env = await sandboxEnv(sandbox);
    const help = await runCli(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: drive-cli/);
    expect(help.stdout).toMatch(/Exit codes:/);
    const lsHelp = await runCli(['ls', '--help'], env);
    expect(lsHelp.stdout).toMatch(/--order-by <expr>/);
    const version = await runCli(['--version'], env);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(existsSync(env.DRIVE_CLI_CONFIG_DIR ?? '')).toBe(false);
  });
});

describe('drive-cli ls', () => {
  it('signs in on first use, stores the credentials safely, and lists the five most recently modified files', async () => {
    const env = await sandboxEnv(sandbox);
    const exchanges = sandbox.counters.authorizationCodeGrants;
    const first = await runCli(['ls'], env);
    expect(first.code).toBe(0);
    expect(
      first.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.split('\t')[0]),
    ).toEqual(topFive);
    expect(first.stderr).toMatch(
      /Please visit this URL to authorize this application: http:\/\/127\.0\.0\.1/,
    );
    expect(first.stderr).toMatch(/Signed in as sandbox\.user@example\.com\. Credentials saved to /);
    expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 1);

    const stored = await readStored(env);
    expect(stored).toMatchObject({
      type: 'authorized_user',
      client_id: sandbox.clientId,
      token_uri: sandbox.tokenEndpoint,
    });
    await expectModeWherePosix(credentialsPath(env), 0o600);
    await expectModeWherePosix(env.DRIVE_CLI_CONFIG_DIR ?? '', 0o700);
    expectNoSecret(first.stdout + first.stderr, [
      sandbox.clientSecret,
      stored.refresh_token,
      stored.token,
    ]);

    const second = await runCli(['ls'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toBe('');
    expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 1);
  });

  it('prints the Drive response object with --json, and honours --limit and --order-by', async () => {
    const env = await signedInEnv(sandbox);
    const result = await runCli(['ls', '--json', '--limit', '3', '--order-by', 'name'], env);
    expect(result.code).toBe(0);
    const response = JSON.parse(result.stdout);
    expect(response.files).toHaveLength(3);
    expect(response.nextPageToken).toEqual(expect.any(String));
    const names = response.files.map((file: { name: string }) => file.name);
    expect([...names].sort((a, b) => a.localeCompare(b, 'en'))).toEqual(names);
  });

  it('refreshes an expired access token by itself and stores the new one', async () => {
    const env = await signedInEnv(sandbox);
    const stored = await readStored(env);
    await expireStoredToken(env);
    const refreshes = sandbox.counters.refreshGrants;
    const result = await runCli(['ls'], env);
    expect(result.code).toBe(0);
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
    const after = await readStored(env);
    expect(after.token).not.toBe(stored.token);
    expect(after.refresh_token).toBe(stored.refresh_token);
    await expectModeWherePosix(credentialsPath(env), 0o600);
  });

  it('refreshes once and retries when Drive answers 401 before the expiry', async () => {
    const env = await signedInEnv(sandbox);
    const stored = await readStored(env);
    await writeFile(
      credentialsPath(env),
      JSON.stringify({ ...stored, token: 'ya29.revoked-or-garbled' }),
      { mode: 0o600 },
    );
    const refreshes = sandbox.counters.refreshGrants;
    const result = await runCli(['ls'], env);
    expect(result.code).toBe(0);
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
  });

  it('asks to sign in again (exit 5) when the grant was revoked, leaving the file unchanged', async () => {
    const env = await signedInEnv(sandbox);
    const stored = await readStored(env);
    await revokeAtServer(sandbox, stored.refresh_token);
    const before = await readFile(credentialsPath(env), 'utf8');
    const result = await runCli(['ls'], env);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(
      /^drive-cli: The stored authorization is no longer valid: invalid_grant/,
    );
    expect(result.stderr).toMatch(/^ {2}Run drive-cli login to sign in again\.$/m);
    expect(result.stdout).toBe('');
    expect(await readFile(credentialsPath(env), 'utf8')).toBe(before);
    expectNoSecret(result.stderr, [stored.refresh_token, stored.token, sandbox.clientSecret]);
  });

  it('neutralises control characters and ANSI escapes in file names in pipes (terminal.test.ts: on a terminal)', async () => {
    const files = seedDriveFiles().filter((file) => file.name.includes('\u001b'));
    const hostile = await startSandbox({ files });
    try {
      const env = await sandboxEnv(hostile);
      const result = await runCli(['ls'], env);
      expect(result.code).toBe(0);
      // Only tabs and newlines, the table's own, may remain.
      expect(result.stdout.replace(/[\t\n]/g, '')).not.toMatch(/\p{Cc}/u);
      expect(result.stdout).toContain('Weird \\x1b[31mred\\x1b[0m name\\x07.txt');
    } finally {
      await hostile.close();
    }
  });

  itWith(posix('a shell pipeline whose reader goes away: EPIPE'))(
    'exits quietly when the reader of its output goes away (ls | head -1)',
    async () => {
      const env = await signedInEnv(sandbox);
      const { stdout, stderr } = await exec(
        'bash',
        ['-o', 'pipefail', '-c', `"${process.execPath}" "${cliPath}" ls --limit 100 | head -1`],
        { env },
      );
      expect(stdout.split('\n').filter(Boolean)).toHaveLength(1);
      expect(stderr).toBe('');
      // A reader that is gone before anything is written: the write fails with EPIPE.
      const gone = await exec(
        'bash',
        ['-o', 'pipefail', '-c', `"${process.execPath}" "${cliPath}" ls --limit 100 | true`],
        { env },
      );
      expect(gone.stderr).toBe('');
    },
  );
});

describe('other commands', () => {
  it('status shows account, scopes, expiry and path — never a secret', async () => {
    const env = await signedInEnv(sandbox);
    const stored = await readStored(env);
    const result = await runCli(['status'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\* sandbox\.user@example\.com \(active\)$/m);
    expect(result.stdout).toMatch(/^ {4}Grant: +valid \(checked with Google\)$/m);
    expect(result.stdout).toMatch(/^ {4}Scopes: +.*drive\.metadata\.readonly/m);
    expect(result.stdout).toMatch(/^ {4}Access token: +expires \d{4}-\d\d-\d\dT\S+$/m);
    expect(result.stdout).toContain(`Stored in:     ${credentialsPath(env)} (file, mode 0600)`);
    expectNoSecret(result.stdout + result.stderr, [
      stored.refresh_token,
      stored.token,
      sandbox.clientSecret,
    ]);
    const json = JSON.parse((await runCli(['status', '--json'], env)).stdout);
    expect(json).toMatchObject({
      clientId: sandbox.clientId,
      accounts: [
        {
          email: 'sandbox.user@example.com',
          active: true,
          grant: 'valid',
          credentialsPath: credentialsPath(env),
          storage: 'file',
        },
      ],
    });
  });

  it('token prints a valid access token on stdout and nothing else', async () => {
    const env = await signedInEnv(sandbox);
    const result = await runCli(['token'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const token = result.stdout.trim();
    const response = await fetch(`${sandbox.driveApiRoot}drive/v3/files?pageSize=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
  });

  it('logout revokes at the server, deletes the file, and a second logout has nothing to do', async () => {
    const env = await signedInEnv(sandbox);
    const stored = await readStored(env);
    const revocations = sandbox.counters.revocations;
    const result = await runCli(['logout'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^Signed out of sandbox\.user@example\.com: access revoked and /m,
    );
    expect(sandbox.counters.revocations).toBe(revocations + 1);
    expect(existsSync(credentialsPath(env))).toBe(false);
    expect(await refreshStatusAtServer(sandbox, stored.refresh_token)).toBe(400);
    const again = await runCli(['logout'], env);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/Not signed in; nothing to do/);
  });

  it('status and token without credentials exit 5', async () => {
    const env = await sandboxEnv(sandbox);
    for (const command of ['status', 'token']) {
      const result = await runCli([command], env);
      expect(result.code).toBe(5);
      expect(result.stderr).toMatch(/Not signed in/);
      expect(result.stderr).toMatch(/drive-cli login/);
    }
  });
});

describe('redirect strategies', () => {
  it('--redirect console: the user pastes the address the browser landed on', async () => {
    const env = await sandboxEnv(sandbox, { BROWSER: '' });
    const cli = startCli(['login', '--redirect', 'console'], env, { stdin: 'pipe' });
    const [, link] = await cli.waitForStderr(/^ {2}(http:\S+)$/m);
    const { redirectUrl } = await runConsentAgent(link ?? '', { deliver: false });
    cli.child.stdin?.write(`${redirectUrl}\n`);
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Paste the address: /);
    expect(existsSync(credentialsPath(env))).toBe(true);
    expectNoSecret(result.stderr, [new URL(redirectUrl).searchParams.get('code') ?? undefined]);
  });

  itWith(pseudoTerminal)(
    '--no-browser: the browser redirect reaching the receiver wins while the paste prompt is open',
    async () => {
      const env = await sandboxEnv(sandbox, { BROWSER: '' });
      const cli = startCli(['login', '--no-browser'], env, { stdin: 'pipe' });
      const [, link] = await cli.waitForStderr(/authorize this application: (\S+)/);
      await runConsentAgent(link ?? '');
      const result = await cli.done;
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/paste it here/);
    },
  );

  it.each([
    ['on a machine without a display', { DISPLAY: '', WAYLAND_DISPLAY: '' }],
    [
      'in an SSH session, display or not',
      { DISPLAY: ':0', SSH_CONNECTION: '10.0.0.2 50000 10.0.0.1 22' },
    ],
  ])('falls back to printing the link and accepting a paste %s', async (_name, extra) => {
    // The person is at a terminal (an SSH session has one), where they paste.
    const env = await sandboxEnv(sandbox, { BROWSER: '', ...extra });
    const cli = startCli(['login'], env, { stdin: 'pipe', terminal: true });
    const [, link] = await cli.waitForStderr(/authorize this application: (\S+)\r\n/);
    await cli.waitForStderr(/Paste the address: $/);
    const { redirectUrl } = await runConsentAgent(link ?? '', { deliver: false });
    cli.child.stdin?.write(`${redirectUrl}\r`);
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^No browser can be opened here/m);
    expect(result.stdout).toMatch(/Signed in as sandbox\.user@example\.com\./);
  });
});

describeWith(pseudoTerminal)('WSL', () => {
  it('opens the browser and offers the paste prompt too, since the redirect may never arrive', async () => {
    // The "browser" opens on Windows but its redirect never reaches the Linux side.
    const env = await sandboxEnv(sandbox, {
      BROWSER: BROWSER_THAT_OPENS_NOTHING,
      WSL_DISTRO_NAME: 'Ubuntu',
    });
    const cli = startCli(['login'], env, { stdin: 'pipe', terminal: true });
    const [, link] = await cli.waitForStderr(/authorize this application: (\S+)\r\n/);
    await cli.waitForStderr(/Paste the address: $/);
    const { redirectUrl } = await runConsentAgent(link ?? '', { deliver: false });
    cli.child.stdin?.write(`${redirectUrl}\r`);
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("In WSL the browser's redirect may not reach drive-cli;");
    expect(result.stdout).toMatch(/Signed in as sandbox\.user@example\.com\./);
  });

  it('opens the Windows browser with wslview, though Linux has no display there', async () => {
    // wslview (the distribution's opener of Windows programs) is played by the consent agent,
    // which follows the link as a browser would; it notes the address it was given.
    const bin = await mkdtemp(join(tmpdir(), 'drive-cli-wsl-'));
    const opened = join(bin, 'opened');
    await writeFile(
      join(bin, 'wslview'),
      `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\nexec '${process.execPath}' '${consentAgentPath}' "$1"\n`,
      { mode: 0o755 },
    );
    const env = await sandboxEnv(sandbox, {
      BROWSER: undefined,
      DISPLAY: undefined,
      WSL_DISTRO_NAME: 'Ubuntu',
      PATH: `${bin}:${process.env.PATH}`,
    });
    const cli = startCli(['login'], env, { stdin: 'pipe', terminal: true });
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('No browser can be opened here');
    expect(result.stdout).toMatch(/Signed in as sandbox\.user@example\.com\./);
    const [, link] = /authorize this application: (\S+)\r\n/.exec(result.stdout) ?? [];
    expect(await readFile(opened, 'utf8')).toBe(link);
  });
});

describe('failures: message, exit code, and nothing changed on disk', () => {
  it('a denied consent exits 4', async () => {
    const env = await sandboxEnv(sandbox, {
      BROWSER: `"${process.execPath}" "${consentAgentPath}" --deny`,
    });
    const result = await runCli(['ls'], env);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^drive-cli: Access was denied \(access_denied/m);
    expect(existsSync(credentialsPath(env))).toBe(false);
  });

  it('a timeout exits 4', async () => {
    const env = await sandboxEnv(sandbox, { BROWSER: BROWSER_THAT_OPENS_NOTHING });
    const result = await runCli(['login', '--timeout', '0.5'], env);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^drive-cli: The sign-in did not finish within 0.5 seconds\.$/m);
    expect(existsSync(credentialsPath(env))).toBe(false);
  });

  it('--timeout bounds the code exchange too: a token endpoint that never answers ends in time', async () => {
    // The browser leg completes; Google (here, the sandbox) then never answers the exchange.
    const env = await sandboxEnv(sandbox);
    const held = sandbox.counters.heldTokenRequests;
    sandbox.holdTokenRequests = true;
    let result: Awaited<ReturnType<typeof runCli>>;
    try {
      result = await runCli(['login', '--timeout', '10'], env);
    } finally {
      sandbox.holdTokenRequests = false;
    }
    expect(sandbox.counters.heldTokenRequests).toBe(held + 1);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^drive-cli: The sign-in did not finish within 10 seconds\.$/m);
    expect(existsSync(credentialsPath(env))).toBe(false);
  });

  itWith(signals)('Ctrl-C while waiting exits 130', async () => {
    const env = await sandboxEnv(sandbox, { BROWSER: BROWSER_THAT_OPENS_NOTHING });
    const cli = startCli(['login'], env);
    await cli.waitForStderr(/authorize this application/);
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/cancelled/);
  });

  it.each([
    ['missing', null, /Cannot read the client secrets file .*: no such file\./],
    ['not JSON', '{"installed": ', /is not a valid OAuth client file:\n {2}- not valid JSON/],
    [
      'a service-account key',
      JSON.stringify({ type: 'service_account', private_key: 'x' }),
      /service-account key/,
    ],
  ])('a %s client_secret.json exits 3, naming the file', async (_name, content, message) => {
    const env = await sandboxEnv(sandbox);
    const path = join(env.DRIVE_CLI_CONFIG_DIR ?? '', '..', 'client_secret.json');
    if (content !== null) await writeFile(path, content);
    const result = await runCli(['ls', '--client-secrets', path], env);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(path);
    expect(existsSync(env.DRIVE_CLI_CONFIG_DIR ?? '')).toBe(false);
  });

  it('a Drive API that is down exits 6, keeping the credentials', async () => {
    const env = await signedInEnv(sandbox);
    const before = await readFile(credentialsPath(env), 'utf8');
    const apiRoot = `http://127.0.0.1:${await closedPort()}/`;
    const result = await runCli(['ls'], { ...env, DRIVE_CLI_API_ROOT: apiRoot });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(
      `drive-cli: Could not reach the Drive API at ${apiRoot} (ECONNREFUSED).`,
    );
    expect(await readFile(credentialsPath(env), 'utf8')).toBe(before);
  });

  it('an authorization server that is down exits 6', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'drive-cli-down-'));
    const down = await startSandbox({ directory: folder });
    const env = await sandboxEnv(down);
    await down.close(); // its client_secret.json stays in our folder
    const cli = startCli(['login', '--redirect', 'console'], env, { stdin: 'pipe' });
    const [, link] = await cli.waitForStderr(/^ {2}(http:\S+)$/m);
    const state = new URL(link ?? '').searchParams.get('state');
    cli.child.stdin?.write(`http://127.0.0.1:8/?code=4%2F0Aabcdefghijkl&state=${state}\n`);
    const result = await cli.done;
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(
      /^drive-cli: Could not reach http:\/\/127\.0\.0\.1:\d+ while exchanging the authorization code: (fetch failed: )?ECONNREFUSED/m,
    );
    expect(existsSync(credentialsPath(env))).toBe(false);
  });

  it('a config folder that cannot be created exits 7', async () => {
    const env = await sandboxEnv(sandbox);
    const blocker = join(env.DRIVE_CLI_CONFIG_DIR ?? '', '..', 'a-file');
    await writeFile(blocker, 'not a folder');
    const result = await runCli(['ls'], { ...env, DRIVE_CLI_CONFIG_DIR: join(blocker, 'config') });
    expect(result.code).toBe(7);
    expect(result.stderr).toMatch(/a part of the path is not a folder/);
  });

  it.each([
    [['ls', '--limit', 'ten'], /--limit must be a whole number from 1 to 100000, got "ten"/],
    [['ls', '--redirect', 'carrier-pigeon'], /argument 'carrier-pigeon' is invalid/],
    [['frobnicate', 'x'], /too many arguments|unknown command/],
    [['ls', '--port', '99999'], /--port must be a whole number/],
    [['ls', '--config-dir', ' '], /--config-dir must not be empty/],
    [['login', '--host', 'example.com'], /--host must be 127\.0\.0\.1 or ::1, got "example\.com"/],
    [
      ['login', '--host', 'localhost'],
      /--host localhost names the loopback by name; give its address: 127\.0\.0\.1 or ::1\.\n {2}A name binds only one of/,
    ],
    [['login', '--host', 'evil.localhost'], /--host evil\.localhost names the loopback by name/],
    [['login', '--timeout', '0'], /--timeout must be a positive number of seconds, got "0"/],
    [['login', '--timeout', 'soon'], /--timeout must be a positive number of seconds, got "soon"/],
  ])('usage error %j exits 2', async (args, message) => {
    const env = await sandboxEnv(sandbox);
    const result = await runCli(args, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('refuses to send the token to a plain-http API root that is not loopback (exit 2)', async () => {
    const env = await sandboxEnv(sandbox, { DRIVE_CLI_API_ROOT: 'http://drive.example.com/' });
    const result = await runCli(['ls'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/DRIVE_CLI_API_ROOT must be an https URL/);
  });
});
