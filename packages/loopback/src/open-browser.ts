import { spawn } from 'node:child_process';
import { release } from 'node:os';

/** Why the browser could not be opened, in words for the user. */
export type OpenResult = { ok: true } | { ok: false; reason: string };

/** A start that failed because the command is not installed, so another can be tried. */
type StartResult = OpenResult | { ok: false; reason: string; notInstalled: true };

/**
 * Whether this is Linux under Windows (WSL 1 or 2), where the browser is a Windows program.
 * `WSL_DISTRO_NAME` is set in every WSL shell and `WSL_INTEROP` where interop is on; the kernel's
 * release names Microsoft ("5.15.167.4-microsoft-standard-WSL2", "4.4.0-19041-Microsoft") even
 * where those variables were dropped (sudo, a service manager).
 */
export function isWsl(
  environment: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  kernelRelease: string = release(),
): boolean {
  if (platform !== 'linux') return false;
  if (environment.WSL_DISTRO_NAME || environment.WSL_INTEROP) return true;
  return /microsoft/i.test(kernelRelease);
}

/**
 * Splits a BROWSER value into words, honouring single and double quotes, the way a shell
 * would split it but without running one.
 */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of command.matchAll(pattern)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

function watch(
  child: ReturnType<typeof spawn>,
  what: string,
  onLateFailure: (reason: string) => void,
): Promise<StartResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: StartResult) => {
      if (!settled) {
        settled = true;
        resolve(result);
      } else if (!result.ok) {
        onLateFailure(result.reason);
      }
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      const reason = `${what} could not be started (${error.code ?? error.message})`;
      finish(
        error.code === 'ENOENT' ? { ok: false, reason, notInstalled: true } : { ok: false, reason },
      );
    });
    child.once('spawn', () => {
      // Started: that is success for now; a quick non-zero exit is reported later.
      finish({ ok: true });
    });
    child.once('exit', (code, signal) => {
      if (code !== 0 && code !== null)
        finish({ ok: false, reason: `${what} exited with code ${code}` });
      else if (signal) finish({ ok: false, reason: `${what} was stopped by ${signal}` });
    });
    child.unref();
  });
}

/**
 * Runs `command` with `args`, without a shell, detached, and watches it start; in `environment`
 * when given (found on its PATH), else in this process's.
 */
function start(
  command: string,
  args: string[],
  what: string,
  onLateFailure: (reason: string) => void,
  environment?: NodeJS.ProcessEnv,
): Promise<StartResult> {
  const child = spawn(command, args, {
    stdio: 'ignore',
    detached: true,
    shell: false,
    env: environment,
  });
  return watch(child, what, onLateFailure);
}

/** The `open` package: xdg-open on Linux, `open` on macOS, PowerShell's Start on Windows. */
async function openWithSystemOpener(
  url: string,
  onLateFailure: (reason: string) => void,
): Promise<OpenResult> {
  try {
    const { default: open } = await import('open');
    const child = await open(url);
    return watch(child, 'the system browser opener', onLateFailure);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/**
 * Opens `url` in a browser without a shell: the `BROWSER` command when set (URL as its last
 * argument, or in place of `%s`); under WSL, `wslview` (the distribution's Windows opener) and
 * else the `open` package, which starts the Windows browser through PowerShell with the URL
 * encoded (`cmd.exe /c start` would cut the URL at its first `&`); otherwise the `open` package
 * (xdg-open, `open`, PowerShell). Failures that happen after the start (the command exits
 * non-zero) go to `onLateFailure`.
 */
export async function openInBrowser(
  url: string,
  environment: NodeJS.ProcessEnv,
  onLateFailure: (reason: string) => void,
): Promise<OpenResult> {
  const browser = environment.BROWSER?.trim();
  if (browser) {
    const words = splitCommand(browser);
    const [command, ...rest] = words;
    if (!command) return { ok: false, reason: 'BROWSER is empty' };
    const args = rest.some((word) => word.includes('%s'))
      ? rest.map((word) => word.replaceAll('%s', url))
      : [...rest, url];
    return start(command, args, `BROWSER command "${command}"`, onLateFailure);
  }
  if (isWsl(environment)) {
    // The Windows browser needs no Linux display.
    const result = await start('wslview', [url], 'wslview', onLateFailure, environment);
    if (!('notInstalled' in result)) return result;
    return openWithSystemOpener(url, onLateFailure);
  }
  if (process.platform === 'linux' && !environment.DISPLAY && !environment.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'no graphical display (DISPLAY and WAYLAND_DISPLAY are not set)' };
  }
  return openWithSystemOpener(url, onLateFailure);
}
