import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import tls from 'node:tls';
import { it } from '@jest/globals';

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
 * `tls.setDefaultCACertificates`), for the tests of trusting a company's root from there.
 */
export const systemCertificateStore: Need = {
  get missing() {
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
