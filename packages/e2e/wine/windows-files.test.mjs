// Core's file stores under Windows semantics: run by scripts/wine-tier.mjs with the Windows
// build of Node under Wine, against a flat install of the packed packages. Each test's name
// says the Windows behaviour it meets. Wine approximates Windows; it is not Windows.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { credentialsFromTokenResponse, parseClientSecrets } from '@installed-oauth/core';
import {
  createFileAccountStore,
  createFileTokenStore,
  readClientSecretsFile,
  withFileLock,
} from '@installed-oauth/core/node';
import { accountCredentials, scratchFolder } from './windows-fixtures.mjs';

const clientSecrets = parseClientSecrets({
  installed: {
    client_id: 'wine.apps.googleusercontent.com',
    client_secret: 'GOCSPX-wine-tier',
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: 'https://oauth2.googleapis.com/token',
  },
});

let folder;
let store;
before(async () => {
  folder = await scratchFolder('stores');
  store = createFileAccountStore({ directory: join(folder, 'accounts'), clientSecrets });
});
after(() => rm(folder, { recursive: true, force: true }));

describe('the process Wine gives us', () => {
  it('is win32: no process.getuid, %APPDATA% and %LOCALAPPDATA% set, drive-letter paths', () => {
    assert.equal(process.platform, 'win32');
    assert.equal(process.getuid, undefined);
    assert.match(process.env.APPDATA ?? '', /^[A-Z]:\\/);
    assert.match(process.env.LOCALAPPDATA ?? '', /^[A-Z]:\\/);
    assert.match(folder, /^[A-Z]:\\/);
  });
});

describe('the file account store', () => {
  it('saves, lists, loads and makes active an account under %LOCALAPPDATA% (backslash paths)', async () => {
    const credentials = accountCredentials('1001', 'ada@example.com');
    await store.withLock(async () => {
      await store.account('1001').save(credentials);
      await store.setActiveAccount('1001');
    });
    assert.match(store.pathOf('1001'), /\\accounts\\1001\.json$/);
    assert.deepEqual(await store.accounts(), ['1001']);
    assert.equal(await store.activeAccount(), '1001');
    assert.deepEqual(await store.account('1001').load(), credentials);
  });

  it('has no POSIX modes to check: the 0600 file reads back 0666, and is used (no owner or mode refusal)', async () => {
    const path = store.pathOf('1001');
    assert.equal((await stat(path)).mode & 0o777, 0o666);
    assert.ok(await store.account('1001').load());
  });
});

describe('a path that goes through a file', () => {
  it('is answered ENOENT, as if missing, and still called "a part of the path is not a folder", never "not signed in"', async () => {
    const file = join(folder, 'notes.txt');
    await writeFile(file, '');
    const path = join(file, 'client_secret.json');
    await assert.rejects(stat(path), { code: 'ENOENT' });
    await assert.rejects(readClientSecretsFile(path), {
      code: 'CLIENT_SECRETS_UNREADABLE',
      message: `Cannot read the client secrets file ${path}: a part of the path is not a folder.`,
    });
    // Not taken for "not signed in": the store says what is wrong.
    const account = join(file, 'accounts', '1.json');
    const through = createFileTokenStore({ path: account, clientSecrets });
    await assert.rejects(through.load(), {
      message: `Cannot inspect ${account}: a part of the path is not a folder.`,
    });
  });
});

describe('replacing a file another process holds open', () => {
  it('fails with EPERM for a plain rename (what the retry is for)', async () => {
    const path = store.pathOf('1001');
    const replacement = `${path}.plain`;
    await writeFile(replacement, 'x');
    const reader = await open(path, 'r');
    try {
      await assert.rejects(rename(replacement, path), { code: 'EPERM' });
    } finally {
      await reader.close();
    }
  });

  it('succeeds for a save racing a reader: the rename is tried again until the reader lets go', async () => {
    const path = store.pathOf('1001');
    const reader = await open(path, 'r');
    const letGo = setTimeout(() => reader.close(), 500);
    const newer = credentialsFromTokenResponse(
      { access_token: 'ya29.after-the-reader', expires_in: 3600 },
      { receivedAt: Date.now(), previous: await store.account('1001').load() },
    );
    await store.account('1001').save(newer);
    clearTimeout(letGo);
    await reader.close().catch(() => {});
    assert.equal((await store.account('1001').load()).accessToken, 'ya29.after-the-reader');
  });

  it('gives up, in the end, while the file stays open (ten seconds of retries), keeping the previous credentials whole', async () => {
    const path = store.pathOf('1001');
    const before = await readFile(path, 'utf8');
    const reader = await open(path, 'r');
    try {
      const later = { ...(await store.account('1001').load()), accessToken: 'ya29.never' };
      await assert.rejects(store.account('1001').save(later), {
        code: 'TOKEN_STORE_ERROR',
        message: /operation not permitted/,
      });
    } finally {
      await reader.close();
    }
    assert.equal(await readFile(path, 'utf8'), before);
  });
});

describe('the lock between processes', () => {
  it('lets one process at a time hold it (two Windows processes, a hard-link lock file)', async () => {
    const lockPath = join(folder, 'accounts', '.lock');
    const log = join(folder, 'lock-log.txt');
    await writeFile(log, '');
    const holder = (name) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['lock-holder.mjs', lockPath, log, name], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let errors = '';
        child.stderr.on('data', (chunk) => {
          errors += chunk;
        });
        child.on('error', reject);
        child.on('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`holder ${name} exited ${code}: ${errors}`)),
        );
      });
    await Promise.all([holder('a'), holder('b')]);
    const events = (await readFile(log, 'utf8')).trim().split('\n');
    assert.equal(events.length, 4);
    // enter x, leave x, enter y, leave y: never two inside at once.
    assert.equal(events[0].split(' ')[1], events[1].split(' ')[1]);
    assert.deepEqual(
      events.map((event) => event.split(' ')[0]),
      ['enter', 'leave', 'enter', 'leave'],
    );
    await assert.rejects(stat(lockPath), { code: 'ENOENT' });
    // The same lock in this process still works afterwards.
    assert.equal(await withFileLock(lockPath, async () => 'held'), 'held');
  });
});
