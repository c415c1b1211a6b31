import { execFile } from 'node:child_process';
import {
  chmod,
  chown,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { basename, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  describeWith,
  expectModeWherePosix,
  fifo,
  itWith,
  linux,
  posixModes,
  root,
  useSandbox,
} from '@installed-oauth/test-support';
import { beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  authorize,
  type ClientSecrets,
  type Credentials,
  credentialsFromTokenResponse,
  getFreshCredentials,
  parseClientSecrets,
} from '../src/index.js';
import { describeFsError, isMissing } from '../src/node/fs-errors.js';
import {
  createFileAccountStore,
  createFileTokenStore,
  privateFolderProblem,
  withFileLock,
} from '../src/node/index.js';
import { agentStrategy, DRIVE_SCOPE, failure, sandboxSecrets } from './helpers.js';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./fixtures/refresh-child.mjs', import.meta.url));

const sandbox = useSandbox();
let clientSecrets: ClientSecrets;
let folder: string;
beforeAll(() => {
  clientSecrets = sandboxSecrets(sandbox);
});
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'core-store-'));
});

const example: Credentials = credentialsFromTokenResponse(
  {
    access_token: 'ya29.example',
    refresh_token: '1//example',
    expires_in: 3600,
    scope: DRIVE_SCOPE,
  },
  { receivedAt: Date.now() },
);

async function code(promise: Promise<unknown>): Promise<string> {
  const { code, message } = await failure(promise);
  return `${code}: ${message}`;
}

