// A full or read-only disk, for real: the config folder on a small tmpfs of its own (root only;
// skipped with the reason elsewhere), and processes killed at any moment. Nothing stored may be
// lost, no lock or temporary file may stay behind, and nothing may wait on a lock it cannot
// break. (The same paths with injected errors, for every user: core/test/fresh-credentials.)
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exited, itWith, root, useSandbox } from '@installed-oauth/test-support';
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

/** Runs `test` with a 256 KiB tmpfs mounted at a new folder, unmounted and removed after. */
async function withSmallDisk(test: (disk: string) => Promise<void>): Promise<void> {
  const disk = await mkdtemp(join(tmpdir(), 'drive-cli-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs', disk]);
  try {
    await test(disk);
  } finally {
    execFileSync('umount', ['--lazy', disk]);
    await rm(disk, { recursive: true, force: true });
  }
}

/** Fills the disk to the last byte. */
async function fill(disk: string): Promise<void> {
  const chunk = Buffer.alloc(4096, 1);
  for (let i = 0; ; i++) {
    try {
      await writeFile(join(disk, `filler-${i}`), chunk);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
      throw error;
    }
  }
  // The last page of a file can still take a few bytes; take them too.
  await writeFile(join(disk, 'filler-last'), '').catch(() => {});
  for (let size = 2048; size >= 1; size = Math.floor(size / 2)) {
    await writeFile(join(disk, `filler-last-${size}`), Buffer.alloc(size)).catch(() => {});
  }
}

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
        await fill(disk);

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
        await fill(disk);
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
        execFileSync('mount', ['-o', 'remount,ro', disk]);

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
      execFileSync('mount', ['-o', 'remount,ro', disk]);
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
