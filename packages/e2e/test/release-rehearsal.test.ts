// The release, rehearsed against a real npm registry (Verdaccio on 127.0.0.1): on a copy of
// the repository, exactly what release.yml runs (`changeset version`, build,
// `changeset publish`), then installs from that registry by name, in empty folders outside the
// workspace, as users do. Tests may not reach the internet, so the registry also holds the
// third-party packages users download with ours, copied from the workspace's own install; a
// user's folder points both its scope and the default registry at it.
import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { consentAgentPath } from '@installed-oauth/sandbox';
import { guardChild, packageManager, useSandbox } from '@installed-oauth/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type LocalRegistry,
  packFolder,
  productionClosure,
  quietNpm,
  startLocalRegistry,
} from './registry.js';

const exec = promisify(execFile);
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const PUBLISHED = ['core', 'loopback', 'console', 'drive-cli', 'keyring-store'];
const SETUP_LIMIT_MS = 15 * 60_000; // a guard for a slow, busy machine; never a speed claim

const sandbox = useSandbox();
let work: string;
let registry: LocalRegistry;
let copy: string;
/** What the first publish put in the registry: package → version. */
let firstRelease: Record<string, string>;

/** A line in the test log: what the rehearsal did and with which versions. */
function log(text: string): void {
  process.stderr.write(`[release rehearsal] ${text}\n`);
}

/**
 * The environment without the npm_config_* settings a package manager running the tests
 * passes down (a registry among them, which would outrank a folder's .npmrc).
 */
function cleanEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_(config|package|lifecycle)_/i.test(name)),
  );
  return quietNpm({ ...env, CI: 'true', ...extra });
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const {
    file,
    args: argv,
    shell,
  } = command === 'npm' || command === 'pnpm'
    ? packageManager(command, args)
    : { file: command, args, shell: false };
  return exec(file, argv, { cwd, env: cleanEnv(env), shell, maxBuffer: 64 * 1024 * 1024 });
}

/** The tracked and untracked (not ignored) files of the repository, copied: its state now. */
async function copyRepository(into: string): Promise<void> {
  const { stdout } = await run('git', ['ls-files', '-coz', '--exclude-standard'], repo);
  for (const file of stdout.split('\0').filter(Boolean)) {
    await mkdir(dirname(join(into, file)), { recursive: true });
    await cp(join(repo, file), join(into, file)).catch((error) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // deleted, not staged
    });
  }
}

/** Commits the copy's state, as the release job's checkout has it (changesets tags commits). */
async function commitAll(dir: string, message: string): Promise<void> {
  const who = ['-c', 'user.name=Release rehearsal', '-c', 'user.email=rehearsal@example.invalid'];
  await run('git', ['add', '-A'], dir);
  await run('git', [...who, 'commit', '--quiet', '--allow-empty', '-m', message], dir);
}

/**
 * Settings for pnpm in the copy only. The workspace's own install has verified this very
 * lockfile against pnpm's supply-chain policies (minimum release age, trust); doing it again
 * would ask a registry for every package's full metadata, and the copy's registry is the local
 * one, which holds only what the packages published need. Nor does pnpm check the install
 * before running a script: the copy was installed from that same lockfile.
 */
const COPY_SETTINGS = `
# Added by the release rehearsal (packages/e2e/test/release-rehearsal.test.ts).
minimumReleaseAge: 0
trustPolicy: off
verifyDepsBeforeRun: false
`;

function installCopy(): ReturnType<typeof run> {
  return run('pnpm', ['install', '--offline', '--frozen-lockfile'], copy);
}

/** What release.yml's publish job runs, against the local registry. */
async function versionBuildPublish(): Promise<void> {
  const registryEnv = { npm_config_registry: registry.url };
  await run('pnpm', ['changeset', 'version'], copy);
  await commitAll(copy, 'Version packages');
  await installCopy();
  await run('pnpm', ['build'], copy, { TURBO_TELEMETRY_DISABLED: '1' });
  await run('pnpm', ['changeset', 'publish'], copy, registryEnv);
}

