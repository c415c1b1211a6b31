// A disk that refuses writes, for real. As root: a small tmpfs of the test's own, remounted
// read-only or filled to the last byte. As another user: a folder without write permission
// (the full disk needs root, and says so in its title).
import { chmod, mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  describeWith,
  fillDisk,
  itWith,
  makeReadOnly,
  posixModes,
  root,
  withSmallDisk,
} from '@installed-oauth/test-support';
import { describe, expect, it } from '@jest/globals';
import { parseClientSecrets } from '../src/index.js';
import { createFileAccountStore, withFileLock } from '../src/node/index.js';
import { failure } from './helpers.js';

const clientSecrets = parseClientSecrets({
  installed: {
    client_id: 'client.apps.googleusercontent.com',
    client_secret: 'GOCSPX-unused',
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: 'https://oauth2.googleapis.com/token',
  },
});
const asRoot = process.getuid?.() === 0;

/**
 * A folder whose contents can be read but not changed, with `prepare` run while it still can:
 * a read-only tmpfs as root, a folder of mode 0555 otherwise. Removed after `test`.
 */
async function readOnlyFolder(
  prepare: (folder: string) => Promise<void>,
  test: (folder: string, words: RegExp) => Promise<void>,
): Promise<void> {
  if (asRoot) {
    await withSmallDisk(async (disk) => {
      await prepare(disk);
      makeReadOnly(disk);
      await test(disk, /read-only file system/);
    });
    return;
  }
  const folder = await mkdtemp(join(tmpdir(), 'core-readonly-'));
  try {
    await prepare(folder);
    await chmod(folder, 0o555);
    await test(folder, /permission denied/);
  } finally {
    await chmod(folder, 0o700);
    await rm(folder, { recursive: true, force: true });
  }
}

/** A 256 KiB tmpfs with an accounts folder, filled to the last byte (root only). */
async function fullDisk(test: (folder: string) => Promise<void>): Promise<void> {
  await withSmallDisk(async (folder) => {
    await mkdir(join(folder, 'accounts'), { mode: 0o700 });
    await fillDisk(folder);
    await test(folder);
  });
}

describeWith(posixModes)('a folder that refuses writes', () => {
  it('is named for what it is when the accounts folder cannot be made, not "no such file"', async () => {
    await readOnlyFolder(
      async () => {},
      async (folder, words) => {
        const store = createFileAccountStore({
          directory: join(folder, 'accounts'),
          clientSecrets,
        });
        const error = await failure(store.checkWritable());
        expect(error.code).toBe('TOKEN_STORE_ERROR');
        expect(error.message).toMatch(words);
        expect(error.message).not.toMatch(/no such file/);
        expect(error.details).toMatchObject({ reason: 'unwritable' });
      },
    );
  });

  it('refuses a sign-in before it starts when the folder takes no file', async () => {
    await readOnlyFolder(
      (folder) => mkdir(join(folder, 'accounts'), { mode: 0o700 }),
      async (folder, words) => {
        const store = createFileAccountStore({
          directory: join(folder, 'accounts'),
          clientSecrets,
        });
        const error = await failure(store.checkWritable());
        expect(error.message).toMatch(/^A sign-in could not be saved in .*accounts: /);
        expect(error.message).toMatch(words);
        expect(error.hint).toMatch(/Free some space or make the folder writable/);
      },
    );
  });

  it('fails at once on a stale lock it cannot break, instead of waiting for it', async () => {
    await readOnlyFolder(
      async (folder) => {
        // Left by a process that died on a full disk: empty, and old.
        await writeFile(join(folder, '.lock'), '');
        const longAgo = new Date(Date.now() - 3600_000);
        await utimes(join(folder, '.lock'), longAgo, longAgo);
      },
      async (folder, words) => {
        let ran = false;
        const error = await failure(
          withFileLock(join(folder, '.lock'), async () => {
            ran = true;
          }),
        );
        expect(error.message).toMatch(/^Cannot remove the stale lock file .*\.lock: /);
        expect(error.message).toMatch(words);
        expect(error.details).toMatchObject({ reason: 'unwritable' });
        expect(ran).toBe(false);
      },
    );
  });
});

describe('a full disk', () => {
  itWith(root)('leaves no lock file behind when the lock cannot be written', async () => {
    await fullDisk(async (folder) => {
      const lock = join(folder, 'accounts', '.lock');
      const error = await failure(withFileLock(lock, async () => {}));
      expect(error.message).toBe(
        `Cannot write the lock file ${lock}: no space left on the device.`,
      );
      expect(error.details).toMatchObject({ reason: 'unwritable', errno: 'ENOSPC' });
      expect(await readdir(join(folder, 'accounts'))).toEqual([]);
    });
  });

  itWith(root)('refuses a sign-in before it starts, leaving no probe behind', async () => {
    await fullDisk(async (folder) => {
      const store = createFileAccountStore({ directory: join(folder, 'accounts'), clientSecrets });
      const error = await failure(store.checkWritable());
      expect(error.message).toMatch(/: no space left on the device\.$/);
      expect(await readdir(join(folder, 'accounts'))).toEqual([]);
    });
  });
});
