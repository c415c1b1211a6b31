// Each command run in-process, as `cli.ts` runs it: a context opened on the sandbox's client
// and a config folder of the test's own, a test Io whose streams are kept, and the command's
// `run` called with its options. drive-cli.test.ts and the others spawn the built binary for
// what only a process shows (exit codes, signals, terminals).
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { credentialStore, itWith, textSink, useSandbox } from '@installed-oauth/test-support';
import { describe, expect, it } from '@jest/globals';
import * as exportCommand from '../src/commands/export.js';
import * as login from '../src/commands/login.js';
import * as logout from '../src/commands/logout.js';
import * as ls from '../src/commands/ls.js';
import * as migrate from '../src/commands/migrate.js';
import * as status from '../src/commands/status.js';
import * as switchCommand from '../src/commands/switch.js';
import * as token from '../src/commands/token.js';
import { type OpenOptions, openContext } from '../src/context.js';
import { CliError } from '../src/exit-codes.js';
import type { Io } from '../src/io.js';
import { resolveSettings } from '../src/settings.js';
import { credentialsPath, readStored, SANDBOX_USER, sandboxEnv } from './helpers.js';

const sandbox = useSandbox();

/** An Io over kept streams; stdout is not a terminal unless asked. */
function testIo(env: NodeJS.ProcessEnv, options: { terminal?: boolean } = {}) {
  const stdout = textSink();
  const stderr = textSink();
  const io = {
    stdin: Readable.from([]),
    stdout: Object.assign(stdout.stream, { isTTY: options.terminal === true }),
    stderr: stderr.stream,
    env,
    cwd: process.cwd(),
    platform: process.platform,
  } satisfies Io;
  return { io, stdout, stderr };
}

/** The context `cli.ts` would open for this environment. */
async function contextFor(env: NodeJS.ProcessEnv, open?: OpenOptions) {
  const streams = testIo(env);
  const context = await openContext(
    resolveSettings({}, env, process.cwd(), process.platform),
    streams.io,
    open,
  );
  return { context, ...streams };
}

/** A config folder with the sandbox user signed in by `login`, run in-process. */
async function signedIn(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const env = await sandboxEnv(sandbox, extra);
  const { context } = await contextFor(env, login.login.open);
  await login.run(context);
  return env;
}