describe('file token store', () => {
  it('creates the folder 0700 and the file 0600, and reads back what it wrote', async () => {
    const path = join(folder, 'nested', 'credentials.json');
    const store = createFileTokenStore({ path, clientSecrets });
    expect(await store.load()).toBeUndefined();
    await store.save(example);
    await expectModeWherePosix(join(folder, 'nested'), 0o700);
    await expectModeWherePosix(path, 0o600);
    expect(await store.load()).toEqual(example);
    const json = JSON.parse(await readFile(path, 'utf8'));
    expect(json).toMatchObject({
      type: 'authorized_user',
      client_id: sandbox.clientId,
      refresh_token: '1//example',
    });
  });

  it('binds the credentials to the token endpoint that issued them; a file without token_uri is taken as it is', async () => {
    const path = join(folder, 'credentials.json');
    await createFileTokenStore({ path, clientSecrets }).save(example);
    const elsewhere = parseClientSecrets(
      { installed: { ...sandbox.clientSecrets.installed, token_uri: 'https://other.example/t' } },
      { allowInsecureTransport: true },
    );
    expect(await code(createFileTokenStore({ path, clientSecrets: elsewhere }).load())).toMatch(
      /^INVALID_CLIENT_SECRETS: The client configuration names the token endpoint https:\/\/other\.example\/t, but the credentials in .* were issued by http:\/\/127\.0\.0\.1:\d+\/token;/,
    );
    // Files written by other tools may lack token_uri: nothing to compare, so they load; the
    // next save binds them.
    const { token_uri: _dropped, ...unbound } = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify(unbound), { mode: 0o600 });
    const store = createFileTokenStore({ path, clientSecrets: elsewhere });
    expect(await store.load()).toEqual(example);
    await store.save(example);
    expect(JSON.parse(await readFile(path, 'utf8')).token_uri).toBe('https://other.example/t');
  });

  it('replaces the file atomically and leaves no temporary files', async () => {
    const path = join(folder, 'credentials.json');
    const store = createFileTokenStore({ path, clientSecrets });
    await store.save(example);
    const before = (await stat(path)).ino;
    await store.save({ ...example, accessToken: 'ya29.second' });
    expect((await stat(path)).ino).not.toBe(before); // a new file renamed over the old one
    expect(await readdir(folder)).toEqual(['credentials.json']);
    expect((await store.load())?.accessToken).toBe('ya29.second');
  });

  it('refuses a symbolic link at the path and leaves its target untouched', async () => {
    const target = join(folder, 'target.txt');
    await writeFile(target, 'precious');
    const path = join(folder, 'credentials.json');
    await symlink(target, path);
    const store = createFileTokenStore({ path, clientSecrets });
    expect(await code(store.save(example))).toMatch(/^TOKEN_STORE_ERROR: .*is a symbolic link/);
    expect(await code(store.load())).toMatch(/^TOKEN_STORE_ERROR: .*is a symbolic link/);
    expect(await readFile(target, 'utf8')).toBe('precious');
    await store.delete();
    expect(await readFile(target, 'utf8')).toBe('precious'); // delete removed the link only
    await expect(lstat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reports a corrupt file and leaves it in place', async () => {
    const path = join(folder, 'credentials.json');
    await writeFile(path, '{"type": "authorized_user", "client_id":');
    const store = createFileTokenStore({ path, clientSecrets });
    expect(await code(store.load())).toMatch(/^INVALID_CREDENTIALS_FILE: .*not valid JSON/);
    expect(await readFile(path, 'utf8')).toBe('{"type": "authorized_user", "client_id":');
  });

  it('reports a foreign file (a service-account key) and leaves it in place', async () => {
    const path = join(folder, 'credentials.json');
    const foreign = JSON.stringify({
      type: 'service_account',
      private_key: '-----BEGIN PRIVATE KEY-----',
    });
    await writeFile(path, foreign);
    const message = await code(createFileTokenStore({ path, clientSecrets }).load());
    expect(message).toMatch(/"type" is "service_account"/);
    expect(message).not.toContain('PRIVATE KEY');
    expect(await readFile(path, 'utf8')).toBe(foreign);
  });

  it('asks to sign in again when the file belongs to another OAuth client', async () => {
    const path = join(folder, 'credentials.json');
    const other = parseClientSecrets(
      {
        installed: {
          ...sandbox.clientSecrets.installed,
          client_id: 'other.apps.googleusercontent.com',
        },
      },
      { allowInsecureTransport: true },
    );
    await createFileTokenStore({ path, clientSecrets: other }).save(example);
    expect(await code(createFileTokenStore({ path, clientSecrets }).load())).toMatch(
      /^REAUTHENTICATION_REQUIRED: .*another OAuth client/,
    );
  });

  it('reports a write it cannot do and keeps the previous credentials', async () => {
    const path = join(folder, 'credentials.json');
    const store = createFileTokenStore({ path, clientSecrets });
    await store.save(example);
    // A path below a regular file cannot be written; the error names it and nothing changes.
    const blocked = createFileTokenStore({ path: join(path, 'inside.json'), clientSecrets });
    expect(await code(blocked.save(example))).toMatch(
      /^TOKEN_STORE_ERROR: Cannot create the folder/,
    );
    expect(await store.load()).toEqual(example);
  });

  it('refuses bad arguments with a TypeError', () => {
    expect(() => createFileTokenStore(undefined as never)).toThrow(
      /"path" must be a non-empty string/,
    );
    expect(() => createFileTokenStore({ path: '', clientSecrets })).toThrow(TypeError);
    expect(() =>
      createFileTokenStore({ path: join(folder, 'c.json'), clientSecrets: {} as ClientSecrets }),
    ).toThrow(/"clientSecrets" must come from parseClientSecrets\(\)/);
  });

  it('reports a folder where the file should be, and leaves it alone', async () => {
    const path = join(folder, 'credentials.json');
    await mkdir(path);
    const store = createFileTokenStore({ path, clientSecrets });
    expect(await code(store.load())).toBe(`TOKEN_STORE_ERROR: ${path} is not a regular file.`);
    expect(await code(store.save(example))).toBe(
      `TOKEN_STORE_ERROR: ${path} is not a regular file.`,
    );
    expect(await code(store.delete())).toBe(
      `TOKEN_STORE_ERROR: Cannot delete ${path}: it is a folder.`,
    );
    expect((await stat(path)).isDirectory()).toBe(true);
  });

  it('refuses a file far too large to be credentials without reading it', async () => {
    const path = join(folder, 'credentials.json');
    await writeFile(path, 'x'.repeat(100_000));
    expect(await code(createFileTokenStore({ path, clientSecrets }).load())).toBe(
      `TOKEN_STORE_ERROR: ${path} is 100000 bytes; that is not a credentials file.`,
    );
  });

  it('says which part of the path is wrong when a file stands where a folder should', async () => {
    const file = join(folder, 'not-a-folder');
    await writeFile(file, '');
    const path = join(file, 'credentials.json');
    const store = createFileTokenStore({ path, clientSecrets });
    expect(await code(store.load())).toBe(
      `TOKEN_STORE_ERROR: Cannot inspect ${path}: a part of the path is not a folder.`,
    );
    expect(await code(store.delete())).toBe(
      `TOKEN_STORE_ERROR: Cannot delete ${path}: a part of the path is not a folder.`,
    );
    expect(await code(store.withLock?.(async () => 'ran') ?? Promise.resolve())).toMatch(
      new RegExp(`^TOKEN_STORE_ERROR: Cannot create the folder ${file}: `),
    );
  });

  itWith(linux('sysfs, which refuses new files even to root'))(
    'reports a folder that refuses new files, leaving nothing behind',
    async () => {
      // sysfs refuses to create files even for root, which these tests may run as.
      const path = '/sys/installed-oauth-credentials.json';
      const store = createFileTokenStore({ path, clientSecrets });
      const message = await code(store.save(example));
      expect(message).toMatch(
        /^TOKEN_STORE_ERROR: Cannot write \/sys\/installed-oauth-credentials.json: (permission denied|operation not permitted|read-only file system)\. The previous credentials, if any, are unchanged\.$/,
      );
      expect((await readdir('/sys')).filter((name) => name.includes('installed-oauth'))).toEqual(
        [],
      );
    },
  );

  it('deletes, and deleting nothing is fine', async () => {
    const path = join(folder, 'credentials.json');
    const store = createFileTokenStore({ path, clientSecrets });
    await store.save(example);
    await store.delete();
    await store.delete();
    expect(await store.load()).toBeUndefined();
  });
});

