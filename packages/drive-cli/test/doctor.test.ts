// `drive-cli doctor`, with one thing broken at a time, against the sandbox: every request goes
// to 127.0.0.1. Each failure is reported on its own line with what to do, and doctor exits with
// the code the other commands would end with for the first one.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { consentAgentPath } from '@installed-oauth/sandbox';
import {
  clockOff,
  closedPort,
  faketime,
  itWith,
  linux,
  posixModes,
  startUntrustedHttpsServer,
  useSandbox,
} from '@installed-oauth/test-support';
import { describe, expect, it } from '@jest/globals';
import { createProxy } from 'proxy';
import {
  credentialsPath,
  expectNoSecret,
  googleEnv,
  readStored,
  revokeAtServer,
  runCli,
  SANDBOX_USER,
  sandboxEnv,
  signedInEnv,
} from './helpers.js';

const sandbox = useSandbox();

interface Report {
  ok: boolean;
  checks: { name: string; status: 'pass' | 'warn' | 'fail'; detail: string; fix?: string }[];
}

async function doctor(env: NodeJS.ProcessEnv) {
  const text = await runCli(['doctor'], env);
  const json = await runCli(['doctor', '--json'], env);
  if (!json.stdout) throw new Error(`doctor --json printed nothing: ${json.code} ${json.stderr}`);
  return { text, json, report: JSON.parse(json.stdout) as Report };
}

/** Each check's name and status, in order. */
const statuses = (report: Report) => report.checks.map((check) => [check.name, check.status]);

/** A client file whose endpoints are all at `origin` (the sandbox's paths). */
async function clientAt(env: NodeJS.ProcessEnv, origin: string): Promise<string> {
  const client = JSON.parse(await readFile(sandbox.clientSecretsPath, 'utf8'));
  for (const field of ['auth_uri', 'token_uri'])
    client.installed[field] = client.installed[field].replace(sandbox.issuer, origin);
  const path = join(env.DRIVE_CLI_CONFIG_DIR ?? '', '..', 'client_secret.json');
  await writeFile(path, JSON.stringify(client));
  return path;
}

