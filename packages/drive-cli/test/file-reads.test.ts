// What a cached `drive-cli ls` reads from the config folder, counted with strace on the real
// binary: each file once, and the accounts folder not listed at all (the active account is
// named in accounts.json). And `doctor`, which reads the client file once for all its checks.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { itWith, strace, useSandbox } from '@installed-oauth/test-support';
import { describe, expect } from '@jest/globals';
import { cliPath, credentialsPath, signedInEnv } from './helpers.js';

const run = promisify(execFile);
const sandbox = useSandbox();

/** The files and folders below `folder` that the command opened, with how often. */
async function opensBelow(traceFile: string, folder: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [, path = ''] of (await readFile(traceFile, 'utf8')).matchAll(
    /openat\(AT_FDCWD, "([^"]+)"/g,
  )) {
    if (!path.startsWith(`${folder}/`)) continue;
    const name = path.slice(folder.length + 1);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

describe('a cached drive-cli ls', () => {
  itWith(strace)('reads each file of the config folder once, and lists no folder', async () => {
    const env = await signedInEnv(sandbox);
    const folder = env.DRIVE_CLI_CONFIG_DIR ?? '';
    const traceFile = join(await mkdtemp(join(tmpdir(), 'drive-cli-trace-')), 'ls.trace');
    await run(
      'strace',
      ['-f', '-qq', '-e', 'trace=openat', '-o', traceFile, process.execPath, cliPath, 'ls'],
      { env },
    );
    const account = basename(credentialsPath(env));
    expect(await opensBelow(traceFile, folder)).toEqual({
      'accounts/accounts.json': 1,
      [`accounts/${account}`]: 1,
    });
  });
});

describe('drive-cli doctor', () => {
  itWith(strace)('reads the client file once, for its own check and the accounts', async () => {
    const env = await signedInEnv(sandbox);
    const client = env.DRIVE_CLI_CLIENT_SECRETS ?? '';
    const traceFile = join(await mkdtemp(join(tmpdir(), 'drive-cli-trace-')), 'doctor.trace');
    await run(
      'strace',
      ['-f', '-qq', '-e', 'trace=openat', '-o', traceFile, process.execPath, cliPath, 'doctor'],
      { env },
    );
    expect(await opensBelow(traceFile, dirname(client))).toMatchObject({
      [basename(client)]: 1,
    });
  });
});
