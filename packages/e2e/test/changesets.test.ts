import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

const exec = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const changesetCli = join(repo, 'node_modules', '@changesets', 'cli', 'bin.js');
const PUBLISHED = ['core', 'loopback', 'console', 'drive-cli', 'keyring-store'];

/**
 * A copy of the workspace's manifests and changesets config. By default every package is
 * "released" at 1.0.0 with no pending changesets, so `changeset version` shows what one new
 * changeset does; `{ asItIs: true }` keeps the real versions and the real pending changesets.
 */
async function workspaceCopy(options: { asItIs?: boolean } = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'changesets-'));
  await cp(join(repo, 'package.json'), join(dir, 'package.json'));
  await cp(join(repo, 'pnpm-workspace.yaml'), join(dir, 'pnpm-workspace.yaml'));
  if (options.asItIs) {
    await cp(join(repo, '.changeset'), join(dir, '.changeset'), { recursive: true });
  } else {
    await mkdir(join(dir, '.changeset'));
    await cp(join(repo, '.changeset', 'config.json'), join(dir, '.changeset', 'config.json'));
  }
  for (const name of [...PUBLISHED, 'sandbox']) {
    const manifest = JSON.parse(
      await readFile(join(repo, 'packages', name, 'package.json'), 'utf8'),
    );
    if (!options.asItIs) manifest.version = '1.0.0';
    await mkdir(join(dir, 'packages', name), { recursive: true });
    await writeFile(join(dir, 'packages', name, 'package.json'), JSON.stringify(manifest, null, 2));
  }
  return dir;
}

async function changesetVersion(dir: string): Promise<void> {
  await exec(process.execPath, [changesetCli, 'version'], { cwd: dir });
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
  const dir = await workspaceCopy();
  await writeFile(
    join(dir, '.changeset', 'core-feature.md'),
    "---\n'@installed-oauth/core': minor\n---\n\nA new feature.\n",
  );
  await changesetVersion(dir);
  expect(await versions(dir)).toEqual({
    core: '1.1.0',
    // Peer dependency ^1.0.0 still admits 1.1.0: no forced release (onlyUpdatePeerDependentsWhenOutOfRange).
    loopback: '1.0.0',
    console: '1.0.0',
    // A regular dependency on workspace:^ (published as ^1.0.0) also admits 1.1.0.
    'drive-cli': '1.0.0',
    'keyring-store': '1.0.0',
  });
});

it('a patch changeset on the console strategy versions only that package', async () => {
  const dir = await workspaceCopy();
  await writeFile(
    join(dir, '.changeset', 'console-fix.md'),
    "---\n'@installed-oauth/console': patch\n---\n\nA fix.\n",
  );
  await changesetVersion(dir);
  expect(await versions(dir)).toEqual({
    core: '1.0.0',
    loopback: '1.0.0',
    console: '1.0.1',
    'drive-cli': '1.0.0',
    'keyring-store': '1.0.0',
  });
});

it('a major changeset on core releases the strategies too, since their peer range no longer fits', async () => {
  const dir = await workspaceCopy();
  await writeFile(
    join(dir, '.changeset', 'core-break.md'),
    "---\n'@installed-oauth/core': major\n---\n\nA breaking change.\n",
  );
  await changesetVersion(dir);
  const after = await versions(dir);
  expect(after.core).toBe('2.0.0');
  expect(after.loopback).not.toBe('1.0.0');
  expect(after.console).not.toBe('1.0.0');
  expect(after['keyring-store']).not.toBe('1.0.0');
});

describe('the pending changesets in .changeset', () => {
  it('all parse, and release the five packages together at 1.0.0, the first release', async () => {
    // The contract is v1 and every package starts at 1.0.0, so that later a core minor
    // (1.1.0) stays inside the strategies' peer range ^1.0.0 and leaves them alone.
    const dir = await workspaceCopy({ asItIs: true });
    await changesetVersion(dir);
    expect(await versions(dir)).toEqual({
      core: '1.0.0',
      loopback: '1.0.0',
      console: '1.0.0',
      'drive-cli': '1.0.0',
      'keyring-store': '1.0.0',
    });
  });

  it('a changeset whose front matter became a heading (as a Markdown formatter does) fails this check', async () => {
    const dir = await workspaceCopy({ asItIs: true });
    await writeFile(
      join(dir, '.changeset', 'formatted.md'),
      "---\n\n## '@installed-oauth/core': patch\n\nA fix.\n",
    );
    await expect(changesetVersion(dir)).rejects.toMatchObject({
      stderr: expect.stringMatching(/invalid frontmatter/i),
    });
  });
});