async function versionsInCopy(): Promise<Record<string, string>> {
  const entries = await Promise.all(
    PUBLISHED.map(async (name) => {
      const file = join(copy, 'packages', name, 'package.json');
      return [`@installed-oauth/${name}`, JSON.parse(await readFile(file, 'utf8')).version];
    }),
  );
  return Object.fromEntries(entries);
}

/** An empty folder outside the workspace, set up as a user's: this registry, its own cache. */
async function userFolder(name: string): Promise<{ dir: string; env: NodeJS.ProcessEnv }> {
  const dir = join(work, 'users', name);
  await mkdir(dir, { recursive: true });
  const registryHost = registry.url.replace(/^http:/, '');
  await writeFile(
    join(dir, '.npmrc'),
    [
      `@installed-oauth:registry=${registry.url}`,
      `registry=${registry.url}`,
      `${registryHost}:_authToken=${registry.token}`,
    ].join('\n'),
  );
  return {
    dir,
    env: {
      npm_config_cache: join(dir, '.npm-cache'),
      npm_config_registry: registry.url,
      HOME: dir,
    },
  };
}

/** name → version of everything `npm ls` shows installed in `dir`. */
async function installed(dir: string): Promise<Record<string, string>> {
  const { stdout } = await run('npm', ['ls', '--all', '--json'], dir).catch((error) => error);
  const found: Record<string, string> = {};
  type Node = { version?: string; dependencies?: Record<string, Node> };
  const walk = (dependencies: Record<string, Node> = {}) => {
    for (const [name, node] of Object.entries(dependencies)) {
      if (node.version) found[name] = node.version;
      walk(node.dependencies);
    }
  };
  walk(JSON.parse(stdout).dependencies);
  return found;
}

/** The sign-in program of fixtures/sign-in.mjs, run in `dir` against the sandbox. */
async function signIn(dir: string, env: NodeJS.ProcessEnv, kind: string) {
  await cp(join(fixtures, 'sign-in.mjs'), join(dir, 'sign-in.mjs'));
  const { stdout } = await run(
    process.execPath,
    ['sign-in.mjs', kind, sandbox.clientSecretsPath, consentAgentPath],
    dir,
    env,
  );
  return JSON.parse(stdout);
}

function drivecliEnv(dir: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    DRIVE_CLI_CLIENT_SECRETS: sandbox.clientSecretsPath,
    DRIVE_CLI_CONFIG_DIR: join(dir, 'drive-cli-config'),
    DRIVE_CLI_API_ROOT: sandbox.driveApiRoot,
    DRIVE_CLI_SANDBOX: '1',
    BROWSER: `"${process.execPath}" "${consentAgentPath}"`,
    // CI is set for npm's sake; here the consent agent is the person who signs in.
    DRIVE_CLI_NO_INPUT: '0',
  };
}

