import { lstat, mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Io } from './io.js';
import type { Settings } from './settings.js';
import { neutraliseLines } from './terminal-text.js';

/**
 * On macOS drive-cli 1.0 kept its folder in `~/Library/Preferences/drive-cli` (env-paths'
 * choice, a place for property lists); it now lives in `~/.config/drive-cli`, as gh's and
 * git's do. A folder found in the old place is moved once, with a notice, when the new place
 * is still empty: nothing is merged or overwritten.
 */
export async function moveFormerConfigDir(settings: Settings, io: Io): Promise<void> {
  const from = settings.formerConfigDir;
  if (!from) return;
  const old = await lstat(from).catch(() => undefined);
  if (!old?.isDirectory()) return;
  if (await lstat(settings.configDir).catch(() => undefined)) return;
  await mkdir(dirname(settings.configDir), { recursive: true, mode: 0o700 });
  await rename(from, settings.configDir);
  io.stderr.write(
    `${neutraliseLines(`Moved drive-cli's folder from ${from} to ${settings.configDir}, where command-line tools keep theirs.`)}\n`,
  );
}