describe('drive-cli doctor', () => {
  it('checks everything and exits 0 on a working setup, printing no secret', async () => {
    const env = await signedInEnv(sandbox);
    const { text, json, report } = await doctor(env);
    expect(json.code).toBe(0);
    expect(report.ok).toBe(true);
    expect(statuses(report)).toEqual([
      ['Node.js', 'pass'],
      ['Config folder', 'pass'],
      ['OAuth client', 'pass'],
      ['Keyring', 'pass'],
      ['Token endpoint', 'pass'],
      ['Drive API', 'pass'],
      ['Clock', 'pass'],
      [`Account ${SANDBOX_USER}`, 'pass'],
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^✓ Node\.js +v\d+/m);
    expect(text.stdout).toContain(`✓ Account ${SANDBOX_USER}`);
    expect(text.stdout).toContain('valid (checked with Google), active; kept in a file');
    const stored = await readStored(env);
    for (const output of [text.stdout, text.stderr, json.stdout, json.stderr])
      expectNoSecret(output, [stored.refresh_token, stored.token, sandbox.clientSecret]);
  });

  itWith(linux('a Linux session without a Secret Service'))(
    'says when no keyring answers, where new sign-ins will go instead, and still exits 0',
    async () => {
      const { DRIVE_CLI_INSECURE_STORAGE: _files, ...env } = await sandboxEnv(sandbox);
      const { text, report } = await doctor(env);
      expect(report.checks.find((check) => check.name === 'Keyring')).toMatchObject({
        status: 'warn',
        detail: expect.stringMatching(
          /is not available .*: new sign-ins are kept in files \(mode 0600\)\.$/,
        ),
        fix: expect.stringContaining('or use the file store'),
      });
      expect(text.stdout).toMatch(/^! Keyring /m);
      // Not signed in yet: said, with what to do, and not a failure.
      expect(report.checks.at(-1)).toMatchObject({
        name: 'Accounts',
        status: 'warn',
        fix: 'Run drive-cli login.',
      });
      expect(text.code).toBe(0);
    },
  );

  itWith(posixModes)(
    'refuses a config folder other users can change, or one above it: exit 7, with the chmod that fixes it',
    async () => {
      const env = await signedInEnv(sandbox);
      const folder = env.DRIVE_CLI_CONFIG_DIR ?? '';
      await chmod(folder, 0o777);
      const { text, report } = await doctor(env);
      // The words the account store uses when it refuses the folder.
      expect(report.checks[1]).toMatchObject({
        name: 'Config folder',
        status: 'fail',
        detail: `${folder} can be changed by other users (mode 777); refusing to use it.`,
        fix: `Run: chmod go-w ${folder}`,
      });
      expect(text.code).toBe(7);
      expect(text.stdout).toMatch(
        /^✗ Config folder +\S+ can be changed by other users \(mode 777\); refusing to use it\.$/m,
      );
      expect(text.stdout).toMatch(/^ +→ Run: chmod go-w /m);
      // A folder above it that others may change lets them swap the config folder: named too.
      await chmod(folder, 0o700);
      const above = dirname(folder);
      await chmod(above, 0o777);
      const again = await doctor(env);
      expect(again.report.checks[1]).toMatchObject({
        name: 'Config folder',
        status: 'fail',
        detail: `${above} can be changed by other users (mode 777); refusing to use it.`,
        fix: `Run: chmod go-w ${above}`,
      });
      await chmod(above, 0o700);
      // The accounts there cannot be trusted either: said too, after the folder.
      expect(report.checks.at(-1)).toMatchObject({ name: 'Accounts', status: 'fail' });
      expect(text.stderr).toMatch(/^drive-cli: 2 checks failed: Config folder, Accounts\.$/m);
    },
  );

  it('names an unreachable token endpoint and Drive API: exit 6, accounts not checked', async () => {
    const env = await sandboxEnv(sandbox);
    const origin = `http://127.0.0.1:${await closedPort()}`;
    const { text, report } = await doctor({
      ...env,
      DRIVE_CLI_CLIENT_SECRETS: await clientAt(env, origin),
      DRIVE_CLI_API_ROOT: `${origin}/`,
    });
    expect(report.checks.slice(4)).toEqual([
      expect.objectContaining({
        name: 'Token endpoint',
        status: 'fail',
        detail: `Cannot reach ${origin} (the connection was refused).`,
      }),
      expect.objectContaining({ name: 'Drive API', status: 'fail' }),
    ]);
    expect(text.code).toBe(6);
  });

  it('says a certificate is not trusted (a company proxy inspecting HTTPS): exit 6, with the fix', async () => {
    const env = await sandboxEnv(sandbox);
    const proxy = await startUntrustedHttpsServer((_request, response) => response.end('{}'));
    try {
      const { text, report } = await doctor({
        ...env,
        DRIVE_CLI_CLIENT_SECRETS: await clientAt(env, proxy.origin),
        DRIVE_CLI_API_ROOT: `${proxy.origin}/`,
        // The operating system's store (read on Node 22.19+) does not have it either.
        SSL_CERT_FILE: join(env.DRIVE_CLI_CONFIG_DIR ?? '', 'no-such.pem'),
      });
      expect(report.checks[4]).toMatchObject({
        name: 'Token endpoint',
        status: 'fail',
        detail: expect.stringMatching(
          /a certificate in the chain is not trusted by Node .* The certificate presented was issued by "127\.0\.0\.1"\.$/,
        ),
        fix: expect.stringContaining('NODE_EXTRA_CA_CERTS'),
      });
      expect(text.code).toBe(6);
    } finally {
      await proxy.close();
    }
  });

  itWith(faketime)("names a clock 3 hours off Google's and by how much: exit 4", async () => {
    const env = await signedInEnv(sandbox);
    const { text, report } = await doctor({
      ...env,
      ...clockOff('+3h'),
      BROWSER: `env -u LD_PRELOAD "${process.execPath}" "${consentAgentPath}"`,
    });
    expect(report.checks.find((check) => check.name === 'Clock')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining("This computer's clock is 3 h 00 min ahead of"),
    });
    // Accounts cannot be checked with a clock that far off: not tried.
    expect(report.checks.at(-1)?.name).toBe('Clock');
    expect(text.code).toBe(4);
  });

  it('names an account whose grant is gone: exit 5, sign in again', async () => {
    const env = await signedInEnv(sandbox);
    await revokeAtServer(sandbox, (await readStored(env)).refresh_token);
    const { text, report } = await doctor(env);
    expect(report.checks.at(-1)).toMatchObject({
      name: `Account ${SANDBOX_USER}`,
      status: 'fail',
      fix: 'Run drive-cli login to sign in again.',
    });
    expect(text.code).toBe(5);
  });

  it('reports a missing client file with what to do, and checks the rest it can', async () => {
    const env = await sandboxEnv(sandbox);
    const folder = join(env.DRIVE_CLI_CONFIG_DIR ?? '', '..', 'empty');
    await mkdir(folder);
    const { text, report } = await doctor({
      ...env,
      DRIVE_CLI_CLIENT_SECRETS: join(folder, 'client_secret.json'),
    });
    expect(statuses(report)).toEqual([
      ['Node.js', 'pass'],
      ['Config folder', 'pass'],
      ['OAuth client', 'fail'],
      ['Keyring', 'pass'],
    ]);
    expect(report.checks[2]?.fix).toContain('DRIVE_CLI_CLIENT_ID and DRIVE_CLI_CLIENT_SECRET');
    expect(text.code).toBe(3);
  });

  itWith(faketime)(
    'a clock 10 minutes off: says so, and everything still works (exit 0)',
    async () => {
      const env = await signedInEnv(sandbox);
      const { text, report } = await doctor({ ...env, ...clockOff('+10m') });
      expect(report.checks.find((check) => check.name === 'Clock')).toMatchObject({
        status: 'warn',
        detail: expect.stringMatching(
          /^within 6\d\d s of the token endpoint's: drive-cli copes with minutes/,
        ),
      });
      expect(report.checks.at(-1)).toMatchObject({
        name: `Account ${SANDBOX_USER}`,
        status: 'pass',
      });
      expect(text.code).toBe(0);
    },
  );

  it('names an account whose file cannot be read: exit 7', async () => {
    const env = await signedInEnv(sandbox);
    await writeFile(credentialsPath(env), 'not json', { mode: 0o600 });
    const { text, report } = await doctor(env);
    expect(report.checks.at(-1)).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('is not a usable credentials file'),
    });
    expect(text.code).toBe(7);
  });

  it("asks Google's endpoints through the proxy drive-cli would use, and never prints its password", async () => {
    // The client as values, with Google's endpoints; the proxy (on 127.0.0.1) refuses to
    // forward anything, so nothing leaves this machine.
    const password = 'proxy-password-never-printed';
    const seen: string[] = [];
    const proxy = createProxy(createServer());
    proxy.authenticate = () => false;
    proxy.on('connect', (request) => seen.push(`CONNECT ${request.url}`));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (proxy.address() as AddressInfo).port;
      const env = await googleEnv(sandbox, {
        DRIVE_CLI_CLIENT_ID: 'doctor.apps.googleusercontent.com',
        DRIVE_CLI_CLIENT_SECRET: 'GOCSPX-doctor-never-printed',
        HTTPS_PROXY: `http://user:${password}@127.0.0.1:${port}`,
      });
      const { text, json, report } = await doctor(env);
      expect(report.checks[2]).toMatchObject({
        name: 'OAuth client',
        status: 'pass',
        detail:
          "DRIVE_CLI_CLIENT_ID and DRIVE_CLI_CLIENT_SECRET: doctor.apps.googleusercontent.com, endpoints Google's",
      });
      expect(statuses(report).slice(4)).toEqual([
        ['Token endpoint', 'fail'],
        ['Drive API', 'fail'],
      ]);
      expect(seen.sort()).toEqual([
        'CONNECT oauth2.googleapis.com:443',
        'CONNECT oauth2.googleapis.com:443',
        'CONNECT www.googleapis.com:443',
        'CONNECT www.googleapis.com:443',
      ]);
      expect(text.code).toBe(6);
      for (const output of [text.stdout, text.stderr, json.stdout, json.stderr])
        expectNoSecret(output, [password, 'GOCSPX-doctor-never-printed']);
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it("refuses a client whose endpoints are not Google's, and a config folder that is a file", async () => {
    // Without the sandbox switch, the sandbox's client is refused before any request is sent.
    const {
      DRIVE_CLI_SANDBOX: _sandbox,
      DRIVE_CLI_API_ROOT: _root,
      ...env
    } = await sandboxEnv(sandbox);
    await writeFile(env.DRIVE_CLI_CONFIG_DIR ?? '', 'a file where the folder should be');
    const { text, report } = await doctor(env);
    expect(report.checks[1]).toMatchObject({
      name: 'Config folder',
      status: 'fail',
      detail: `${env.DRIVE_CLI_CONFIG_DIR} is not a folder.`,
    });
    expect(report.checks[2]).toMatchObject({
      name: 'OAuth client',
      status: 'fail',
      detail: expect.stringContaining("which is not Google's"),
    });
    expect(text.code).toBe(7);
  });

  it('says the clock was not checked when the token endpoint sends no Date header', async () => {
    const env = await sandboxEnv(sandbox);
    const server = createServer((_request, response) => {
      response.sendDate = false;
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const { text, report } = await doctor({
        ...env,
        DRIVE_CLI_CLIENT_SECRETS: await clientAt(env, origin),
        DRIVE_CLI_API_ROOT: `${origin}/`,
      });
      expect(report.checks.find((check) => check.name === 'Clock')).toEqual({
        name: 'Clock',
        status: 'warn',
        detail: 'not checked: the token endpoint sent no Date header.',
      });
      expect(text.code).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('gives up on an endpoint that does not answer after --timeout seconds: exit 6', async () => {
    const env = await sandboxEnv(sandbox);
    // Accepts connections, never answers.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const run = await runCli(['doctor', '--json', '--timeout', '1'], {
        ...env,
        DRIVE_CLI_CLIENT_SECRETS: await clientAt(env, origin),
        DRIVE_CLI_API_ROOT: `${origin}/`,
      });
      expect(JSON.parse(run.stdout).checks[4]).toMatchObject({
        name: 'Token endpoint',
        status: 'fail',
        detail: `Cannot reach ${origin} (no answer within 1 s).`,
      });
      expect(run.code).toBe(6);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
