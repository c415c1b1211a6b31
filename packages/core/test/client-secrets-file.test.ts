import { execFile, execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { chmod, cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fifo, itWith, posixModes } from '@installed-oauth/test-support';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { InstalledOAuthError } from '../src/index.js';
import { readClientSecretsFile } from '../src/node/index.js';

const run = promisify(execFile);
let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'core-secrets-'));
});

const installed = {
  client_id: '123-abc.apps.googleusercontent.com',
  auth_uri: 'https://accounts.google.com/o/oauth2/auth',
  token_uri: 'https://oauth2.googleapis.com/token',
  client_secret: 'GOCSPX-x',
};

async function failure(path: string): Promise<InstalledOAuthError> {
  try {
    await readClientSecretsFile(path);
  } catch (error) {
    if (error instanceof InstalledOAuthError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** True when every folder on the way and the file itself can be used by other users. */
function reachableByOthers(path: string, bit: number): boolean {
  try {
    let current = path;
    if ((statSync(current).mode & bit) === 0) return false;
    while (current !== dirname(current)) {
      current = dirname(current);
      if ((statSync(current).mode & 0o001) === 0) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** A node binary the "nobody" user may run: this one, or the system's. */
function nodeForNobody(): string {
  const found = [process.execPath, '/usr/bin/node', '/usr/local/bin/node'].find((path) =>
    reachableByOthers(path, 0o001),
  );
  if (!found) throw new Error('no node binary that the "nobody" user can run');
  return found;
}

/** The built node entry point copied to a world-readable folder (it imports nothing outside dist/). */
async function copyReaderForNobody(): Promise<string> {
  const target = await mkdtemp(join(tmpdir(), 'core-dist-'));
  await cp(fileURLToPath(new URL('../dist/', import.meta.url)), join(target, 'dist'), {
    recursive: true,
  });
  await chmod(target, 0o755);
  return join(target, 'dist', 'node', 'index.js');
}

describe('readClientSecretsFile', () => {
  it('reads a valid file, BOM and all', async () => {
    const path = join(folder, 'client_secret.json');
    await writeFile(path, `\uFEFF${JSON.stringify({ installed })}`);
    expect((await readClientSecretsFile(path)).clientId).toBe(installed.client_id);
  });

  it('names the path when the file is missing', async () => {
    const error = await failure(join(folder, 'nope.json'));
    expect(error.code).toBe('CLIENT_SECRETS_UNREADABLE');
    expect(error.message).toBe(
      `Cannot read the client secrets file ${join(folder, 'nope.json')}: no such file.`,
    );
    expect(error.hint).toMatch(/Desktop app/);
  });

  it('names the path when the JSON is invalid', async () => {
    const path = join(folder, 'bad.json');
    await writeFile(path, '{"installed": ');
    const error = await failure(path);
    expect(error.code).toBe('INVALID_CLIENT_SECRETS');
    expect(error.message.startsWith(`${path} is not a valid OAuth client file:`)).toBe(true);
  });

  itWith(fifo)('refuses a directory and a FIFO without hanging', async () => {
    expect((await failure(folder)).message).toMatch(/not a regular file|directory/);
    const fifo = join(folder, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    expect((await failure(fifo)).message).toMatch(/not a regular file/);
  });

  it('refuses a path that is not text, and says when a part of the path is not a folder', async () => {
    await expect(readClientSecretsFile('')).rejects.toThrow(/"path" must be a non-empty string/);
    const file = join(folder, 'plain.txt');
    await writeFile(file, '');
    const error = await failure(join(file, 'client_secret.json'));
    expect(error.code).toBe('CLIENT_SECRETS_UNREADABLE');
    expect(error.message).toBe(
      `Cannot read the client secrets file ${join(file, 'client_secret.json')}: a part of the path is not a folder.`,
    );
  });

  it('refuses a file over 64 KiB', async () => {
    const path = join(folder, 'huge.json');
    await writeFile(
      path,
      `{"installed": ${JSON.stringify(installed)}, "pad": "${'x'.repeat(70_000)}"}`,
    );
    expect((await failure(path)).message).toMatch(/more than a client secrets file can be/);
  });

  itWith(posixModes)('names the path when permission is denied', async () => {
    const path = join(folder, 'private.json');
    await writeFile(path, JSON.stringify({ installed }));
    await chmod(path, 0o000);
    if (process.getuid?.() === 0) {
      // Root reads anything; ask as the unprivileged "nobody" user instead, with a copy of the
      // built reader in a folder that user can reach (the checkout may be under /root).
      await chmod(folder, 0o755);
      const reader = await copyReaderForNobody();
      const script = `import(${JSON.stringify(reader)}).then((m) => m.readClientSecretsFile(${JSON.stringify(path)})).catch((e) => { process.stdout.write(e.code + ': ' + e.message); })`;
      const { stdout } = await run(nodeForNobody(), ['-e', script], {
        uid: 65534,
        gid: 65534,
        cwd: tmpdir(),
      });
      expect(stdout).toBe(
        `CLIENT_SECRETS_UNREADABLE: Cannot read the client secrets file ${path}: permission denied.`,
      );
    } else {
      expect((await failure(path)).message).toMatch(/permission denied/);
    }
  });
});
