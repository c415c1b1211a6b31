// Installs, globally, the pnpm that package.json's "packageManager" names
// ("pnpm@12.4.2+sha512.<hex>"), after checking the downloaded tarball against that SHA-512, as
// Corepack would: a registry (or a mirror) that served another tarball, with metadata to match,
// is refused before anything is installed. The CI and release workflows run it; Corepack itself
// is not used (it is not available everywhere this project is tested).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const field = JSON.parse(readFileSync('package.json', 'utf8')).packageManager;
const pinned = /^pnpm@(\d+\.\d+\.\d+)\+sha512\.([0-9a-f]{128})$/.exec(field ?? '');
if (!pinned) {
  console.error(
    `package.json's "packageManager" must be "pnpm@<version>+sha512.<hex>", got ${JSON.stringify(field)}.`,
  );
  process.exit(1);
}
const [, version, expected] = pinned;
// npm on Windows is a .cmd file, which only a shell runs.
const npm = (args) =>
  execFileSync('npm', args, { encoding: 'utf8', shell: process.platform === 'win32' });

const folder = mkdtempSync(join(tmpdir(), 'install-pnpm-'));
try {
  const [packed] = JSON.parse(
    npm(['pack', `pnpm@${version}`, '--json', '--pack-destination', folder]),
  );
  const tarball = join(folder, packed.filename);
  const actual = createHash('sha512').update(readFileSync(tarball)).digest('hex');
  if (actual !== expected) {
    console.error(
      `The pnpm ${version} tarball downloaded does not match the SHA-512 pinned in package.json (got ${actual.slice(0, 16)}…, pinned ${expected.slice(0, 16)}…); not installing it.`,
    );
    process.exitCode = 1;
  } else {
    npm(['install', '--global', tarball]);
    console.log(`Installed pnpm ${version} (SHA-512 checked against package.json).`);
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