describe('getFreshCredentials', () => {
  it('returns stored credentials that are still valid without a request', async () => {
    const store = createFileTokenStore({ path: join(folder, 'c.json'), clientSecrets });
    await store.save(example);
    const before = sandbox.counters.refreshGrants;
    expect(await getFreshCredentials({ store, clientSecrets })).toEqual(example);
    expect(sandbox.counters.refreshGrants).toBe(before);
  });

  it('says "not signed in" when nothing is stored', async () => {
    const store = createFileTokenStore({ path: join(folder, 'c.json'), clientSecrets });
    expect(await code(getFreshCredentials({ store, clientSecrets }))).toMatch(
      /^REAUTHENTICATION_REQUIRED: Not signed in/,
    );
  });

  it('sends one refresh request when two processes find the token expired at once', async () => {
    const path = join(folder, 'credentials.json');
    const store = createFileTokenStore({ path, clientSecrets });
    const signedIn = await authorize({
      clientSecrets,
      scopes: [DRIVE_SCOPE],
      strategy: agentStrategy(),
    });
    await store.save({ ...signedIn, expiresAt: Date.now() - 1000 });
    const before = sandbox.counters.refreshGrants;
    const secretsJson = JSON.stringify(sandbox.clientSecrets);
    const [first, second] = await Promise.all([
      run(process.execPath, [child, secretsJson, path]),
      run(process.execPath, [child, secretsJson, path]),
    ]);
    expect(sandbox.counters.refreshGrants).toBe(before + 1);
    expect(first.stdout).toBe(second.stdout);
    expect(first.stdout).not.toBe(signedIn.accessToken);
    expect((await store.load())?.accessToken).toBe(first.stdout);
    expect(await readdir(folder)).toEqual(['credentials.json']); // the lock file is gone
  });

  it('refreshes once more after a 401 when asked to force it', async () => {
    const store = createFileTokenStore({ path: join(folder, 'c.json'), clientSecrets });
    const signedIn = await authorize({
      clientSecrets,
      scopes: [DRIVE_SCOPE],
      strategy: agentStrategy(),
    });
    await store.save(signedIn);
    const fresh = await getFreshCredentials({ store, clientSecrets, forceRefresh: true });
    expect(fresh.accessToken).not.toBe(signedIn.accessToken);
    expect(fresh.refreshToken).toBe(signedIn.refreshToken);
  });
});

