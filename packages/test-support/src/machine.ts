import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { stat } from 'node:fs/promises';
import tls from 'node:tls';
import { describe, expect, it } from '@jest/globals';

/**
 * What a test needs from the machine, and whether it is there. A test whose need is missing is
 * skipped with the reason in its title, so the skip shows in every report; CI installs what
 * the tests need (see .ci/run), so there they run.
 */
export interface Need {
  /** Empty when the need is met; otherwise why it is not, in words. */
  readonly missing: string;
}

/** Like `it`, or `it.skip` with the unmet need appended to the test's title. */
export function itWith(need: Need) {
  return (name: string, test: Parameters<typeof it>[1], timeout?: number): void => {
    const missing = need.missing;
    if (missing) it.skip(`${name} [skipped: ${missing}]`, test, timeout);
    else it(name, test, timeout);
  };
}

/** Like `describe`, or `describe.skip` with the unmet need appended to its title. */
export function describeWith(need: Need) {
  return (name: string, tests: () => void): void => {
    const missing = need.missing;
    if (missing) describe.skip(`${name} [skipped: ${missing}]`, tests);
    else describe(name, tests);
  };
}

/** Every one of `needs`: missing what the first unmet one misses. */
export function allOf(...needs: Need[]): Need {
  return {
    get missing() {
      return needs.map((need) => need.missing).find(Boolean) ?? '';
    },
  };
}

