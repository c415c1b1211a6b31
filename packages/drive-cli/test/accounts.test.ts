import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  accountIdOf,
  consentAgentPath,
  type DriveFile,
  runConsentAgent,
  seedDriveFiles,
  startSandbox,
} from '@installed-oauth/sandbox';
import { fifo, itWith, refreshStatusAtServer, useSandbox } from '@installed-oauth/test-support';
import { describe, expect, it } from '@jest/globals';
import {
  BROWSER_THAT_OPENS_NOTHING,
  credentialsPath,
  googleEnv,
  legacyCredentialsPath,
  revokeAtServer,
  runCli,
  SANDBOX_USER,
  sandboxEnv,
  signedInEnv,
  startCli,
} from './helpers.js';

const sandbox = useSandbox();
const OTHER = 'other@example.com';
const agent = `"${process.execPath}" "${consentAgentPath}"`;
const as = (email: string, env: NodeJS.ProcessEnv) => ({
  ...env,
  BROWSER: `${agent} --login ${email}`,
});

/** An environment with two accounts signed in: the sandbox user, then OTHER (active). */
async function twoAccounts(): Promise<NodeJS.ProcessEnv> {
  const env = await signedInEnv(sandbox);
  const second = await runCli(['login'], as(OTHER, env));
  if (second.code !== 0) throw new Error(second.stderr);
  return env;
}

/** Signed in to a sandbox that then goes away: Google can no longer be reached. */
async function signedInThenOffline(): Promise<NodeJS.ProcessEnv> {
  const gone = await startSandbox();
  const env = await signedInEnv(gone);
  // The client file outlives the sandbox.
  const clientSecretsPath = join(String(env.DRIVE_CLI_CONFIG_DIR), '..', 'client_secret.json');
  await copyFile(gone.clientSecretsPath, clientSecretsPath);
  await gone.close();
  return { ...env, DRIVE_CLI_CLIENT_SECRETS: clientSecretsPath };
}

const activeOf = async (env: NodeJS.ProcessEnv) =>
  JSON.parse((await runCli(['status', '--offline', '--json'], env)).stdout).accounts.find(
    (account: { active: boolean }) => account.active,
  )?.email;

const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive.metadata.readonly';