/** A lock file as another process on this machine, sharing the store, would have written it. */
async function writeLockFile(path: string, owner: { pid: number; createdAt: number }) {
  await writeFile(path, JSON.stringify({ ...owner, host: hostname(), nonce: 'x' }));
}

/** A process id that no process has (Linux's pid_max is at most 2^22). */
const DEAD_PID = 2 ** 22 + 12345;

describeWith(posixModes)('ownership and modes, as ssh checks them', () => {
  it('refuses a credentials file or folder that other users can change, saying how to fix it', async () => {
    const path = join(folder, 'credentials.json');
    const store = createFileTokenStore({ path, clientSecrets });
    await store.save(example);
    await chmod(path, 0o666);
    expect(await code(store.load())).toBe(
      `TOKEN_STORE_ERROR: ${path} can be changed by other users (mode 666); refusing to use it.`,
    );
    expect((await failure(store.load())).hint).toBe(`Run: chmod go-w ${path}`);
    await chmod(path, 0o600);
    await chmod(folder, 0o777);
    expect(await code(store.load())).toBe(
      `TOKEN_STORE_ERROR: ${folder} can be changed by other users (mode 777); refusing to use it.`,
    );
    await chmod(folder, 0o700);
    expect((await store.load())?.accessToken).toBe(example.accessToken);
  });

  it('refuses a folder above the credentials that others can change (a config folder left 0777)', async () => {
    const config = join(folder, 'config');
    const path = join(config, 'accounts', 'credentials.json');
    const store = createFileTokenStore({ path, clientSecrets });
    await store.save(example);
    await chmod(config, 0o777);
    expect(await code(store.load())).toBe(
      `TOKEN_STORE_ERROR: ${config} can be changed by other users (mode 777); refusing to use it.`,
    );
    // The sticky bit (as on /tmp) keeps others from renaming what is ours: allowed.
    await chmod(config, 0o1777);
    expect((await store.load())?.accessToken).toBe(example.accessToken);
    await chmod(config, 0o755);
    expect((await store.load())?.accessToken).toBe(example.accessToken);
  });

  it('answers privateFolderProblem() with the same rule, before anything is stored', async () => {
    const config = join(folder, 'config');
    const accounts = join(config, 'accounts');
    await mkdir(accounts, { recursive: true, mode: 0o700 });
    expect(await privateFolderProblem(accounts)).toBeUndefined();
    await chmod(accounts, 0o777);
    expect(await privateFolderProblem(accounts)).toMatchObject({
      code: 'TOKEN_STORE_ERROR',
      message: `${accounts} can be changed by other users (mode 777); refusing to use it.`,
      hint: `Run: chmod go-w ${accounts}`,
    });
    // Sticky is no excuse for the folder itself, only for those above it (as /tmp).
    await chmod(accounts, 0o1777);
    expect((await privateFolderProblem(accounts))?.message).toMatch(
      /can be changed by other users/,
    );
    await chmod(accounts, 0o700);
    await chmod(config, 0o777);
    expect((await privateFolderProblem(accounts))?.message).toBe(
      `${config} can be changed by other users (mode 777); refusing to use it.`,
    );
    await chmod(config, 0o1777);
    expect(await privateFolderProblem(accounts)).toBeUndefined();
  });

  it('makes a file of ours that others can read private again', async () => {
    const path = join(folder, 'credentials.json');
    const store = createFileTokenStore({ path, clientSecrets });
    await store.save(example);
    await chmod(path, 0o644);
    expect((await store.load())?.accessToken).toBe(example.accessToken);
    await expectModeWherePosix(path, 0o600);
  });

  itWith(root)("refuses another user's credentials file, even a private one", async () => {
    const path = join(folder, 'credentials.json');
    const store = createFileTokenStore({ path, clientSecrets });
    await store.save(example);
    await chown(path, 65534, 65534); // nobody
    expect(await code(store.load())).toBe(
      `TOKEN_STORE_ERROR: ${path} belongs to another user (uid 65534); refusing to use it.`,
    );
  });
});

