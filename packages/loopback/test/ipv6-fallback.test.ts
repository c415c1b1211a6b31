import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from '@jest/globals';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./fixtures/ipv6-only.mjs', import.meta.url));

// A machine without IPv4 loopback, made with a network namespace of this test's own
// (`unshare --net`, root, and iproute2's `ip`; .ci/run installs it where missing).
it('falls back to ::1 when this machine has no 127.0.0.1, and names it in the redirect URI', async () => {
  const script = 'ip link set lo up && ip addr del 127.0.0.1/8 dev lo && exec "$0" "$1"';
  const { stdout } = await run('unshare', ['--net', 'sh', '-c', script, process.execPath, fixture]);
  const { redirectUri, code } = JSON.parse(stdout);
  expect(redirectUri).toMatch(/^http:\/\/\[::1\]:\d+\/$/);
  expect(code).toBe('from-the-browser');
});

it('fails with a clear error on a machine with no loopback address at all', async () => {
  const noLoopback = fileURLToPath(new URL('./fixtures/no-loopback.mjs', import.meta.url));
  const script =
    'ip link set lo up && ip addr del 127.0.0.1/8 dev lo && ip addr del ::1/128 dev lo && exec "$0" "$1"';
  const { stdout } = await run('unshare', [
    '--net',
    'sh',
    '-c',
    script,
    process.execPath,
    noLoopback,
  ]);
  expect(JSON.parse(stdout)).toEqual({
    code: 'STRATEGY_FAILED',
    message:
      'The loopback receiver could not start: none of 127.0.0.1, ::1 exists on this machine.',
    hint: 'Use the console redirect (paste the address) instead.',
  });
});
