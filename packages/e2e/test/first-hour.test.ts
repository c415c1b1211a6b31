// A library user's first hour, as the core README tells it: a project made with `npm init -y`
// (CommonJS, as npm makes them now), the packed packages installed into it, the README's two
// programs saved as printed in main.mts, compiled with the command the README gives, and run.
// The sandbox serves HTTPS here (its certificate trusted through NODE_EXTRA_CA_CERTS), so the
// program reads its client_secret.json exactly as it would read Google's.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { consentAgentPath, type Sandbox, startSandbox } from '@installed-oauth/sandbox';
import {
  baseEnvironment,
  loopbackCertificate,
  packageManager,
} from '@installed-oauth/test-support';
import { pinnedVersions, pnpm } from '@installed-oauth/test-support/local-install';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import yaml from 'js-yaml';

const exec = promisify(execFile);
const packagesDir = fileURLToPath(new URL('../../', import.meta.url));
const repository = join(packagesDir, '..');

let sandbox: Sandbox;
let work: string;
beforeAll(async () => {
  sandbox = await startSandbox({
    tls: {
      key: await readFile(loopbackCertificate.keyPath),
      cert: await readFile(loopbackCertificate.certPath),
    },
  });
  work = await mkdtemp(join(tmpdir(), 'installed-oauth-first-hour-'));
});
afterAll(() => sandbox?.close());

/** The README's first two TypeScript programs, as printed. */
async function readmePrograms(): Promise<string> {
  const readme = await readFile(join(packagesDir, 'core', 'README.md'), 'utf8');
  const usage = readme.slice(readme.indexOf('## Usage'));
  const blocks = [...usage.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  return `${blocks[0]}\n${blocks[1]}`;
}

it("runs the core README's programs in a fresh `npm init -y` project, with the README's compile command", async () => {
  const project = join(work, 'my-app');
  await mkdir(project);
  const init = packageManager('npm', ['init', '-y']);
  await exec(init.file, init.args, { cwd: project, shell: init.shell });
  const manifest = JSON.parse(await readFile(join(project, 'package.json'), 'utf8'));
  // What the README's advice is about: npm makes CommonJS projects.
  expect(manifest.type).toBe('commonjs');

  // `npm i @installed-oauth/core @installed-oauth/loopback` and `npm i -D typescript @types/node`,
  // from the packed packages and the workspace's store (tests do not reach the registry).
  const packed = join(work, 'tarballs');
  for (const name of ['core', 'loopback'])
    await pnpm(['pack', '--pack-destination', packed], join(packagesDir, name));
  const tarballs = await readdir(packed);
  const tarball = (name: string) =>
    `file:${join(packed, tarballs.find((file) => file.startsWith(`installed-oauth-${name}-`)) ?? '')}`;
  const catalog = (
    yaml.load(await readFile(join(repository, 'pnpm-workspace.yaml'), 'utf8')) as {
      catalog: Record<string, string>;
    }
  ).catalog;
  manifest.dependencies = {
    '@installed-oauth/core': tarball('core'),
    '@installed-oauth/loopback': tarball('loopback'),
  };
  manifest.devDependencies = {
    typescript: catalog.typescript,
    '@types/node': catalog['@types/node'],
  };
  await writeFile(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
  const overrides = await pinnedVersions(join(repository, 'pnpm-lock.yaml'));
  await writeFile(
    join(project, 'pnpm-workspace.yaml'),
    `overrides:\n${Object.entries(overrides)
      .map(([name, version]) => `  '${name}': '${version}'`)
      .join('\n')}\n`,
  );
  await pnpm(['install', '--offline'], project);

  // Saved as main.mts, compiled as the README says: npx tsc --module nodenext --target es2022 --types node main.mts
  await writeFile(join(project, 'main.mts'), await readmePrograms());
  const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
  await exec(
    process.execPath,
    [tsc, '--module', 'nodenext', '--target', 'es2022', '--types', 'node', 'main.mts'],
    { cwd: project },
  );

  // The client file a user downloads, here the sandbox's: https endpoints, as Google's.
  await copyFile(sandbox.clientSecretsPath, join(project, 'client_secret.json'));
  const home = join(work, 'home');
  const env = {
    ...baseEnvironment(),
    // The home folder: HOME on Linux and macOS, USERPROFILE on Windows.
    HOME: home,
    USERPROFILE: home,
    NODE_EXTRA_CA_CERTS: loopbackCertificate.certPath,
    BROWSER: `"${process.execPath}" "${consentAgentPath}"`,
  };
  const exchanges = sandbox.counters.authorizationCodeGrants;
  await exec(process.execPath, ['main.mjs'], { cwd: project, env });
  expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 1);
  const stored = await readdir(join(home, '.config', 'my-app'));
  expect(stored.filter((name) => /^\d+\.json$/.test(name))).toHaveLength(1);

  // The second run uses the stored account: no browser, no exchange.
  await exec(process.execPath, ['main.mjs'], {
    cwd: project,
    env: { ...env, BROWSER: `"${process.execPath}" -e "process.exit(1)"` },
  });
  expect(sandbox.counters.authorizationCodeGrants).toBe(exchanges + 1);
});
