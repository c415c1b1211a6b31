import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from '@jest/globals';

const exec = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const changesetCli = join(repo, 'node_modules', '@changesets', 'cli', 'bin.js');
const PUBLISHED = ['core', 'loopback', 'console', 'drive-cli'];

/**
 * A copy of the workspace's manifests and changesets config, with every package "released" at
 * 1.0.0 and no pending changesets, so `changeset version` shows what one new changeset does.
 */
async function releasedCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'changesets-'));
  await cp(join(repo, 'package.json'), join(dir, 'package.json'));
  await cp(join(repo, 'pnpm-workspace.yaml'), join(dir, 'pnpm-workspace.yaml'));
  await mkdir(join(dir, '.changeset'));
  await cp(join(repo, '.changeset', 'config.json'), join(dir, '.changeset', 'config.json'));
  for (const name of [...PUBLISHED, 'sandbox']) {
    const manifest = JSON.parse(
      await readFile(join(repo, 'packages', name, 'package.json'), 'utf8'),
    );
    manifest.version = '1.0.0';
    await mkdir(join(dir, 'packages', name), { recursive: true });
    await writeFile(join(dir, 'packages', name, 'package.json'), JSON.stringify(manifest, null, 2));
  }
  return dir;
}

async function versions(dir: string): Promise<Record<string, string>> {
  const entries = await Promise.all(
    PUBLISHED.map(async (name) => [
      name,
      JSON.parse(await readFile(join(dir, 'packages', name, 'package.json'), 'utf8')).version,
    ]),
  );
  return Object.fromEntries(entries);
}

it('a minor changeset on core versions core alone: dependents whose ranges still admit it are not released', async () => {
  const dir = await releasedCopy();
  await writeFile(
    join(dir, '.changeset', 'core-feature.md'),
    "---\n'@installed-oauth/core': minor\n---\n\nA new feature.\n",
  );
  await exec(process.execPath, [changesetCli, 'version'], { cwd: dir });
  expect(await versions(dir)).toEqual({
    core: '1.1.0',
    // Peer dependency ^1.0.0 still admits 1.1.0: no forced release (onlyUpdatePeerDependentsWhenOutOfRange).
    loopback: '1.0.0',
    console: '1.0.0',
    // A regular dependency on workspace:^ (published as ^1.0.0) also admits 1.1.0.
    'drive-cli': '1.0.0',
  });
});

it('a patch changeset on the console strategy versions only that package', async () => {
  const dir = await releasedCopy();
  await writeFile(
    join(dir, '.changeset', 'console-fix.md'),
    "---\n'@installed-oauth/console': patch\n---\n\nA fix.\n",
  );
  await exec(process.execPath, [changesetCli, 'version'], { cwd: dir });
  expect(await versions(dir)).toEqual({
    core: '1.0.0',
    loopback: '1.0.0',
    console: '1.0.1',
    'drive-cli': '1.0.0',
  });
});

it('a major changeset on core releases the strategies too, since their peer range no longer fits', async () => {
  const dir = await releasedCopy();
  await writeFile(
    join(dir, '.changeset', 'core-break.md'),
    "---\n'@installed-oauth/core': major\n---\n\nA breaking change.\n",
  );
  await exec(process.execPath, [changesetCli, 'version'], { cwd: dir });
  const after = await versions(dir);
  expect(after.core).toBe('2.0.0');
  expect(after.loopback).not.toBe('1.0.0');
  expect(after.console).not.toBe('1.0.0');
});
