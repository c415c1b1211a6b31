import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs `test` with a 256 KiB tmpfs of its own mounted at a new folder (root only: use it with
 * `itWith(root)`), then unmounts and removes it. A real small disk: filled with
 * {@link fillDisk}, or made read-only with {@link makeReadOnly}.
 */
export async function withSmallDisk(test: (disk: string) => Promise<void>): Promise<void> {
  const disk = await mkdtemp(join(tmpdir(), 'small-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs', disk]);
  try {
    await test(disk);
  } finally {
    execFileSync('umount', ['--lazy', disk]);
    await rm(disk, { recursive: true, force: true });
  }
}

/** Fills the disk holding `folder` to the last byte, with files in `folder`. */
export async function fillDisk(folder: string): Promise<void> {
  const chunk = Buffer.alloc(4096, 1);
  for (let i = 0; ; i++) {
    const written = await writeFile(join(folder, `filler-${i}`), chunk).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOSPC') return false;
        throw error;
      },
    );
    if (!written) break;
  }
  // The last page of a file can still take a few bytes; take them too.
  for (let size = 2048; size >= 1; size = Math.floor(size / 2))
    await writeFile(join(folder, `filler-last-${size}`), Buffer.alloc(size)).catch(() => {});
}

/** Remounts the small disk at `disk` read-only. */
export function makeReadOnly(disk: string): void {
  execFileSync('mount', ['-o', 'remount,ro', disk]);
}
