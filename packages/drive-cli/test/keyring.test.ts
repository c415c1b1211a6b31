import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { accountIdOf, consentAgentPath } from '@installed-oauth/sandbox';
import {
  allOf,
  credentialStore,
  itWith,
  linux,
  pseudoTerminal,
  useSandbox,
} from '@installed-oauth/test-support';
import { describe, expect } from '@jest/globals';
import { AsyncEntry } from '@napi-rs/keyring';
import {
  credentialsPath,
  readStored,
  runCli,
  SANDBOX_USER,
  sandboxEnv,
  startCli,
} from './helpers.js';

const sandbox = useSandbox();
const withKeyring = itWith(credentialStore);

/** An environment where drive-cli finds the test's Secret Service (its session bus). */
async function keyringEnv(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const { DRIVE_CLI_INSECURE_STORAGE: _files, ...env } = await sandboxEnv(sandbox, extra);
  return { ...env, DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS };
}

/** The keyring entry drive-cli keeps for the sandbox user, as the keyring itself shows it. */
function keyringEntry(): AsyncEntry {
  return new AsyncEntry('drive-cli', `${sandbox.clientId}/${accountIdOf(SANDBOX_USER)}`);
}

/** Every file under the config folder, read as text. */
async function everythingOnDisk(env: NodeJS.ProcessEnv): Promise<string> {
  const folder = env.DRIVE_CLI_CONFIG_DIR ?? '';
  const names = await readdir(folder, { recursive: true });
  const texts = await Promise.all(
    names.map((name) => readFile(join(folder, String(name)), 'utf8').catch(() => '')),
  );
  return texts.join('\n');
}

