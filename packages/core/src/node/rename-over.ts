import { rename } from 'node:fs/promises';

/** How long a rename over a file that another process holds open is retried, on Windows. */
export const RENAME_RETRY_MS = 10_000;

const HELD_OPEN = new Set(['EPERM', 'EACCES', 'EBUSY']);

/**
 * Renames `from` over `to`. Windows refuses that while another process has `to` open (a second
 * program reading the credentials, an antivirus scanner, a backup tool), with EPERM, EACCES
 * or EBUSY, for as long as it stays open; as graceful-fs and write-file-atomic do, the rename
 * is then tried again, with growing pauses, for up to {@link RENAME_RETRY_MS}. Elsewhere those
 * codes mean what they say (no permission) and fail at once.
 */
export async function renameOver(
  from: string,
  to: string,
  platform: NodeJS.Platform = process.platform,
): Promise<void> {
  const deadline = Date.now() + RENAME_RETRY_MS;
  for (let pause = 10; ; pause = Math.min(pause * 2, 500)) {
    try {
      return await rename(from, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (platform !== 'win32' || !HELD_OPEN.has(code) || Date.now() + pause > deadline)
        throw error;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
