// A full or read-only disk, for real: the config folder on a small tmpfs of its own (root only;
// skipped with the reason elsewhere), and processes killed at any moment. Nothing stored may be
// lost, no lock or temporary file may stay behind, and nothing may wait on a lock it cannot
// break. (The same paths with injected errors, for every user: core/test/fresh-credentials.)
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  exited,
  fillDisk,
  itWith,
  makeReadOnly,
  root,
  useSandbox,
  withSmallDisk,
} from '@installed-oauth/test-support';
import { describe, expect, it } from '@jest/globals';
import {
  credentialsPath,
  expectNoSecret,
  expireStoredToken,
  readStored,
  runCli,
  sandboxEnv,
  signedInEnv,
  startCli,
} from './helpers.js';

const sandbox = useSandbox();

/** What the accounts folder holds besides the account files and the index. */
async function leftovers(env: NodeJS.ProcessEnv): Promise<string[]> {
  const folder = join(String(env.DRIVE_CLI_CONFIG_DIR), 'accounts');
  return (await readdir(folder)).filter((name) => !/^\d+\.json$|^accounts\.json$/.test(name));
}

/** A signed-in environment whose config folder is on `disk`. */
async function signedInOn(disk: string): Promise<NodeJS.ProcessEnv> {
  return signedInEnv(sandbox, { DRIVE_CLI_CONFIG_DIR: join(disk, 'config') });
}

const UNSAVED =
  /^drive-cli: warning: the refreshed access token could not be saved \(.*: (no space left on the device|read-only file system)\); it is used for this run only\.$/m;

describe('a full disk', () => {
  itWith(root)(
    'ls and token work with the refreshed token in memory, warn once, and leave no lock or temporary file',
    async () => {
      await withSmallDisk(async (disk) => {
        const env = await signedInOn(disk);
        await expireStoredToken(env);
        const before = await readFile(credentialsPath(env), 'utf8');
        await fillDisk(disk);

        const ls = await runCli(['ls'], env);
        expect(ls.code).toBe(0);
        expect(ls.stdout).not.toBe('');
        expect(ls.stderr.match(new RegExp(UNSAVED, 'gm'))).toHaveLength(1);
        expect(await leftovers(env)).toEqual([]);
        expect(await readFile(credentialsPath(env), 'utf8')).toBe(before);

        const token = await runCli(['token'], env);
        expect(token.code).toBe(0);
        expect(token.stderr).toMatch(UNSAVED);
        expectNoSecret(token.stderr, [JSON.parse(before).refresh_token, token.stdout.trim()]);
        expect(await leftovers(env)).toEqual([]);
      });
    },
  );

  itWith(root)(
    'login says so before the browser opens, exits 7, and leaves the other accounts as they were',
    async () => {
      await withSmallDisk(async (disk) => {
        const env = await signedInOn(disk);
        const before = await readFile(credentialsPath(env), 'utf8');
        await fillDisk(disk);
        const login = await runCli(['login'], env);
        expect(login.code).toBe(7);
        expect(login.stderr).toMatch(
          /^drive-cli: A sign-in could not be saved in .*: no space left on the device\.$/m,
        );
        expect(login.stderr).not.toMatch(/authorize this application/);
        expect(await readFile(credentialsPath(env), 'utf8')).toBe(before);
        expect(await leftovers(env)).toEqual([]);
      });
    },
  );
});

describe('a read-only disk', () => {
  itWith(root)(
    'with a lock left behind, ls breaks nothing, waits for nothing, and works in memory',
    async () => {
      await withSmallDisk(async (disk) => {
        const env = await signedInOn(disk);
        await expireStoredToken(env);
        // What a process killed on a full disk left before: an empty lock file, long ago.
        const lock = join(String(env.DRIVE_CLI_CONFIG_DIR), 'accounts', '.lock');
        await writeFile(lock, '');
        const longAgo = new Date(Date.now() - 3600_000);
        await utimes(lock, longAgo, longAgo);
        makeReadOnly(disk);

        const ls = await runCli(['ls'], env);
        expect(ls.code).toBe(0);
        expect(ls.stderr).toMatch(UNSAVED);
        expect(ls.stderr).toMatch(/Cannot remove the stale lock file .*: read-only file system/);
      });
    },
  );

  itWith(root)('login says so before the browser opens and exits 7', async () => {
    await withSmallDisk(async (disk) => {
      const env = await sandboxEnv(sandbox, { DRIVE_CLI_CONFIG_DIR: join(disk, 'config') });
      await mkdir(join(disk, 'config'), { mode: 0o700 });
      makeReadOnly(disk);
      const login = await runCli(['login'], env);
      expect(login.code).toBe(7);
      expect(login.stderr).toMatch(/read-only file system/);
      expect(login.stderr).not.toMatch(/authorize this application/);
    });
  });
});

describe('killed at any moment', () => {
  it('ls killed twenty times mid-refresh leaves nothing that stops the next ls', async () => {
    const env = await signedInEnv(sandbox);
    // Delays spread over a whole run (start-up, lock, refresh, save), the same every time.
    let seed = 20_261_203;
    const nextDelay = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % 400;
    };
    for (let round = 0; round < 20; round++) {
      await expireStoredToken(env).catch(async () => {
        // Killed between the rename and the folder's sync: the file is whole (atomic rename).
        expect(JSON.parse(await readFile(credentialsPath(env), 'utf8'))).toBeTruthy();
      });
      const cli = startCli(['ls'], env);
      await new Promise((resolve) => setTimeout(resolve, nextDelay()));
      cli.child.kill('SIGKILL');
      await exited(cli.child);
    }
    const ls = await runCli(['ls'], env);
    expect(ls.code).toBe(0);
    // The stored account is whole and usable, and its refresh token still works.
    expect((await readStored(env)).type).toBe('authorized_user');
    expect((await runCli(['status'], env)).code).toBe(0);
    const lock = join(String(env.DRIVE_CLI_CONFIG_DIR), 'accounts', '.lock');
    expect(existsSync(lock)).toBe(false);
  });
});