describe('a box left unticked on the consent screen', () => {
  it('keeps the stored sign-in working, names the permission, and exits 4', async () => {
    const env = await signedInEnv(sandbox);
    const revocations = sandbox.counters.revocations;

    const partial = await runCli(['login'], {
      ...env,
      BROWSER: `${agent} --untick ${DRIVE_SCOPE}`,
    });

    expect(partial.code).toBe(4);
    expect(partial.stderr).toContain(
      'drive-cli: The consent screen was left with a permission unticked: "See information about your Google Drive files".',
    );
    expect(partial.stderr).toContain(
      'drive-cli needs it to list your files. Nothing stored here changed: run drive-cli login again and leave that box ticked.',
    );
    expect(sandbox.counters.revocations).toBe(revocations);
    // status refreshes with the stored refresh token: it still works at the server.
    const status = await runCli(['status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('valid (checked with Google)');
    expect((await runCli(['ls'], env)).code).toBe(0);
  });

  it('stores nothing when the first sign-in leaves Drive unticked', async () => {
    const env = await sandboxEnv(sandbox, { BROWSER: `${agent} --untick ${DRIVE_SCOPE}` });
    const result = await runCli(['login'], env);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('"See information about your Google Drive files"');
    expect(existsSync(credentialsPath(env))).toBe(false);
    const status = await runCli(['status', '--offline'], env);
    expect(status.code).toBe(5);
  });
});

describe('several Google accounts', () => {
  it('lists as each, switches, and lists every account in status with the active one marked', async () => {
    const env = await twoAccounts();
    expect(await activeOf(env)).toBe(OTHER);
    const status = await runCli(['status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^ {2}sandbox\.user@example\.com\n/m);
    expect(status.stdout).toMatch(/^\* other@example\.com \(active\)$/m);

    const drives = sandbox.counters.driveRequests;
    expect((await runCli(['ls', '--account', SANDBOX_USER], env)).code).toBe(0);
    expect((await runCli(['ls'], { ...env, DRIVE_CLI_ACCOUNT: SANDBOX_USER })).code).toBe(0);
    expect(sandbox.counters.driveRequests).toBe(drives + 2);
    const tokens = await Promise.all(
      [SANDBOX_USER, OTHER].map(async (email) => {
        const result = await runCli(['token', '--account', email], env);
        expect(result.code).toBe(0);
        return result.stdout.trim();
      }),
    );
    expect(tokens[0]).not.toBe(tokens[1]);

    const switched = await runCli(['switch', SANDBOX_USER], env);
    expect(switched.code).toBe(0);
    expect(switched.stderr).toBe(`${SANDBOX_USER} is now the active account.\n`);
    expect(await activeOf(env)).toBe(SANDBOX_USER);
    // By account id as well as by address.
    expect((await runCli(['switch', accountIdOf(OTHER)], env)).code).toBe(0);
    expect(await activeOf(env)).toBe(OTHER);
  });

  it('logs one account out while the other keeps working, and says which is active now', async () => {
    const env = await twoAccounts();
    const result = await runCli(['logout'], env); // the active one: OTHER
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^Signed out of other@example\.com: access revoked and /m);
    expect(result.stderr).toMatch(/^sandbox\.user@example\.com is now the active account\.$/m);
    expect(existsSync(credentialsPath(env, OTHER))).toBe(false);
    expect((await runCli(['ls'], env)).code).toBe(0);
    const all = await runCli(['logout', '--all'], env);
    expect(all.code).toBe(0);
    expect(existsSync(credentialsPath(env))).toBe(false);
    expect((await runCli(['logout'], env)).stderr).toBe('Not signed in; nothing to do.\n');
  });

  it('an --account that is not signed in exits 5 with a hint, and never signs in', async () => {
    const env = await signedInEnv(sandbox);
    const exchanges = sandbox.counters.authorizationCodeGrants;
    for (const command of [['ls'], ['token'], ['status'], ['logout'], ['switch']]) {
      const args =
        command[0] === 'switch'
          ? ['switch', 'nobody@example.com']
          : [...command, '--account', 'nobody@example.com'];
      const result = await runCli(args, env);
      expect(result.code).toBe(5);
      expect(result.stderr).toBe(
        'drive-cli: Not signed in as nobody@example.com.\n  Run drive-cli login to sign in to that account; drive-cli status lists the signed-in ones.\n',
      );
    }
    expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges);
  });

  it('status checks each grant with Google: exit 5 for the selected one gone, others marked', async () => {
    const env = await twoAccounts();
    const user = JSON.parse(await readFile(credentialsPath(env), 'utf8'));
    await revokeAtServer(sandbox, user.refresh_token);
    const active = await runCli(['status'], env); // OTHER is active and still valid
    expect(active.code).toBe(0);
    expect(active.stdout).toMatch(
      /^ {2}sandbox\.user@example\.com\n {4}Grant: +no longer valid: run drive-cli login to sign in again$/m,
    );
    const selected = await runCli(['status', '--account', SANDBOX_USER], env);
    expect(selected.code).toBe(5);
    expect(selected.stderr).toMatch(
      /^drive-cli: The sign-in of sandbox\.user@example\.com is no longer valid at Google \(revoked, or expired\)\.\n {2}Run drive-cli login to sign in again\.$/m,
    );
    expect(existsSync(credentialsPath(env))).toBe(true); // status never deletes
    expect((await runCli(['status', '--offline', '--account', SANDBOX_USER], env)).code).toBe(0);
  });

  it('logout without a network deletes here, says the grant remains and where to end it, exits 6', async () => {
    const env = await signedInThenOffline();
    const result = await runCli(['logout'], env);
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(
      /could not be revoked at Google .* It remains until you remove drive-cli at https:\/\/myaccount\.google\.com\/permissions\./,
    );
    expect(result.stderr).toMatch(/^drive-cli: Signed out here, but Google was not told\.$/m);
    expect(existsSync(credentialsPath(env))).toBe(false);
    const status = await runCli(['status', '--offline'], env);
    expect(status.code).toBe(5);
  });
});

describe('unusable files and an unreachable server', () => {
  it('logout of a sign-in made with another client revokes it with its own token, and says so', async () => {
    const env = await signedInEnv(sandbox);
    const stored = JSON.parse(await readFile(credentialsPath(env), 'utf8'));
    // The client file was replaced by another client's (same endpoints, another id).
    const secrets = JSON.parse(await readFile(sandbox.clientSecretsPath, 'utf8'));
    const otherClient = join(String(env.DRIVE_CLI_CONFIG_DIR), '..', 'other-client.json');
    await writeFile(
      otherClient,
      JSON.stringify({
        installed: { ...secrets.installed, client_id: 'another-client.apps.googleusercontent.com' },
      }),
    );
    const revocations = sandbox.counters.revocations;
    const logout = await runCli(['logout'], { ...env, DRIVE_CLI_CLIENT_SECRETS: otherClient });
    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain(
      `Signed out of ${accountIdOf(SANDBOX_USER)} (signed in with another client, ${sandbox.clientId}): access revoked and ${credentialsPath(env)} deleted.`,
    );
    expect(sandbox.counters.revocations).toBe(revocations + 1);
    expect(existsSync(credentialsPath(env))).toBe(false);
    expect(await refreshStatusAtServer(sandbox, stored.refresh_token)).toBe(400);
  });

  it('status reports an unreadable account file (exit 7) and logout removes it', async () => {
    const env = await twoAccounts();
    await writeFile(credentialsPath(env, OTHER), 'not json', { mode: 0o600 });
    const status = await runCli(['status'], env); // OTHER is the active one
    expect(status.code).toBe(7);
    expect(status.stdout).toMatch(/^\* \d{21} \(active\)\n {4}Grant: +the file cannot be read \(/m);
    expect(status.stderr).toContain(
      `${credentialsPath(env, OTHER)} is not a usable credentials file`,
    );
    const logout = await runCli(['logout'], env);
    expect(logout.code).toBe(0);
    expect(logout.stderr).toMatch(
      /^Deleted the unusable .+; there was nothing in it to revoke\.\nsandbox\.user@example\.com is now the active account\.\n$/,
    );
    expect(existsSync(credentialsPath(env, OTHER))).toBe(false);
  });

  it('status exits 6 when Google cannot be reached, showing what it knows', async () => {
    const env = await signedInThenOffline();
    const status = await runCli(['status'], env);
    expect(status.code).toBe(6);
    expect(status.stdout).toMatch(
      /^\* sandbox\.user@example\.com \(active\)\n {4}Grant: +not checked$/m,
    );
    const json = JSON.parse((await runCli(['status', '--json'], env)).stdout);
    expect(json.accounts[0]).toMatchObject({ email: SANDBOX_USER, grant: 'unchecked' });
  });
});

describe('the single-account layout of drive-cli 0.x', () => {
  it('is taken over on first use: the account keeps working, keyed by its id', async () => {
    const env = await signedInEnv(sandbox);
    const stored = await readFile(credentialsPath(env), 'utf8');
    await rename(credentialsPath(env), legacyCredentialsPath(env));
    const result = await runCli(['ls'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `Moved the stored sign-in from ${legacyCredentialsPath(env)} to ${credentialsPath(env)}.\n`,
    );
    expect(await readFile(credentialsPath(env), 'utf8')).toBe(stored);
    expect(existsSync(legacyCredentialsPath(env))).toBe(false);
    expect(await activeOf(env)).toBe(SANDBOX_USER);
  });

  it('a corrupt old file: ls exits 7 naming it and leaves it; login moves it aside and signs in', async () => {
    const env = await sandboxEnv(sandbox);
    await mkdir(String(env.DRIVE_CLI_CONFIG_DIR), { recursive: true });
    await writeFile(legacyCredentialsPath(env), '{ "type": "authorized_user", ', { mode: 0o600 });
    const ls = await runCli(['ls'], env);
    expect(ls.code).toBe(7);
    expect(ls.stderr).toContain(`${legacyCredentialsPath(env)} is not a usable credentials file`);
    const login = await runCli(['login'], env);
    expect(login.code).toBe(0);
    const aside = /^Moved the unusable .+ aside, to (.+)\.$/m.exec(login.stderr)?.[1] ?? '';
    expect(await readFile(aside, 'utf8')).toBe('{ "type": "authorized_user", ');
    expect((await runCli(['ls'], env)).code).toBe(0);
  });
});

describe('no dead ends', () => {
  itWith(fifo)(
    'a FIFO where the accounts and the active one are listed is never waited on: named, with the fix',
    async () => {
      const env = await signedInEnv(sandbox);
      const index = join(String(env.DRIVE_CLI_CONFIG_DIR), 'accounts', 'accounts.json');
      await rm(index);
      execFileSync('mkfifo', [index]);
      const status = await runCli(['status', '--offline'], env);
      expect(status.code).toBe(7);
      expect(status.stderr).toContain(`drive-cli: Refusing ${index}: it is not a regular file.`);
      expect(status.stderr).toContain('Remove it; the program writes a new one when it needs one.');
      await rm(index);
      // The account is still there (only the order and the choice were in the index)...
      const again = await runCli(['status', '--offline'], env);
      expect(again.stdout).toMatch(/^\* sandbox\.user@example\.com \(active\)$/m);
      // ...and the next login writes the index anew.
      expect((await runCli(['login'], env)).code).toBe(0);
      expect(JSON.parse(await readFile(index, 'utf8'))).toEqual({
        accounts: [accountIdOf(SANDBOX_USER)],
        active: accountIdOf(SANDBOX_USER),
      });
    },
  );

  it('login over a refresh token that died while Google remembers the consent ends with a working account', async () => {
    const env = await signedInEnv(sandbox);
    const stored = JSON.parse(await readFile(credentialsPath(env), 'utf8'));
    // As for an app in "Testing" status after 7 days: Google skips the consent screen and
    // sends no new refresh token, and the stored one is dead.
    await sandbox.expireRefreshToken(stored.refresh_token);
    const login = await runCli(['login'], env);
    expect(login.code).toBe(0);
    const status = await runCli(['status'], env);
    expect(status).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('valid (checked with Google)'),
    });
  });

  it.each([
    [['logut'], 'logout'],
    [['stauts'], 'status'],
    [['auth', 'login'], undefined],
  ])('an unknown command %j exits 2 with the nearest one', async (args, suggestion) => {
    const env = await sandboxEnv(sandbox);
    const result = await runCli(args, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^drive-cli: unknown command '${args[0]}'$`, 'm'));
    expect(result.stderr).toMatch(/^ {2}Run drive-cli --help for the commands\.$/m);
    if (suggestion) expect(result.stderr).toContain(`(Did you mean ${suggestion}?)`);
    else expect(result.stderr).not.toContain('Did you mean');
  });

  it("each command's help shows its own options; sign-in options belong to ls and login only", async () => {
    const env = await sandboxEnv(sandbox);
    const statusHelp = (await runCli(['status', '--help'], env)).stdout;
    expect(statusHelp).toContain('--offline');
    expect(statusHelp).toContain('--account <email>');
    expect(statusHelp).not.toContain('--no-browser');
    expect(statusHelp).not.toContain('Exit codes:');
    expect((await runCli(['token', '--help'], env)).stdout).not.toContain('--json');
    expect((await runCli(['status', '--no-browser'], env)).code).toBe(2);
    expect((await runCli(['token', '--json'], env)).code).toBe(2);
    expect((await runCli(['--help'], env)).stdout).toMatch(
      /^ {2}ls \[options\] +\(default\) list /m,
    );
  });

  it('in paste mode the link comes before any instruction to paste', async () => {
    const env = await sandboxEnv(sandbox);
    const run = startCli(['login', '--no-browser'], env, { stdin: 'pipe' });
    const [, link = ''] = await run.waitForStderr(/authorize this application: (\S+)\n/);
    await run.waitForStderr(/Paste the address: $/);
    const printed = (await run.waitForStderr(/[\s\S]*/))[0];
    expect(printed.indexOf(link)).toBeLessThan(printed.indexOf('paste it here'));
    const { redirectUrl } = await runConsentAgent(link, { deliver: false });
    run.child.stdin?.end(`${redirectUrl}\n`);
    expect((await run.done).code).toBe(0);
  });

  it('paste-only with no input to read fails at once (exit 4) instead of waiting', async () => {
    const env = await sandboxEnv(sandbox);
    const result = await runCli(['login', '--redirect', 'console'], env); // stdin: /dev/null
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^drive-cli: The input ended before an address was pasted\.$/m);
  });

  it('a dead grant names the command that signs in again', async () => {
    const env = await signedInEnv(sandbox);
    const stored = JSON.parse(await readFile(credentialsPath(env), 'utf8'));
    await revokeAtServer(sandbox, stored.refresh_token);
    const result = await runCli(['token'], { ...env });
    // The access token is still valid locally: token prints it. ls finds out and says so.
    expect(result.code).toBe(0);
    const ls = await runCli(['ls'], env);
    expect(ls.code).toBe(5);
    expect(ls.stderr).toMatch(/^ {2}Run drive-cli login to sign in again\.$/m);
    // Named as the user knows the account: its address, not Google's numeric id.
    expect(ls.stderr).toContain('(account sandbox.user@example.com).');
  });

  it('an unknown option says what to do, as an unknown command does', async () => {
    const env = await sandboxEnv(sandbox);
    const result = await runCli(['ls', '--bogus'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "drive-cli: unknown option '--bogus'\n  Run drive-cli ls --help for its options.\n",
    );
  });

  it('without a client file, says where it looked and every way to give the client', async () => {
    const env = await sandboxEnv(sandbox);
    const { DRIVE_CLI_CLIENT_SECRETS: _file, ...withoutFile } = env;
    const result = await runCli(['ls'], withoutFile, {
      cwd: String(env.DRIVE_CLI_CONFIG_DIR).replace(/config$/, ''),
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^drive-cli: Cannot read the client secrets file .*client_secret\.json: no such file\.$/m,
    );
    for (const way of [
      '--client-secrets <path>',
      'DRIVE_CLI_CLIENT_SECRETS',
      'DRIVE_CLI_CLIENT_ID and DRIVE_CLI_CLIENT_SECRET',
    ])
      expect(result.stderr).toContain(way);
  });
});

describe('the client as values (DRIVE_CLI_CLIENT_ID and DRIVE_CLI_CLIENT_SECRET)', () => {
  const CLIENT_ID = '1234-values.apps.googleusercontent.com';
  const SECRET = 'GOCSPX-given-as-a-value';

  it("signs in with Google's endpoints and that client id, the secret never printed", async () => {
    // A browser that opens nothing: the link is printed, and the short timeout ends the wait.
    const env = await googleEnv(sandbox, {
      DRIVE_CLI_CLIENT_ID: CLIENT_ID,
      DRIVE_CLI_CLIENT_SECRET: SECRET,
      BROWSER: BROWSER_THAT_OPENS_NOTHING,
    });
    const result = await runCli(['login', '--timeout', '0.5'], env);
    expect(result.code).toBe(4);
    const link = new URL(/authorize this application: (\S+)/.exec(result.stderr)?.[1] ?? '');
    expect(link.origin + link.pathname).toBe('https://accounts.google.com/o/oauth2/auth');
    expect(link.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(result.stderr).not.toContain(SECRET);
    expect((await runCli(['status', '--offline'], env)).code).toBe(5);
  });

  it('names what is missing or wrong, exits 3, and never quotes the secret', async () => {
    const onlyId = await runCli(
      ['ls'],
      await googleEnv(sandbox, { DRIVE_CLI_CLIENT_ID: CLIENT_ID }),
    );
    expect(onlyId.code).toBe(3);
    expect(onlyId.stderr).toBe(
      'drive-cli: DRIVE_CLI_CLIENT_ID and DRIVE_CLI_CLIENT_SECRET do not make a usable Desktop app client:\n' +
        '  - the client secret is missing\n' +
        '  Copy the client ID and secret again from the Google Cloud console (APIs & Services › Credentials), or create a new "Desktop app" client there.\n',
    );
    const wrong = await runCli(
      ['ls'],
      await googleEnv(sandbox, {
        DRIVE_CLI_CLIENT_ID: 'my-project',
        DRIVE_CLI_CLIENT_SECRET: SECRET,
      }),
    );
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('the client ID does not end in ".apps.googleusercontent.com"');
    expect(wrong.stderr).not.toContain(SECRET);
  });
});

describe('--limit beyond one page', () => {
  it('follows nextPageToken: 2000 files take two requests of Drive', async () => {
    const [template] = seedDriveFiles();
    const files: DriveFile[] = Array.from({ length: 2500 }, (_, index) => ({
      ...(template as DriveFile),
      id: `bulk${String(index).padStart(5, '0')}`,
      name: `file ${index}`,
      modifiedByMeTime: new Date(Date.UTC(2026, 0, 1) + index * 60_000).toISOString(),
    }));
    const big = await startSandbox({ files });
    try {
      const env = await signedInEnv(big);
      const drives = big.counters.driveRequests;
      const result = await runCli(['ls', '--json', '--limit', '2000'], env);
      expect(result.code).toBe(0);
      const list = JSON.parse(result.stdout);
      expect(list.files).toHaveLength(2000);
      expect(list.files[0].name).toBe('file 2499');
      expect(new Set(list.files.map((file: DriveFile) => file.id)).size).toBe(2000);
      expect(big.counters.driveRequests).toBe(drives + 2);
    } finally {
      await big.close();
    }
  });
});