describe('temporary files of an interrupted save', () => {
  it("are removed by the next save when their process is gone; a running writer's are left alone", async () => {
    const path = join(folder, 'credentials.json');
    const store = createFileTokenStore({ path, clientSecrets });
    // A save killed between write and rename leaves a live refresh token behind.
    const orphan = join(folder, `.credentials.json.${DEAD_PID}.0123456789ab.tmp`);
    const running = join(folder, `.credentials.json.${process.pid}.ba9876543210.tmp`);
    const unrelated = join(folder, `.other.json.${DEAD_PID}.0123456789ab.tmp`);
    for (const file of [orphan, running, unrelated])
      await writeFile(file, '{"refresh_token":"1//x"}');
    await store.save(example);
    expect((await readdir(folder)).sort()).toEqual(
      [basename(running), basename(unrelated), 'credentials.json'].sort(),
    );
  });
});

describe('file lock', () => {
  it('breaks a lock left by a process that died', async () => {
    const path = join(folder, 'credentials.json');
    await writeLockFile(`${path}.lock`, { pid: DEAD_PID, createdAt: Date.now() });
    const store = createFileTokenStore({ path, clientSecrets, lock: { timeout: 60_000 } });
    expect(await store.withLock?.(async () => 'ran')).toBe('ran');
  });

  it('waits for a lock file that is still being written, and breaks one left half-written long ago', async () => {
    const path = join(folder, 'credentials.json');
    await writeFile(`${path}.lock`, '');
    const store = createFileTokenStore({ path, clientSecrets, lock: { timeout: 300 } });
    expect(await code(store.withLock?.(async () => 'ran') ?? Promise.resolve())).toMatch(
      /^TOKEN_STORE_ERROR: Timed out waiting for the lock/,
    );
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(`${path}.lock`, longAgo, longAgo);
    expect(await store.withLock?.(async () => 'ran')).toBe('ran');
  });

  it('breaks a lock older than staleAfter even when its owner still runs', async () => {
    const path = join(folder, 'credentials.json');
    await writeLockFile(`${path}.lock`, { pid: process.pid, createdAt: Date.now() - 120_000 });
    const store = createFileTokenStore({ path, clientSecrets, lock: { timeout: 60_000 } });
    expect(await store.withLock?.(async () => 'ran')).toBe('ran');
  });

  it('lets two waiters that break the same stale lock take turns, never overlapping', async () => {
    const path = join(folder, 'credentials.json');
    await writeLockFile(`${path}.lock`, { pid: DEAD_PID, createdAt: Date.now() });
    const store = createFileTokenStore({ path, clientSecrets, lock: { timeout: 60_000 } });
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`${name} in`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      events.push(`${name} out`);
    };
    await Promise.all([store.withLock?.(task('a')), store.withLock?.(task('b'))]);
    const [first, second] = events[0] === 'a in' ? ['a', 'b'] : ['b', 'a'];
    expect(events).toEqual([`${first} in`, `${first} out`, `${second} in`, `${second} out`]);
    expect(await readdir(folder)).toEqual([]);
  });

  it('a waiter that judged a lock stale never breaks the lock another waiter took meanwhile', async () => {
    const lockPath = join(folder, 'credentials.json.lock');
    await writeLockFile(lockPath, { pid: DEAD_PID, createdAt: Date.now() });
    const events: string[] = [];
    const deferred = () => {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      return { promise, resolve };
    };
    const bJudged = deferred();
    const bMayBreak = deferred();
    const bTried = deferred();
    // B judges the dead process's lock stale, then is held before breaking it…
    const b = withFileLock(
      lockPath,
      async () => {
        events.push('b in');
        events.push('b out');
      },
      {
        timeout: 60_000,
        beforeBreaking: async () => {
          bJudged.resolve();
          await bMayBreak.promise;
        },
        afterBreaking: async () => bTried.resolve(),
      },
    );
    await bJudged.promise;
    // …while A breaks it and takes the lock; B then tries to break what is now A's lock.
    const a = withFileLock(
      lockPath,
      async () => {
        events.push('a in');
        bMayBreak.resolve();
        await bTried.promise;
        events.push('a out');
      },
      { timeout: 60_000 },
    );
    await Promise.all([a, b]);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
    expect(await readdir(folder)).toEqual([]);
  });

  it('reports a lock path it cannot read or create, naming it', async () => {
    const path = join(folder, 'credentials.json');
    await mkdir(`${path}.lock`); // a folder where the lock file goes
    const store = createFileTokenStore({ path, clientSecrets, lock: { timeout: 200 } });
    expect(await code(store.withLock?.(async () => 'ran') ?? Promise.resolve())).toBe(
      `TOKEN_STORE_ERROR: Refusing the lock file ${path}.lock: it is not a regular file.`,
    );
    const missing = join(folder, 'missing', 'credentials.json.lock');
    expect(await code(withFileLock(missing, async () => 'ran'))).toBe(
      `TOKEN_STORE_ERROR: Cannot create the lock file ${missing}: no such file.`,
    );
  });

  itWith(fifo)(
    'refuses, without blocking, a lock path that is a FIFO, a link, or too big to be a lock',
    async () => {
      const path = join(folder, 'credentials.json');
      const store = createFileTokenStore({ path, clientSecrets, lock: { timeout: 60_000 } });
      const withLock = () => store.withLock?.(async () => 'ran') ?? Promise.resolve();
      // A FIFO: reading it would wait for a writer forever.
      await run('mkfifo', [`${path}.lock`]);
      expect(await code(withLock())).toBe(
        `TOKEN_STORE_ERROR: Refusing the lock file ${path}.lock: it is not a regular file.`,
      );
      await rm(`${path}.lock`);
      // A link to /dev/zero: reading it would never end.
      await symlink('/dev/zero', `${path}.lock`);
      expect(await code(withLock())).toBe(
        `TOKEN_STORE_ERROR: Refusing the lock file ${path}.lock: it is a symbolic link.`,
      );
      await rm(`${path}.lock`);
      await writeFile(`${path}.lock`, 'x'.repeat(5000));
      expect(await code(withLock())).toBe(
        `TOKEN_STORE_ERROR: Refusing the lock file ${path}.lock: it is 5000 bytes, too big to be a lock.`,
      );
    },
  );

  it("judges a lock dated in the future (a skewed clock, or planted) by the file's own age", async () => {
    const path = join(folder, 'credentials.json');
    const inAnHour = Date.now() + 3_600_000;
    await writeLockFile(`${path}.lock`, { pid: process.pid, createdAt: inAnHour });
    const longAgo = new Date(Date.now() - 120_000);
    await utimes(`${path}.lock`, longAgo, longAgo);
    const store = createFileTokenStore({ path, clientSecrets, lock: { timeout: 60_000 } });
    expect(await store.withLock?.(async () => 'ran')).toBe('ran');
  });

  it('never waits on a lock dated ahead of now, even when its holder runs or is elsewhere', async () => {
    const path = join(folder, 'credentials.json');
    // What it says is an hour ahead, its file is fresh, and its pid is alive (this process).
    await writeLockFile(`${path}.lock`, { pid: process.pid, createdAt: Date.now() + 3_600_000 });
    // A short limit: a lock judged live would be waited on, and fail with "Timed out".
    const store = createFileTokenStore({ path, clientSecrets, lock: { timeout: 200 } });
    expect(await store.withLock?.(async () => 'ran')).toBe('ran');
    // A file dated ahead, whatever it says (planted with touch -d).
    await writeFile(`${path}.lock`, JSON.stringify({ pid: process.pid, host: 'elsewhere' }));
    const inAnHour = new Date(Date.now() + 3_600_000);
    await utimes(`${path}.lock`, inAnHour, inAnHour);
    expect(await store.withLock?.(async () => 'ran again')).toBe('ran again');
  });

  itWith(fifo)(
    'reads the accounts index as it reads a lock: a FIFO there is refused, never waited on',
    async () => {
      const directory = join(folder, 'accounts');
      await mkdir(directory, { mode: 0o700 });
      await run('mkfifo', [join(directory, 'accounts.json')]);
      const store = createFileAccountStore({ directory, clientSecrets });
      const error = await failure(store.accounts());
      expect(error.code).toBe('TOKEN_STORE_ERROR');
      expect(error.message).toBe(
        `Refusing ${join(directory, 'accounts.json')}: it is not a regular file.`,
      );
      await rm(join(directory, 'accounts.json'));
      await symlink(join(folder, 'elsewhere.json'), join(directory, 'accounts.json'));
      expect((await failure(store.accounts())).message).toBe(
        `Refusing ${join(directory, 'accounts.json')}: it is a symbolic link.`,
      );
      await rm(join(directory, 'accounts.json'));
      await writeFile(join(directory, 'accounts.json'), 'x'.repeat(70 * 1024));
      expect((await failure(store.accounts())).message).toMatch(/more than such a file holds/);
    },
  );

  it('gives up with a clear error while a live process holds the lock', async () => {
    const path = join(folder, 'credentials.json');
    await writeLockFile(`${path}.lock`, { pid: process.pid, createdAt: Date.now() });
    const store = createFileTokenStore({ path, clientSecrets, lock: { timeout: 200 } });
    expect(await code(store.withLock?.(async () => 'ran') ?? Promise.resolve())).toMatch(
      /^TOKEN_STORE_ERROR: Timed out waiting for the lock/,
    );
    await rm(`${path}.lock`);
  });
});

