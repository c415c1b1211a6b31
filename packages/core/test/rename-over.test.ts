// The rename that makes every credentials write atomic, as Windows refuses it while another
// process holds the file open. Here the refusal is made for real by the file system: an
// immutable file (chattr +i, root) cannot be replaced, EPERM, until the flag is removed. The
// Windows tier (scripts/wine-tier.mjs) checks the same against a file held open under Wine.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { itWith, type Need } from '@installed-oauth/test-support';
import { afterEach, beforeEach, describe, expect } from '@jest/globals';
import { RENAME_RETRY_MS, renameOver } from '../src/node/rename-over.js';

const chattr = (flag: string, path: string) => execFileSync('chattr', [flag, path]);
const immutableFiles: Need = {
  get missing() {
    if (process.getuid?.() !== 0) return 'needs root (chattr +i)';
    try {
      execFileSync('sh', ['-c', 'command -v chattr'], { stdio: 'ignore' });
      return '';
    } catch {
      return 'needs chattr (e2fsprogs)';
    }
  },
};
const withImmutable = itWith(immutableFiles);

let folder: string;
let target: string;
let replacement: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'core-rename-'));
  target = join(folder, 'account.json');
  replacement = join(folder, '.account.json.tmp');
  await writeFile(target, 'old');
  await writeFile(replacement, 'new');
});
afterEach(async () => {
  execFileSync('chattr', ['-i', target], { stdio: 'ignore' });
  await rm(folder, { recursive: true, force: true });
});

describe('replacing a file that cannot be replaced yet', () => {
  withImmutable('is tried again on Windows, and succeeds once the file is let go', async () => {
    chattr('+i', target);
    const letGo = setTimeout(() => chattr('-i', target), 300);
    try {
      await renameOver(replacement, target, 'win32');
    } finally {
      clearTimeout(letGo);
    }
    expect(await readFile(target, 'utf8')).toBe('new');
  });

  withImmutable('fails at once elsewhere, where EPERM means no permission', async () => {
    chattr('+i', target);
    const started = Date.now();
    await expect(renameOver(replacement, target, 'linux')).rejects.toMatchObject({
      code: 'EPERM',
    });
    // Not the retries' ten seconds.
    expect(Date.now() - started).toBeLessThan(RENAME_RETRY_MS);
    expect(await readFile(target, 'utf8')).toBe('old');
  });

  withImmutable(
    'gives up on Windows when the file is never let go, leaving it as it was',
    async () => {
      chattr('+i', target);
      await expect(renameOver(replacement, target, 'win32')).rejects.toMatchObject({
        code: 'EPERM',
      });
      expect(await readFile(target, 'utf8')).toBe('old');
      expect(await readFile(replacement, 'utf8')).toBe('new');
    },
  );
});
