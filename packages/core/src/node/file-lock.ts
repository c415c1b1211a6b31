import { randomBytes } from 'node:crypto';
import { type FileHandle, link, open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { InstalledOAuthError } from '../errors.js';
import { describeFsError, storeError } from './fs-errors.js';
import { renameOver } from './rename-over.js';
import { readSmallFileWithTime } from './small-file.js';

export interface FileLockOptions {
  /** Give up waiting after this many milliseconds (default 30 000). */
  timeout?: number | undefined;
  /** A lock older than this is taken to be left by a crashed process (default 60 000). */
  staleAfter?: number | undefined;
  /** Tests only: runs between judging a lock stale and breaking it, to force interleavings. */
  beforeBreaking?: (() => Promise<void>) | undefined;
  /** Tests only: runs once an attempt to break a stale lock has finished. */
  afterBreaking?: (() => Promise<void>) | undefined;
}

interface LockOwner {
  pid: number;
  host: string;
  nonce: string;
  createdAt: number;
}

/** Whether a process of this machine with this id runs (EPERM: it runs as another user). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lock file not yet readable is being written by its owner, unless it has been so for long. */
const HALF_WRITTEN_GRACE_MS = 2000;

/** A lock file holds a line of JSON; anything larger is not one of ours. */
const MAX_LOCK_BYTES = 4096;

async function readLock(
  path: string,
): Promise<{ owner: LockOwner | undefined; ageMs: number; text: string } | undefined> {
  // Never follow a link, never wait on a FIFO: a lock file is a small regular file.
  const read = await readSmallFileWithTime(path, {
    name: 'the lock file ',
    maxBytes: MAX_LOCK_BYTES,
    tooBig: 'too big to be a lock',
    hint: 'Remove it; the program makes its own lock file when it needs one.',
  });
  if (!read) return undefined; // released meanwhile
  let owner: LockOwner | undefined;
  try {
    owner = JSON.parse(read.text) as LockOwner;
  } catch {}
  return { owner, ageMs: Date.now() - read.mtimeMs, text: read.text };
}

/** A lock created this far in the future comes from a skewed clock (or was planted). */
const CLOCK_SKEW_MS = 60_000;

/**
 * Removes the lock judged stale, and only that one. Another waiter may have broken it already
 * and made a lock of its own at the same path: the file is moved aside, compared with what was
 * judged, and put back when it is not the same lock.
 */
async function breakStaleLock(lockPath: string, judged: string, nonce: string): Promise<void> {
  const aside = `${lockPath}.stale-${nonce}`;
  try {
    await renameOver(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else broke it
    // A lock that cannot be broken (a read-only disk) would be waited on to no end: say so now.
    throw storeError(
      `Cannot remove the stale lock file ${lockPath}: ${describeFsError(error)}.`,
      error,
      'Make the folder writable again (or remove the file), then try again.',
    );
  }
  let moved: string | undefined;
  try {
    moved = await readFile(aside, 'utf8');
  } catch {}
  if (moved !== judged) {
    // A live lock taken meanwhile: give it back (unless yet another lock appeared there).
    await link(aside, lockPath).catch(() => {});
  }
  await unlink(aside).catch(() => {});
}

function isStale(
  lock: { owner: LockOwner | undefined; ageMs: number },
  staleAfter: number,
): boolean {
  const { owner, ageMs } = lock;
  // A lock dated ahead of now, by its file or by what it says, comes from a wrong clock or was
  // planted: a live holder keeps a lock for seconds, so it is never waited on.
  if (ageMs < -CLOCK_SKEW_MS) return true;
  if (!owner || typeof owner.createdAt !== 'number') return ageMs > HALF_WRITTEN_GRACE_MS;
  if (owner.createdAt > Date.now() + CLOCK_SKEW_MS) return true;
  if (Date.now() - owner.createdAt > staleAfter) return true;
  return owner.host === hostname() && !processIsAlive(owner.pid);
}

/**
 * Creates the lock file holding `me`; false when another lock is there. A lock file made but
 * not written (a full disk takes the name but not the bytes) is removed again before the error
 * is reported, so that it never stands in the way of the next run.
 */
async function createLock(lockPath: string, me: LockOwner): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw storeError(`Cannot create the lock file ${lockPath}: ${describeFsError(error)}.`, error);
  }
  try {
    await handle.writeFile(JSON.stringify(me));
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(lockPath).catch(() => {});
    throw storeError(`Cannot write the lock file ${lockPath}: ${describeFsError(error)}.`, error);
  }
  await handle.close();
  return true;
}

/**
 * A cross-process lock: a file created with O_EXCL beside the protected file. Works on every
 * platform Node runs on and on network file systems that honour O_EXCL. A lock whose owner
 * died (same host, pid gone) or that is older than `staleAfter` is broken.
 */
export async function withFileLock<T>(
  lockPath: string,
  task: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const timeout = options.timeout ?? 30_000;
  const staleAfter = options.staleAfter ?? 60_000;
  const me: LockOwner = {
    pid: process.pid,
    host: hostname(),
    nonce: randomBytes(8).toString('hex'),
    createdAt: Date.now(),
  };
  const deadline = Date.now() + timeout;
  for (let attempt = 0; ; attempt++) {
    me.createdAt = Date.now();
    if (await createLock(lockPath, me)) break;
    const lock = await readLock(lockPath);
    if (!lock) continue; // released meanwhile: try again at once
    if (isStale(lock, staleAfter)) {
      await options.beforeBreaking?.();
      await breakStaleLock(lockPath, lock.text, me.nonce);
      await options.afterBreaking?.();
      continue;
    }
    if (Date.now() >= deadline) {
      throw new InstalledOAuthError(
        'TOKEN_STORE_ERROR',
        `Timed out waiting for the lock ${lockPath}, held by another process.`,
        {
          hint: 'If no other copy of the program is running, delete the lock file.',
        },
      );
    }
    await sleep(Math.min(20 + attempt * 10, 200) + Math.random() * 20);
  }
  try {
    return await task();
  } finally {
    const lock = await readLock(lockPath);
    if (lock?.owner?.nonce === me.nonce) await unlink(lockPath).catch(() => {});
  }
}
