import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { itWith, networkNamespace, networkNamespaceCommand } from '@installed-oauth/test-support';
import { expect } from '@jest/globals';

const run = promisify(execFile);
const it = itWith(networkNamespace);

/**
 * Runs a fixture on a machine without some loopback addresses: a network namespace of the
 * test's own (`unshare --net`, as root or in a user namespace; iproute2's `ip`), whose `lo` has
 * `removed` taken away. The machine's own network is untouched.
 */
async function runWithout(removed: string[], fixture: string, ...args: string[]): Promise<string> {
  const [unshare = '', ...options] = networkNamespaceCommand() ?? [];
  const script = ['ip link set lo up', ...removed.map((address) => `ip addr del ${address} dev lo`)]
    .concat('exec "$0" "$@"')
    .join(' && ');
  const path = fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url));
  const { stdout } = await run(unshare, [
    ...options,
    'sh',
    '-c',
    script,
    process.execPath,
    path,
    ...args,
  ]);
  return stdout;
}

it('falls back to ::1 when this machine has no 127.0.0.1, and names it in the redirect URI', async () => {
  const { redirectUri, code } = JSON.parse(await runWithout(['127.0.0.1/8'], 'ipv6-only.mjs'));
  expect(redirectUri).toMatch(/^http:\/\/\[::1\]:\d+\/$/);
  expect(code).toBe('from-the-browser');
});

it('binds "localhost" on ::1 alone when this machine has no 127.0.0.1', async () => {
  const { redirectUri, code } = JSON.parse(
    await runWithout(['127.0.0.1/8'], 'ipv6-only.mjs', 'localhost', '::1'),
  );
  expect(redirectUri).toMatch(/^http:\/\/localhost:\d+\/$/);
  expect(code).toBe('from-the-browser');
});

it('binds "localhost" on 127.0.0.1 alone when this machine has no ::1', async () => {
  const { redirectUri, code } = JSON.parse(
    await runWithout(['::1/128'], 'ipv6-only.mjs', 'localhost', '127.0.0.1'),
  );
  expect(redirectUri).toMatch(/^http:\/\/localhost:\d+\/$/);
  expect(code).toBe('from-the-browser');
});

it('fails with a clear error on a machine with no loopback address at all', async () => {
  const stdout = await runWithout(['127.0.0.1/8', '::1/128'], 'no-loopback.mjs');
  expect(JSON.parse(stdout)).toEqual({
    code: 'STRATEGY_FAILED',
    message:
      'The loopback receiver could not start: none of 127.0.0.1, ::1 exists on this machine.',
    hint: 'Use the console redirect (paste the address) instead.',
  });
});
