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

/**
 * Runs drive-cli `command` under strace and returns the files below `folder` that it opened,
 * with how often.
 */
async function opensBelow(
  env: NodeJS.ProcessEnv,
  command: string,
  folder: string,
): Promise<Record<string, number>> {
  const traceFile = join(await mkdtemp(join(tmpdir(), 'drive-cli-trace-')), `${command}.trace`);
  await run(
    'strace',
    ['-f', '-qq', '-e', 'trace=openat', '-o', traceFile, process.execPath, cliPath, command],
    { env },
  );
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
    const account = basename(credentialsPath(env));
    expect(await opensBelow(env, 'ls', env.DRIVE_CLI_CONFIG_DIR ?? '')).toEqual({
      'accounts/accounts.json': 1,
      [`accounts/${account}`]: 1,
    });
  });
});

describe('drive-cli doctor', () => {
  itWith(strace)('reads the client file once, for its own check and the accounts', async () => {
    const env = await signedInEnv(sandbox);
    const client = env.DRIVE_CLI_CLIENT_SECRETS ?? '';
    expect(await opensBelow(env, 'doctor', dirname(client))).toMatchObject({
      [basename(client)]: 1,
    });
  });
});