/** `npx <package> …args` in `dir`, as a user types it. */
function npx(dir: string, env: NodeJS.ProcessEnv, args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const command = packageManager('npx', ['--yes', ...args]);
    const child = spawn(command.file, command.args, {
      shell: command.shell,
      cwd: dir,
      env: cleanEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    guardChild(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The version of @installed-oauth/core that an npx run installed for drive-cli. */
async function coreUnderNpx(env: NodeJS.ProcessEnv): Promise<string> {
  const npxRoot = join(env.npm_config_cache ?? '', '_npx');
  const [installation] = await readdir(npxRoot);
  const manifest = join(
    npxRoot,
    installation ?? '',
    'node_modules/@installed-oauth/core/package.json',
  );
  return JSON.parse(await readFile(manifest, 'utf8')).version;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'release-rehearsal-'));
  registry = await startLocalRegistry(join(work, 'registry'));
  log(`Verdaccio on ${registry.url}`);

  // The third-party packages users download with ours, from the workspace's install.
  const tarballs = join(work, 'third-party');
  await mkdir(tarballs);
  const closure = await productionClosure(
    repo,
    PUBLISHED.map((name) => `@installed-oauth/${name}`),
  );
  for (const entry of closure)
    await registry.publishTarball(await packFolder(entry.path, tarballs));
  log(
    `third-party packages in the registry: ${closure.map((e) => `${e.name}@${e.version}`).join(', ')}`,
  );

  copy = join(work, 'repository');
  await copyRepository(copy);
  await run('git', ['init', '--quiet', '--initial-branch', 'main'], copy);
  await writeFile(join(copy, 'pnpm-workspace.yaml'), COPY_SETTINGS, { flag: 'a' });
  await installCopy();
  await commitAll(copy, 'The repository as it is');
  await writeFile(
    join(copy, '.npmrc'),
    `registry=${registry.url}\n${registry.url.replace(/^http:/, '')}:_authToken=${registry.token}\n`,
    { flag: 'a' },
  );
  await versionBuildPublish();
  firstRelease = await versionsInCopy();
  log(
    `published: ${Object.entries(firstRelease)
      .map(([n, v]) => `${n}@${v}`)
      .join(', ')}`,
  );
}, SETUP_LIMIT_MS);

afterAll(async () => {
  await registry?.close();
  await rm(work, { recursive: true, force: true });
});

describe('the release, rehearsed against a real registry', () => {
  it('publishes each package at the version changesets gave it', async () => {
    for (const [name, version] of Object.entries(firstRelease))
      expect(await registry.versions(name)).toEqual([version]);
  });

  it('1. npm i @installed-oauth/core alone: core and openid-client, and a flow with a strategy of ones own', async () => {
    const { dir, env } = await userFolder('core-alone');
    await run('npm', ['init', '--yes'], dir, env);
    await run('npm', ['pkg', 'set', 'type=module'], dir, env);
    await run('npm', ['install', '@installed-oauth/core'], dir, env);
    const packages = await installed(dir);
    expect(Object.keys(packages).filter((name) => name.startsWith('@installed-oauth/'))).toEqual([
      '@installed-oauth/core',
    ]);
    expect(Object.keys(packages).sort()).toEqual(
      ['@installed-oauth/core', 'jose', 'oauth4webapi', 'openid-client'].sort(),
    );
    await cp(join(fixtures, 'rehearsal-strategy', 'index.js'), join(dir, 'own-strategy.js'));
    expect(await signIn(dir, env, 'own')).toEqual({ signedIn: true, refreshToken: true });
    log(
      `step 1 passed: installed ${Object.entries(packages)
        .map(([n, v]) => `${n}@${v}`)
        .join(', ')}; signed in with its own strategy`,
    );
  });

  it('2. npx @installed-oauth/drive-cli --version, then ls, from the registry by name', async () => {
    const { dir, env } = await userFolder('npx-drive-cli');
    const version = await npx(dir, env, ['@installed-oauth/drive-cli', '--version']);
    expect(version).toMatchObject({
      code: 0,
      stdout: `${firstRelease['@installed-oauth/drive-cli']}\n`,
    });
    const ls = await npx(dir, drivecliEnv(dir, env), ['@installed-oauth/drive-cli', 'ls']);
    expect(ls.code).toBe(0);
    expect(ls.stderr).toMatch(/Signed in as sandbox\.user@example\.com\./);
    expect(ls.stdout.split('\n').length).toBeGreaterThan(2);
    log(
      `step 2 passed: npx @installed-oauth/drive-cli --version printed ${version.stdout.trim()}; ls listed files (core ${await coreUnderNpx(env)})`,
    );
  });

  it('3. npm i @installed-oauth/loopback brings core as a peer, and a flow runs', async () => {
    const { dir, env } = await userFolder('loopback');
    await run('npm', ['init', '--yes'], dir, env);
    await run('npm', ['pkg', 'set', 'type=module'], dir, env);
    await run('npm', ['install', '@installed-oauth/loopback'], dir, env);
    const lock = JSON.parse(await readFile(join(dir, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/@installed-oauth/core']).toMatchObject({
      version: firstRelease['@installed-oauth/core'],
      peer: true,
    });
    expect(await signIn(dir, env, 'loopback')).toEqual({ signedIn: true, refreshToken: true });
    log(
      `step 3 passed: loopback@${lock.packages['node_modules/@installed-oauth/loopback'].version} with core@${lock.packages['node_modules/@installed-oauth/core'].version} as its peer; signed in`,
    );
  });

  it('5. a contributed strategy, with core as a peer only, publishes and installs next to it', async () => {
    const strategy = join(work, 'contributed-strategy');
    await cp(join(fixtures, 'rehearsal-strategy'), strategy, { recursive: true });
    const { env } = await userFolder('contributor');
    await cp(join(work, 'users', 'contributor', '.npmrc'), join(strategy, '.npmrc'));
    await run('npm', ['publish'], strategy, env);
    expect(await registry.versions('installed-oauth-strategy-rehearsal')).toEqual(['0.1.0']);

    const { dir, env: userEnv } = await userFolder('uses-contributed');
    await run('npm', ['init', '--yes'], dir, userEnv);
    await run('npm', ['pkg', 'set', 'type=module'], dir, userEnv);
    await run(
      'npm',
      ['install', 'installed-oauth-strategy-rehearsal', '@installed-oauth/core'],
      dir,
      userEnv,
    );
    const packages = await installed(dir);
    expect(packages).toMatchObject({
      'installed-oauth-strategy-rehearsal': '0.1.0',
      '@installed-oauth/core': firstRelease['@installed-oauth/core'],
    });
    expect(await signIn(dir, userEnv, 'package')).toEqual({ signedIn: true, refreshToken: true });
    log(
      `step 5 passed: installed-oauth-strategy-rehearsal@0.1.0 published with core as a peer; installed beside core@${packages['@installed-oauth/core']}; signed in`,
    );
  });

  // Last: it publishes again, so the steps above see the first release only.
  it('4. a patch to core alone republishes core alone; a fresh npx drive-cli picks it up', async () => {
    await writeFile(
      join(copy, '.changeset', 'rehearsal-core-fix.md'),
      "---\n'@installed-oauth/core': patch\n---\n\nA fix made by the release rehearsal.\n",
    );
    await commitAll(copy, 'A patch to core');
    await versionBuildPublish();
    const second = await versionsInCopy();
    expect(second['@installed-oauth/core']).not.toBe(firstRelease['@installed-oauth/core']);
    const others = ['loopback', 'console', 'drive-cli', 'keyring-store'];
    for (const name of others.map((n) => `@installed-oauth/${n}`)) {
      expect(second[name]).toBe(firstRelease[name]);
      expect(await registry.versions(name)).toEqual([firstRelease[name]]);
    }
    expect(await registry.versions('@installed-oauth/core')).toEqual([
      firstRelease['@installed-oauth/core'],
      second['@installed-oauth/core'],
    ]);

    const { dir, env } = await userFolder('npx-after-patch');
    const ls = await npx(dir, drivecliEnv(dir, env), ['@installed-oauth/drive-cli', 'ls']);
    expect(ls.code).toBe(0);
    expect(await coreUnderNpx(env)).toBe(second['@installed-oauth/core']);
    log(
      `step 4 passed: republished core@${second['@installed-oauth/core']} only (loopback, console, drive-cli and keyring-store still ${firstRelease['@installed-oauth/drive-cli']}); a fresh npx drive-cli ran with core@${second['@installed-oauth/core']}`,
    );
  });
});