function succeeds(file: string, args: string[]): boolean {
  try {
    execFileSync(file, args, { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

let namespaceCommand: string[] | null | undefined;

/**
 * The `unshare` arguments that give a child process a network namespace of its own (so a test
 * can remove loopback addresses without touching the machine): `--net` as root, or inside a
 * new user namespace (`--user --map-root-user`) where the kernel lets ordinary users make one.
 * Null when neither works.
 */
export function networkNamespaceCommand(): string[] | null {
  if (namespaceCommand !== undefined) return namespaceCommand;
  namespaceCommand = null;
  for (const candidate of [
    ['unshare', '--net'],
    ['unshare', '--user', '--map-root-user', '--net'],
  ]) {
    const [file = '', ...args] = candidate;
    if (succeeds(file, [...args, 'ip', 'link', 'set', 'lo', 'up'])) {
      namespaceCommand = candidate;
      break;
    }
  }
  return namespaceCommand;
}

/** A network namespace of the test's own, with iproute2's `ip` inside it. */
export const networkNamespace: Need = {
  get missing() {
    return networkNamespaceCommand()
      ? ''
      : 'needs `unshare --net` (root, or unprivileged user namespaces) and iproute2';
  },
};

let straceWorks: boolean | undefined;

/** strace, to count a child process's file-system calls (`apt-get install -y strace`). */
export const strace: Need = {
  get missing() {
    straceWorks ??= succeeds('strace', ['-qq', '-e', 'trace=none', 'true']);
    return straceWorks
      ? ''
      : 'needs strace, allowed to trace its children: apt-get install -y strace';
  },
};

/** Where Debian's Chromium is (or CHROMIUM_PATH says), or undefined. */
export function chromiumPath(): string | undefined {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

/** A Chromium to drive: Debian's package (apt-get install chromium) or CHROMIUM_PATH. */
export const chromium: Need = {
  get missing() {
    return chromiumPath()
      ? ''
      : 'needs Chromium: apt-get install -y chromium, or set CHROMIUM_PATH';
  },
};

/** Where libfaketime is: Debian's `faketime` package, or LIBFAKETIME_PATH. */
export function libfaketimePath(): string | undefined {
  for (const path of [
    process.env.LIBFAKETIME_PATH,
    '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
    '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
    '/usr/lib/faketime/libfaketime.so.1',
  ]) {
    if (!path) continue;
    try {
      accessSync(path, constants.R_OK);
      return path;
    } catch {}
  }
  return undefined;
}

/**
 * libfaketime, to run a child process with its clock off (`LD_PRELOAD` on that process only):
 * Debian's `faketime` package.
 */
export const faketime: Need = {
  get missing() {
    return libfaketimePath() ? '' : 'needs libfaketime: apt-get install -y faketime';
  },
};

/**
 * The environment that runs a child process with its wall clock `offset` off ("+3h", "-10m"),
 * through libfaketime; timers (the monotonic clock) keep real time.
 */
export function clockOff(offset: string): NodeJS.ProcessEnv {
  const library = libfaketimePath();
  if (!library) throw new Error('clockOff(): libfaketime is not installed');
  return { LD_PRELOAD: library, FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
}

/**
 * A Node that can add the operating system's certificates to its own (22.19 / 24.5 and later:
 * `tls.setDefaultCACertificates`), for the tests of trusting a company's root from there; on
 * Linux, where the tests give that store to Node through OpenSSL's SSL_CERT_FILE (macOS and
 * Windows keep theirs in the Keychain and the certificate store).
 */
export const systemCertificateStore: Need = {
  get missing() {
    if (process.platform !== 'linux')
      return "needs Linux: the system's store given as SSL_CERT_FILE";
    return typeof (tls as { setDefaultCACertificates?: unknown }).setDefaultCACertificates ===
      'function'
      ? ''
      : 'needs Node 22.19 / 24.5 or later (tls.setDefaultCACertificates)';
  },
};

/** Root, for tests of what only root can do (binding low ports, other users' files). */
export const root: Need = {
  get missing() {
    return process.getuid?.() === 0 ? '' : 'needs root';
  },
};

/**
 * The operating system's credential store, for real: on Linux, the Secret Service that the
 * repository's scripts/with-secret-service.mjs starts around a package's tests (gnome-keyring
 * in a private D-Bus session); on macOS and Windows, the platform's own store.
 */
export const credentialStore: Need = {
  get missing() {
    if (process.platform !== 'linux') return '';
    return process.env.INSTALLED_OAUTH_TEST_SECRET_SERVICE === '1'
      ? ''
      : "needs a Secret Service: apt-get install -y gnome-keyring dbus-x11, then run the package's npm test, which starts one";
  },
};

/**
 * Linux itself, for what only it has: util-linux's `script` (a pseudo-terminal for a child),
 * /proc, the kernel's key store, WSL's signs. `what` says what the test uses, for its title.
 */
export function linux(what: string): Need {
  return {
    get missing() {
      return process.platform === 'linux' ? '' : `needs Linux (${what})`;
    },
  };
}

/**
 * A POSIX system (Linux or macOS), for what Windows does not have: `#!/bin/sh` scripts as
 * stand-in commands, file modes and owners, signals sent to a child. `what` says which.
 */
export function posix(what: string): Need {
  return {
    get missing() {
      return process.platform === 'win32' ? `needs a POSIX system (${what})` : '';
    },
  };
}

/** A named pipe, made with mkfifo: Windows has none in its file system. */
export const fifo: Need = posix('a FIFO, made with mkfifo');

/** Signals sent to a child (SIGINT, SIGTERM): on Windows, `kill()` ends a process outright. */
export const signals: Need = posix('signals: on Windows kill() ends a child without one');

/** A pseudo-terminal for a child process: util-linux's `script`, so Linux. */
export const pseudoTerminal: Need = linux("util-linux's script, for a pseudo-terminal");

/**
 * The variables a child process needs from this one, for a test that gives it an environment
 * of its own: PATH and HOME, and on Windows those without which Node there cannot open a
 * socket (SystemRoot) or find its temporary folder and the user's folders.
 */
export function baseEnvironment(): NodeJS.ProcessEnv {
  const names = ['PATH', 'HOME'];
  if (process.platform === 'win32') {
    names.push(
      'SystemRoot',
      'windir',
      'ComSpec',
      'PATHEXT',
      'TEMP',
      'TMP',
      'USERPROFILE',
      'APPDATA',
      'LOCALAPPDATA',
    );
  }
  const environment: NodeJS.ProcessEnv = {};
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined) environment[name] = value;
  }
  return environment;
}

/** File modes and owners as POSIX has them; on Windows 0600 reads back as 0666. */
export const posixModes: Need = posix('file modes: Windows reads 0600 back as 0666');

/**
 * Expects `path`'s permission bits to be `mode` where files have them (Linux, macOS). Windows
 * has no POSIX modes, and nothing is checked there: the README's Security table says what the
 * packages rely on instead.
 */
export async function expectModeWherePosix(path: string, mode: number): Promise<void> {
  if (posixModes.missing) return;
  expect(((await stat(path)).mode & 0o777).toString(8)).toBe(mode.toString(8));
}