describe('file-system errors in words', () => {
  it('uses words for common codes, else the code, else the message', () => {
    const error = (code: string | undefined, message: string) =>
      Object.assign(new Error(message), { code });
    expect(describeFsError(error('ENOSPC', 'write failed'))).toBe('no space left on the device');
    expect(describeFsError(error('EBUSY', 'resource busy'))).toBe('EBUSY');
    expect(describeFsError(error(undefined, 'something odd'))).toBe('something odd');
  });

  it("says a part of the path is not a folder when Windows' ENOENT is about a path through a file", async () => {
    // What Windows answers for C:\...\notes.txt\credentials.json (the Windows tier sees it): ENOENT.
    const file = join(folder, 'notes.txt');
    await writeFile(file, '');
    const throughFile = Object.assign(new Error('ENOENT'), {
      code: 'ENOENT',
      path: join(file, 'accounts', 'credentials.json'),
    });
    expect(describeFsError(throughFile)).toBe('a part of the path is not a folder');
    expect(isMissing(throughFile)).toBe(false); // a mistake to report, not "not signed in"
    // A path that is simply missing stays "no such file".
    const missing = { ...throughFile, path: join(folder, 'nowhere', 'credentials.json') };
    expect(describeFsError(Object.assign(new Error('ENOENT'), missing))).toBe('no such file');
    expect(isMissing(Object.assign(new Error('ENOENT'), missing))).toBe(true);
    // Nothing on the way exists but the root; an error that names no path.
    const nowhere = join(parse(folder).root, 'installed-oauth-nowhere', 'credentials.json');
    expect(isMissing(Object.assign(new Error('ENOENT'), { code: 'ENOENT', path: nowhere }))).toBe(
      true,
    );
    expect(describeFsError(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }))).toBe(
      'no such file',
    );
  });
});
