import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/**
 * A package manager's command (npm, npx, pnpm) as `execFile` and `spawn` take it. On Linux and
 * macOS these are programs; on Windows they are .cmd scripts, which Node starts only through a
 * shell (since 20.12), so there the command goes through cmd.exe with each argument quoted.
 */
export function packageManager(
  name: 'npm' | 'npx' | 'pnpm',
  args: readonly string[],
): { file: string; args: string[]; shell: boolean } {
  return installedBin(name, args);
}

/**
 * A command npm or pnpm installed (`node_modules/.bin/x`, or a name on PATH) as `execFile` and
 * `spawn` take it: the script itself on Linux and macOS, its .cmd shim through cmd.exe on
 * Windows, each argument quoted.
 */
export function installedBin(
  path: string,
  args: readonly string[],
): { file: string; args: string[]; shell: boolean } {
  if (process.platform !== 'win32') return { file: path, args: [...args], shell: false };
  for (const arg of [path, ...args]) {
    if (/["%^&|<>]/.test(arg)) throw new Error(`installedBin(): cmd.exe would mangle ${arg}`);
  }
  return { file: `"${path}.cmd"`, args: args.map((arg) => `"${arg}"`), shell: true };
}

/** Runs the pnpm on PATH (npx puts it there; npm_execpath may name npm instead). */
export function pnpm(args: string[], cwd: string) {
  const command = packageManager('pnpm', args);
  return exec(command.file, command.args, {
    shell: command.shell,
    cwd,
    env: { ...process.env, CI: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  });
}

/**
 * The versions a workspace lockfile pinned, as overrides: a fresh resolution elsewhere would
 * pick newer releases that are not in the local store, and tests and benchmarks may not reach
 * the registry.
 */
export async function pinnedVersions(lockfilePath: string): Promise<Record<string, string>> {
  const lockfile = await readFile(lockfilePath, 'utf8');
  // The last document of the lockfile is the workspace's (pnpm 12 puts its own tooling first).
  const section = lockfile.slice(
    lockfile.lastIndexOf('\npackages:\n'),
    lockfile.lastIndexOf('\nsnapshots:\n'),
  );
  const versions = new Map<string, Set<string>>();
  for (const [, key = ''] of section.matchAll(
    /^ {2}'?((?:@[^@/\s]+\/)?[^@\s']+@[^(:'\s]+)'?:$/gm,
  )) {
    const at = key.lastIndexOf('@');
    const name = key.slice(0, at);
    versions.set(name, (versions.get(name) ?? new Set()).add(key.slice(at + 1)));
  }
  const overrides: Record<string, string> = {};
  for (const [name, set] of versions) {
    if (name.startsWith('@installed-oauth/')) continue;
    if (set.size === 1) {
      overrides[name] = [...set][0] ?? '';
      continue;
    }
    // Several versions: pin each major line to the version the lockfile has for it.
    const byMajor = new Map<string, string>();
    for (const version of set) {
      const major = version.split('.')[0] ?? '';
      const current = byMajor.get(major);
      if (!current || current.localeCompare(version, 'en', { numeric: true }) < 0)
        byMajor.set(major, version);
    }
    for (const [major, version] of byMajor) overrides[`${name}@${major}`] = version;
  }
  return overrides;
}

/**
 * A project of its own in `dir` (its own pnpm root), installed from the local store only,
 * with the workspace's pinned versions and any `overrides` (e.g. names → local tarballs).
 */
export async function installOffline(
  dir: string,
  manifest: object,
  options: { lockfilePath: string; overrides?: Record<string, string> },
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ private: true, type: 'module', ...manifest }, null, 2),
  );
  const overrides = { ...(await pinnedVersions(options.lockfilePath)), ...options.overrides };
  const lines = Object.entries(overrides).map(([name, spec]) => `  '${name}': '${spec}'`);
  await writeFile(
    join(dir, 'pnpm-workspace.yaml'),
    lines.length ? `overrides:\n${lines.join('\n')}\n` : '',
  );
  await pnpm(['install', '--offline'], dir);
}
