import { lstat, mkdir, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import envPaths from 'env-paths';
import type { Io } from './io.js';
import type { Settings } from './settings.js';
import { say } from './terminal-text.js';

/**
 * Where credentials live when nothing says otherwise: `$XDG_CONFIG_HOME/drive-cli`, else
 * `~/.config/drive-cli`, on Linux and on macOS (where command-line tools such as gh, git and
 * kubectl keep theirs; env-paths' `~/Library/Preferences` is for property lists), and
 * `%APPDATA%\drive-cli\Config` on Windows.
 */
export function defaultConfigDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'darwin') return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'drive-cli');
  return envPaths('drive-cli', { suffix: '' }).config;
}

/** Where drive-cli 1.0 kept its folder on macOS: moved from there once, by moveFormerConfigDir. */
export function formerMacConfigDir(home: string = homedir()): string {
  return join(home, 'Library', 'Preferences', 'drive-cli');
}

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
  say(
    io,
    `Moved drive-cli's folder from ${from} to ${settings.configDir}, where command-line tools keep theirs.`,
  );
}