describe('tokens in the operating system keyring', () => {
  withKeyring(
    'login keeps the refresh token in the keyring alone, and no refresh or ID token in the config folder; ls and token work from other processes; logout removes the entry',
    async () => {
      const env = await keyringEnv();
      const login = await runCli(['login'], env);
      expect(login.code).toBe(0);
      expect(login.stderr).toContain(
        `Signed in as ${SANDBOX_USER}. Credentials saved in the Secret Service keyring (details in ${credentialsPath(env)}).`,
      );
      expect(login.stderr).not.toContain('No keyring');
      const secrets = JSON.parse((await keyringEntry().getPassword()) ?? '{}');
      expect(Object.keys(secrets)).toEqual(['refresh_token']);
      const onDisk = await everythingOnDisk(env);
      expect(onDisk).not.toContain(secrets.refresh_token);
      expect(onDisk).not.toContain(sandbox.clientSecret);
      expect(onDisk).not.toMatch(/"id_token"/);
      // The access token, dead within the hour, is kept in the account's 0600 file.
      const metadata = await readStored(env);
      expect(metadata.type).toBe('installed_oauth_metadata');

      const ls = await runCli(['ls'], env);
      expect(ls.code).toBe(0);
      expect(ls.stdout.split('\n').length).toBeGreaterThan(2);
      const token = await runCli(['token'], env);
      expect(token).toMatchObject({ code: 0, stdout: `${metadata.token}\n` });

      const status = await runCli(['status', '--offline'], env);
      expect(status.stdout).toContain(
        `    Stored in:     the Secret Service keyring (details in ${credentialsPath(env)})`,
      );
      const json = JSON.parse((await runCli(['status', '--offline', '--json'], env)).stdout);
      expect(json.accounts[0]).toMatchObject({ storage: 'keyring' });

      // doctor finds the keyring working and the account kept there.
      const doctor = await runCli(['doctor'], env);
      expect(doctor.code).toBe(0);
      expect(doctor.stdout).toMatch(/^✓ Keyring +the Secret Service keyring works$/m);
      expect(doctor.stdout).toMatch(/, active; kept in the keyring$/m);

      expect((await runCli(['logout'], env)).code).toBe(0);
      expect(await keyringEntry().getPassword()).toBeNull();
    },
  );

  withKeyring(
    'an account kept in the keyring, used where no keyring answers, says so (exit 7), never "sign in again"',
    async () => {
      const env = await keyringEnv();
      expect((await runCli(['login'], env)).code).toBe(0);
      const { DBUS_SESSION_BUS_ADDRESS: _bus, ...overSsh } = env;
      const ls = await runCli(['ls'], overSsh);
      expect(ls.code).toBe(7);
      expect(ls.stderr).toMatch(/^drive-cli: Cannot read from the Secret Service keyring: /);
      expect(ls.stderr).toContain('or use the file store');
      expect(ls.stderr).not.toMatch(/login/);
      expect((await runCli(['logout'], env)).code).toBe(0);
    },
  );

  withKeyring(
    "logout of an account kept in the keyring by another client removes that client's entry and revokes it",
    async () => {
      const env = await keyringEnv();
      expect((await runCli(['login'], env)).code).toBe(0);
      const secrets = JSON.parse(await readFile(sandbox.clientSecretsPath, 'utf8'));
      const otherClient = join(String(env.DRIVE_CLI_CONFIG_DIR), '..', 'other-client.json');
      await writeFile(
        otherClient,
        JSON.stringify({
          installed: {
            ...secrets.installed,
            client_id: 'another-client.apps.googleusercontent.com',
          },
        }),
      );
      const revocations = sandbox.counters.revocations;
      const logout = await runCli(['logout'], { ...env, DRIVE_CLI_CLIENT_SECRETS: otherClient });
      expect(logout.code).toBe(0);
      expect(logout.stderr).toContain('access revoked');
      expect(sandbox.counters.revocations).toBe(revocations + 1);
      // The entry was kept under the client that signed in; nothing of it is left.
      expect(await keyringEntry().getPassword()).toBeNull();
    },
  );

  withKeyring(
    'no dead end when the keyring entry was deleted by hand: login signs in again',
    async () => {
      const env = await keyringEnv();
      expect((await runCli(['login'], env)).code).toBe(0);
      await keyringEntry().deleteCredential(); // in the keyring's own manager, say
      const ls = await runCli(['ls'], env);
      expect(ls.code).toBe(5);
      const login = await runCli(['login'], env);
      expect(login.code).toBe(0);
      expect(login.stderr).toMatch(/^Moved the unusable .* aside, to .*\.$/m);
      expect((await runCli(['ls'], env)).code).toBe(0);
      expect((await runCli(['logout'], env)).code).toBe(0);
    },
  );

  withKeyring(
    'where no keyring answers, login --insecure-storage still signs in another account beside a keyring one',
    async () => {
      const env = await keyringEnv();
      expect((await runCli(['login'], env)).code).toBe(0);
      const { DBUS_SESSION_BUS_ADDRESS: _bus, ...overSsh } = env;
      const agent = `"${process.execPath}" "${consentAgentPath}"`;
      const other = await runCli(['login', '--insecure-storage'], {
        ...overSsh,
        BROWSER: `${agent} --login other@example.com`,
      });
      expect(other.code).toBe(0);
      expect(other.stderr).toMatch(/^Signed in as other@example\.com\. Credentials saved to /m);
      expect((await runCli(['logout', '--all'], env)).code).toBe(0);
    },
  );

  itWith(linux('a Linux session without a Secret Service'))(
    'falls back to a file, with a one-line notice, when no keyring answers',
    async () => {
      const env = await keyringEnv({ DBUS_SESSION_BUS_ADDRESS: undefined });
      delete env.DBUS_SESSION_BUS_ADDRESS;
      const login = await runCli(['login'], env);
      expect(login.code).toBe(0);
      expect(login.stderr).toMatch(
        /^No keyring is available here \(.+\); keeping the credentials in a file \(mode 0600\) instead\. Pass --insecure-storage to choose that on purpose\.$/m,
      );
      expect(login.stderr).toContain(`Credentials saved to ${credentialsPath(env)}.`);
      expect((await readStored(env)).refresh_token).toBeTruthy();
      expect((await runCli(['ls'], env)).code).toBe(0);
    },
  );

  withKeyring(
    '--insecure-storage keeps a new sign-in in a file on purpose, without a word',
    async () => {
      const env = await keyringEnv();
      const login = await runCli(['login', '--insecure-storage'], env);
      expect(login.code).toBe(0);
      expect(login.stderr).not.toContain('keyring');
      expect((await readStored(env)).refresh_token).toBeTruthy();
      expect(await keyringEntry().getPassword()).toBeNull();
      const status = await runCli(['status', '--offline'], env);
      expect(status.stdout).toContain(
        `    Stored in:     ${credentialsPath(env)} (file, mode 0600)`,
      );
      await runCli(['logout'], env);
    },
  );

  itWith(allOf(credentialStore, pseudoTerminal))(
    'migrate moves file accounts into the keyring only when asked; export writes authorized_user JSON',
    async () => {
      const env = await keyringEnv();
      expect((await runCli(['login', '--insecure-storage'], env)).code).toBe(0);
      const before = await readStored(env);
      // A refresh does not move it: nothing moves without being asked.
      expect((await runCli(['status'], env)).code).toBe(0);
      expect((await readStored(env)).refresh_token).toBe(before.refresh_token);

      const migrate = await runCli(['migrate'], env);
      expect(migrate.code).toBe(0);
      expect(migrate.stderr).toBe(
        `Moved ${SANDBOX_USER} into the Secret Service keyring (details in ${credentialsPath(env)}).\n`,
      );
      expect(await everythingOnDisk(env)).not.toContain(before.refresh_token);
      expect((await runCli(['migrate'], env)).stderr).toBe(
        'Nothing to move: every account is already in the Secret Service keyring.\n',
      );
      expect((await runCli(['ls'], env)).code).toBe(0);

      // To a pipe: the authorized_user JSON Google's libraries read, with the keyring's token.
      const exported = await runCli(['export'], env);
      expect(exported.code).toBe(0);
      expect(JSON.parse(exported.stdout)).toMatchObject({
        type: 'authorized_user',
        client_id: sandbox.clientId,
        refresh_token: before.refresh_token,
      });
      // Never onto a terminal.
      const onTerminal = await startCli(['export'], env, { terminal: true }).done;
      expect(onTerminal.code).toBe(2);
      expect(onTerminal.stdout).not.toContain(before.refresh_token);
      expect(onTerminal.stdout).toContain('drive-cli export > credentials.json');
      await runCli(['logout'], env);
    },
  );
});
