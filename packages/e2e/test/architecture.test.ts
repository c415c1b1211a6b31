// docs/ARCHITECTURE.md is read by whoever changes the packages next: these tests keep its
// dependency column and its layout true to the packages as they are.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const packages = join(repo, 'packages');
const architecture = readFile(join(repo, 'docs', 'ARCHITECTURE.md'), 'utf8');

/** The published packages: their folder names. */
const PUBLISHED = ['core', 'loopback', 'console', 'keyring-store', 'drive-cli'];

/** Every file below `folder`, as paths relative to it, with / between folders (as written). */
async function filesBelow(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/** The package a bare import specifier names: `@scope/name` or `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/**
 * The packages the source imports at run time: static and dynamic imports and re-exports of
 * bare specifiers, leaving out `import type`, Node's built-ins and code in comments.
 */
async function importedPackages(name: string): Promise<string[]> {
  const source = join(packages, name, 'src');
  const found = new Set<string>();
  for (const file of await filesBelow(source)) {
    if (!file.endsWith('.ts')) continue;
    const text = (await readFile(join(source, file), 'utf8'))
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    const specifiers = [
      ...[...text.matchAll(/\b(?:import|export)\s+(type\s+)?(?:[^;'"]*?\sfrom\s+)?'([^']+)'/g)]
        .filter((match) => !match[1])
        .map((match) => match[2] ?? ''),
      ...[...text.matchAll(/\bimport\('([^']+)'\)/g)].map((match) => match[1] ?? ''),
    ];
    for (const specifier of specifiers) {
      if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
      found.add(packageOf(specifier));
    }
  }
  return [...found].sort();
}

/** The cell "may import at run time" of a package's row in the table. */
async function documentedImports(name: string): Promise<string[]> {
  const row = (await architecture)
    .split('\n')
    .find((line) => line.startsWith(`| \`packages/${name}\``));
  const cell = row?.split('|')[4] ?? '';
  return [...cell.matchAll(/`([^`]+)`/g)]
    .map((match) => match[1] ?? '')
    .filter((word) => !word.startsWith('node:') && !word.startsWith('/'))
    .sort();
}

async function manifest(name: string) {
  return JSON.parse(await readFile(join(packages, name, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
}

describe('docs/ARCHITECTURE.md names the run-time dependencies of each published package', () => {
  it.each(PUBLISHED)('%s: the imports of its source, no more and no fewer', async (name) => {
    expect(await documentedImports(name)).toEqual(await importedPackages(name));
  });

  it.each(PUBLISHED.filter((name) => name !== 'drive-cli'))(
    '%s: and each is a dependency or peer in package.json',
    async (name) => {
      const { dependencies = {}, peerDependencies = {} } = await manifest(name);
      expect(await importedPackages(name)).toEqual(
        [...Object.keys(dependencies), ...Object.keys(peerDependencies)].sort(),
      );
    },
  );

  it('drive-cli: its own packages are dependencies; the rest is bundled, so a devDependency', async () => {
    const json = await manifest('drive-cli');
    const ours = (await importedPackages('drive-cli')).filter((name) =>
      name.startsWith('@installed-oauth/'),
    );
    expect(Object.keys(json.dependencies ?? {}).sort()).toEqual(ours);
    for (const name of await importedPackages('drive-cli')) {
      if (!ours.includes(name)) expect(json.devDependencies).toHaveProperty([name]);
    }
  });
});

describe('its layout section lists every source file', () => {
  it('of every package with a src folder, no more and no fewer', async () => {
    const text = await architecture;
    const layout = text.slice(text.indexOf('## Layout'));
    const folders = (await readdir(packages, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    for (const name of folders) {
      const files = await filesBelow(join(packages, name, 'src')).catch(() => undefined);
      if (!files) continue;
      const start = layout.indexOf(`**${name}**:`);
      expect({ name, listed: start >= 0 }).toEqual({ name, listed: true });
      const next = layout.indexOf('\n\n**', start + 1);
      const section = layout.slice(start, next < 0 ? undefined : next);
      const listed = [...section.matchAll(/`([^`]+\.(?:ts|mjs|sh))`/g)].map((match) => match[1]);
      expect({ name, files: listed.sort() }).toEqual({ name, files });
    }
  });
});
