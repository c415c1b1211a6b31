import { Writable } from 'node:stream';
import { createConsoleStrategy, withPastePrompt } from '@installed-oauth/console';
import type { RedirectStrategy } from '@installed-oauth/core';
import { createLoopbackStrategy, isWsl as isWslOn } from '@installed-oauth/loopback';
import yoctoSpinner from 'yocto-spinner';
import type { Io } from './io.js';
import type { Settings } from './settings.js';

/**
 * Whether a browser can be opened on this machine. The one place that knows the platform
 * signs: a BROWSER command always counts; an SSH session or a Linux machine without a display
 * does not, except WSL, whose browser is a Windows program.
 */
export function canOpenBrowser(io: Io): boolean {
  if (io.env.BROWSER?.trim()) return true;
  if (io.env.SSH_CONNECTION || io.env.SSH_TTY) return false;
  if (isWsl(io)) return true;
  if (io.platform === 'linux' || io.platform === 'freebsd' || io.platform === 'openbsd') {
    return Boolean(io.env.DISPLAY || io.env.WAYLAND_DISPLAY);
  }
  return true;
}

/**
 * Whether a person can finish a sign-in started now: never with --no-input (or
 * DRIVE_CLI_NO_INPUT, or CI); yes with a terminal to read a paste from, or a browser that
 * drive-cli opens; yes when the caller chose to paste (--no-browser, --redirect console) and
 * feeds the input itself. Otherwise (a cron job, an agent with no browser) a sign-in would only
 * wait for its timeout.
 */
export function personAtHand(settings: Settings, io: Io): boolean {
  if (settings.noInput) return false;
  if (io.stdin.isTTY) return true;
  if (settings.redirect === 'console' || !settings.openBrowser) return true;
  return canOpenBrowser(io);
}

/**
 * Whether this is Linux under WSL, where the Windows browser opens but its redirect to
 * 127.0.0.1 often never reaches the Linux side (NAT networking, VPNs). The loopback package
 * knows the signs (WSL's variables, or "microsoft" in the kernel's release).
 */
export function isWsl(io: Io): boolean {
  return isWslOn(io.env, io.platform);
}

export interface ChosenStrategy {
  strategy: RedirectStrategy;
  /** Stops the progress indicator, if one runs. */
  stop(): void;
}

/**
 * stderr for the loopback receiver, with a spinner below its text while it waits for the
 * browser: on a terminal only, and never where the user may be typing a paste.
 */
function spinningOutput(io: Io): { output: Writable; stop(): void } {
  if (!io.stderr.isTTY) return { output: io.stderr, stop() {} };
  const spinner = yoctoSpinner({
    text: 'Waiting for the sign-in to finish in the browser (Ctrl-C to cancel)…',
    stream: io.stderr,
    // Ctrl-C has one path: the sign-in's own handler cancels it and says so. The spinner's
    // would exit the process first, silently.
    handleSignals: false,
  });
  let spinning = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (spinning) spinner.clear();
      io.stderr.write(chunk, () => {
        spinner.start();
        spinning = true;
        done();
      });
    },
  });
  return {
    output,
    stop() {
      if (spinning) spinner.stop();
      spinning = false;
    },
  };
}

/** Loopback by default; console with --redirect console; both with --no-browser or no browser. */
export function chooseStrategy(settings: Settings, io: Io): ChosenStrategy {
  if (settings.redirect === 'console') {
    return {
      strategy: createConsoleStrategy({ input: io.stdin, output: io.stderr }),
      stop() {},
    };
  }
  const loopbackOptions = { host: settings.host, port: settings.port, env: io.env };
  let openBrowser = settings.openBrowser;
  if (openBrowser && !canOpenBrowser(io)) {
    io.stderr.write(
      'No browser can be opened here (no display, or an SSH session): open the link below on any machine.\n',
    );
    openBrowser = false;
  }
  if (!openBrowser) {
    const strategy = withPastePrompt(
      createLoopbackStrategy({ ...loopbackOptions, openBrowser: false, output: io.stderr }),
      { input: io.stdin, output: io.stderr },
    );
    return { strategy, stop() {} };
  }
  if (isWsl(io)) {
    // The browser opens on Windows; if its redirect does not come back into WSL, the user
    // pastes the address it ended on. Whichever comes first wins.
    io.stderr.write(
      "In WSL the browser's redirect may not reach drive-cli; if it does not, paste the address the browser ends on.\n",
    );
    const strategy = withPastePrompt(
      createLoopbackStrategy({ ...loopbackOptions, output: io.stderr }),
      { input: io.stdin, output: io.stderr },
    );
    return { strategy, stop() {} };
  }
  const spinning = spinningOutput(io);
  return {
    strategy: createLoopbackStrategy({ ...loopbackOptions, output: spinning.output }),
    stop: spinning.stop,
  };
}