/** The error `run` rejected with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the command to fail');
    },
    (error: unknown) => error,
  );
}

describe('login', () => {
  it('signs in with the browser, saves the account to its file and makes it active', async () => {
    const env = await sandboxEnv(sandbox);
    const exchanges = sandbox.counters.authorizationCodeGrants;
    const { context, stderr } = await contextFor(env, login.login.open);
    await login.run(context);
    expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 1);
    expect(stderr.text()).toContain(
      `Signed in as ${SANDBOX_USER}. Credentials saved to ${credentialsPath(env)}.`,
    );
    expect((await readStored(env)).type).toBe('authorized_user');
    const index = join(context.settings.accountsDir, 'accounts.json');
    expect(JSON.parse(await readFile(index, 'utf8')).active).toBe(
      basename(credentialsPath(env), '.json'),
    );
  });
});

describe('ls', () => {
  it('lists the five most recently modified files, one tab-separated line each', async () => {
    const env = await signedIn();
    const { context, stdout } = await contextFor(env);
    await ls.run(context, ls.lsOptions({}));
    const lines = stdout.text().trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line.split('\t')).toHaveLength(4);
  });

  it('prints the Drive response as JSON with --json, --limit files of it', async () => {
    const env = await signedIn();
    const { context, stdout } = await contextFor(env);
    await ls.run(context, ls.lsOptions({ json: true, limit: '3' }));
    expect(JSON.parse(stdout.text()).files).toHaveLength(3);
  });

  it('refuses a --limit that is not a whole number before anything runs', () => {
    expect(() => ls.lsOptions({ limit: 'ten' })).toThrow(
      '--limit must be a whole number from 1 to 100000, got "ten".',
    );
  });
});

describe('token', () => {
  it('prints the stored, still valid access token and nothing else', async () => {
    const env = await signedIn();
    const { context, stdout, stderr } = await contextFor(env);
    await token.run(context);
    expect(stdout.text()).toBe(`${(await readStored(env)).token}\n`);
    expect(stderr.text()).toBe('');
  });
});

describe('status', () => {
  it('reports the active account, its scopes and where it is kept, offline as JSON', async () => {
    const env = await signedIn();
    const { context, stdout } = await contextFor(env);
    await status.run(context, { json: true, offline: true });
    const report = JSON.parse(stdout.text());
    expect(report.clientId).toBe(sandbox.clientId);
    expect(report.accounts).toEqual([
      expect.objectContaining({
        email: SANDBOX_USER,
        active: true,
        grant: 'unchecked',
        storage: 'file',
        credentialsPath: credentialsPath(env),
      }),
    ]);
  });

  it('checks the grant with the server unless offline', async () => {
    const env = await signedIn();
    const refreshes = sandbox.counters.refreshGrants;
    const { context, stdout } = await contextFor(env);
    await status.run(context, { json: false, offline: false });
    expect(sandbox.counters.refreshGrants).toBe(refreshes + 1);
    expect(stdout.text()).toContain('Grant:         valid (checked with Google)');
  });
});

describe('switch', () => {
  it('names an account that is not signed in, with exit 5', async () => {
    const env = await signedIn();
    const { context } = await contextFor(env);
    const error = await rejection(switchCommand.run(context, { target: 'nobody@example.com' }));
    expect(error).toBeInstanceOf(CliError);
    expect([(error as CliError).exitCode, (error as CliError).message]).toEqual([
      5,
      'Not signed in as nobody@example.com.',
    ]);
  });

  it('makes a signed-in account, named by its e-mail address, the active one', async () => {
    const env = await signedIn();
    const { context, stderr } = await contextFor(env);
    await switchCommand.run(context, { target: SANDBOX_USER });
    expect(stderr.text()).toBe(`${SANDBOX_USER} is now the active account.\n`);
  });
});

describe('logout', () => {
  it('revokes at the server, deletes the file, and then nothing is signed in', async () => {
    const env = await signedIn();
    const revocations = sandbox.counters.revocations;
    const { context, stderr } = await contextFor(env);
    await logout.run(context, { all: false });
    expect(sandbox.counters.revocations).toBe(revocations + 1);
    expect(stderr.text()).toBe(
      `Signed out of ${SANDBOX_USER}: access revoked and ${credentialsPath(env)} deleted.\n`,
    );
    const after = await contextFor(env);
    const error = await rejection(status.run(after.context, { json: false, offline: true }));
    expect((error as CliError).exitCode).toBe(5);
  });

  it('says there is nothing to do when nobody is signed in', async () => {
    const { context, stderr } = await contextFor(await sandboxEnv(sandbox));
    await logout.run(context, { all: true });
    expect(stderr.text()).toBe('Not signed in; nothing to do.\n');
  });
});

describe('export', () => {
  it('refuses a terminal on stdout before anything is opened', () => {
    const { io } = testIo({}, { terminal: true });
    expect(() => exportCommand.exportCommand.options({}, [], io)).toThrow(
      'drive-cli export prints a refresh token; it does not print it onto a terminal.',
    );
  });

  it('prints the account as the "authorized_user" JSON Google\'s libraries read', async () => {
    const env = await signedIn();
    const { context, stdout } = await contextFor(env);
    await exportCommand.run(context);
    const json = JSON.parse(stdout.text());
    const stored = await readStored(env);
    expect(json).toMatchObject({
      type: 'authorized_user',
      client_id: sandbox.clientId,
      refresh_token: stored.refresh_token,
    });
  });
});

describe('migrate', () => {
  itWith(credentialStore)(
    'moves an account kept in a file into the keyring, leaving the file without tokens',
    async () => {
      const env = await signedIn({
        DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS,
      });
      const { context, stderr } = await contextFor(env);
      await migrate.run(context);
      expect(stderr.text()).toMatch(new RegExp(`^Moved ${SANDBOX_USER.replace('.', '\\.')} into `));
      const stored = await readStored(env);
      expect(stored.type).toBe('installed_oauth_metadata');
      expect(stored).not.toHaveProperty('refresh_token');
      // The account still works, its tokens read from the keyring.
      const again = await contextFor(env);
      await token.run(again.context);
      expect(again.stdout.text()).toMatch(/^\S+\n$/);
      await logout.run(again.context, { all: true }); // the keyring entry goes too
    },
  );
});
