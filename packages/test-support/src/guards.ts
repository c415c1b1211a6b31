import type { ChildProcess } from 'node:child_process';

/**
 * How long a child process started by a test may run before it is killed. A guard against
 * hangs, never a speed claim: minutes, so that a busy two-core machine never trips it. It
 * fires before Jest's own limit (four minutes), so the failing test still shows what the
 * child printed.
 */
export const CHILD_PROCESS_GUARD_MS = 180_000;

/** Kills `child` if it is still running after {@link CHILD_PROCESS_GUARD_MS}. */
export function guardChild(child: ChildProcess): void {
  const guard = setTimeout(() => child.kill('SIGKILL'), CHILD_PROCESS_GUARD_MS);
  guard.unref();
  child.once('exit', () => clearTimeout(guard));
}

/** Resolves when `child` has exited, also when it exited before this was called. */
export function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}
