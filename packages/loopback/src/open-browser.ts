import { spawn } from 'node:child_process';

/** Why the browser could not be opened, in words for the user. */
export type OpenResult = { ok: true } | { ok: false; reason: string };

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
): Promise<OpenResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: OpenResult) => {
      if (!settled) {
        settled = true;
        resolve(result);
      } else if (!result.ok) {
        onLateFailure(result.reason);
      }
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      finish({
        ok: false,
        reason: `${what} could not be started (${error.code ?? error.message})`,
      });
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
 * Opens `url` in a browser without a shell: the `BROWSER` command when set (URL as its last
 * argument, or in place of `%s`), otherwise the `open` package (xdg-open, `open`, `start`).
 * Failures that happen after the start (the command exits non-zero) go to `onLateFailure`.
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
    const child = spawn(command, args, { stdio: 'ignore', detached: true, shell: false });
    return watch(child, `BROWSER command "${command}"`, onLateFailure);
  }
  if (process.platform === 'linux' && !environment.DISPLAY && !environment.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'no graphical display (DISPLAY and WAYLAND_DISPLAY are not set)' };
  }
  try {
    const { default: open } = await import('open');
    const child = await open(url);
    return watch(child, 'the system browser opener', onLateFailure);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}
