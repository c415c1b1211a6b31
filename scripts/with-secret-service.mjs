#!/usr/bin/env node
// Runs a command (the package's tests) with a real Secret Service when this machine can give
// one: a private D-Bus session (dbus-run-session) with gnome-keyring-daemon unlocked in it, as
// a desktop session has, keeping its keyring in a temporary folder removed afterwards. Where
// dbus-run-session or gnome-keyring-daemon is missing (macOS, Windows, a machine without
// them), the command runs as it is: there the platform's own store is used, or the tests that
// need a Secret Service say they were skipped.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const command = process.argv.slice(2);
const has = (name) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
const secretService =
  process.platform === 'linux' && has('dbus-run-session') && has('gnome-keyring-daemon');

let folder;
let file;
let args;
let env = process.env;
if (secretService) {
  folder = mkdtempSync(join(tmpdir(), 'keyring-store-test-'));
  env = {
    ...process.env,
    XDG_DATA_HOME: join(folder, 'data'),
    XDG_RUNTIME_DIR: folder,
    INSTALLED_OAUTH_TEST_SECRET_SERVICE: '1',
  };
  // The password unlocks only this throw-away keyring.
  const inner =
    'printf \'test-keyring\' | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"';
  [file, ...args] = ['dbus-run-session', '--', 'sh', '-c', inner, 'sh', ...command];
} else {
  [file, ...args] = command;
}
// With a Secret Service, the session (D-Bus, the keyring, the tests) is a process group of its
// own, so that it can be stopped as a whole.
const child = spawn(file, args, { stdio: 'inherit', env, detached: secretService });
// Stopped from outside (Ctrl-C, turbo ending a run after a failure): the tests are stopped the
// same way, and the throw-away keyring is still removed when they have exited.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (secretService) process.kill(-child.pid, signal);
    else child.kill(signal);
  });
}
child.on('exit', (code, signal) => {
  if (folder) rmSync(folder, { recursive: true, force: true });
  process.exit(signal ? 1 : (code ?? 1));
});
