import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  consentAgentPath,
  runConsentAgent,
  type Sandbox,
  startSandbox,
} from '@installed-oauth/sandbox';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

// The published packages as users get them: packed with `pnpm pack` (workspace versions
// replaced), installed into projects outside the workspace, from the local store only.

const exec = promisify(execFile);
const packagesDir = fileURLToPath(new URL('../../', import.meta.url));

/** The pnpm that runs this test (npx puts it on PATH; npm_execpath may name npm instead). */
function pnpm(args: string[], cwd: string) {
  return exec('pnpm', args, {
    cwd,
    env: { ...process.env, CI: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  });
}

let sandbox: Sandbox;
let tarballs: Record<string, string>;
let work: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  work = await mkdtemp(join(tmpdir(), 'installed-oauth-packaging-'));
  const packed = join(work, 'tarballs');
  await mkdir(packed);
  for (const name of ['core', 'loopback', 'console', 'drive-cli']) {
    await pnpm(['pack', '--pack-destination', packed], join(packagesDir, name));
  }
  const files = await readdir(packed);
  const find = (name: string) =>
    join(packed, files.find((file) => file.startsWith(`installed-oauth-${name}-`)) ?? '');
  tarballs = {
    core: find('core'),
    loopback: find('loopback'),
    console: find('console'),
    driveCli: find('drive-cli'),
  };
}, 120_000);
afterAll(() => sandbox?.close());

/**
 * The versions the workspace lockfile pinned, as overrides: a fresh resolution would pick newer
 * releases that are not in the local store, and the tests may not reach the registry.
 */
async function pinnedVersions(): Promise<Record<string, string>> {
  const lockfile = await readFile(join(packagesDir, '..', 'pnpm-lock.yaml'), 'utf8');
  // The last document of the lockfile is the workspace's (pnpm 12 puts its own tooling first).
  const section = lockfile.slice(
    lockfile.lastIndexOf('\npackages:\n'),
    lockfile.lastIndexOf('\nsnapshots:\n'),
  );
  const versions = new Map<string, Set<string>>();
  for (const [, key] of section.matchAll(/^ {2}'?((?:@[^@/\s]+\/)?[^@\s']+@[^(:'\s]+)'?:$/gm)) {
    const at = (key ?? '').lastIndexOf('@');
    const name = (key ?? '').slice(0, at);
    versions.set(name, (versions.get(name) ?? new Set()).add((key ?? '').slice(at + 1)));
  }
  return Object.fromEntries(
    [...versions]
      .filter(([name, set]) => set.size === 1 && !name.startsWith('@installed-oauth/'))
      .map(([name, set]) => [name, [...set][0] ?? '']),
  );
}

/** A user's project in its own folder (its own pnpm root), installed from the local store only. */
async function project(
  name: string,
  manifest: object,
  overrides: Record<string, string> = {},
): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir);
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name, private: true, type: 'module', ...manifest }, null, 2),
  );
  const lines = Object.entries({ ...(await pinnedVersions()), ...overrides }).map(
    ([pkg, spec]) => `  '${pkg}': '${spec}'`,
  );
  await writeFile(
    join(dir, 'pnpm-workspace.yaml'),
    lines.length ? `overrides:\n${lines.join('\n')}\n` : '',
  );
  await pnpm(['install', '--offline'], dir);
  return dir;
}

const TINY_FLOW = `
import { createServer } from 'node:http';
import { authorize, parseClientSecrets } from '@installed-oauth/core';

const clientSecrets = parseClientSecrets(process.argv[2], { allowInsecureTransport: true });
const strategy = {
  name: 'tiny',
  specificationVersion: 'v1',
  receive(request) {
    return new Promise((resolve) => {
      const server = createServer((req, res) => {
        const parameters = new URL(req.url, 'http://127.0.0.1').searchParams;
        if (!request.isGenuineCallback(parameters)) return res.writeHead(400).end();
        res.writeHead(200, { connection: 'close' }).end('done');
        server.close();
        server.closeAllConnections();
        resolve(parameters);
      });
      server.listen(0, '127.0.0.1', () => {
        const url = request.buildAuthorizationUrl('http://127.0.0.1:' + server.address().port + '/');
        process.stdout.write(url.href + '\\n');
      });
    });
  },
};
const credentials = await authorize({ clientSecrets, scopes: ['https://www.googleapis.com/auth/drive.metadata.readonly'], strategy });
process.stdout.write('granted ' + credentials.scopes.join(' ') + '\\n');
`;

describe('packed packages installed outside the workspace', () => {
  it('@installed-oauth/core alone runs the whole flow with its own tiny strategy', async () => {
    const dir = await project('core-alone', {
      dependencies: { '@installed-oauth/core': `file:${tarballs.core}` },
    });
    expect((await readdir(join(dir, 'node_modules', '@installed-oauth'))).sort()).toEqual(['core']);
    await writeFile(join(dir, 'flow.mjs'), TINY_FLOW);
    const child = spawn(process.execPath, ['flow.mjs', JSON.stringify(sandbox.clientSecrets)], {
      cwd: dir,
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const url = await new Promise<string>((resolve) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        const line = stdout.split('\n')[0];
        if (stdout.includes('\n') && line) resolve(line);
      });
    });
    await runConsentAgent(url);
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(
      /^granted https:\/\/www\.googleapis\.com\/auth\/drive\.metadata\.readonly$/m,
    );
  });

  it('drive-cli from its tarball prints help and lists files from the sandbox', async () => {
    // The packages' own versions are not on the registry yet: point their names at the tarballs.
    const dir = await project(
      'drive-cli-user',
      { dependencies: { '@installed-oauth/drive-cli': `file:${tarballs.driveCli}` } },
      {
        '@installed-oauth/core': `file:${tarballs.core}`,
        '@installed-oauth/loopback': `file:${tarballs.loopback}`,
        '@installed-oauth/console': `file:${tarballs.console}`,
      },
    );
    const bin = join(dir, 'node_modules', '.bin', 'drive-cli');
    const help = await exec(bin, ['--help']);
    expect(help.stdout).toMatch(/Usage: drive-cli/);
    const configDir = join(dir, 'config');
    const listed = await exec(bin, ['ls'], {
      env: {
        PATH: process.env.PATH,
        DRIVE_CLI_CLIENT_SECRETS: sandbox.clientSecretsPath,
        DRIVE_CLI_CONFIG_DIR: configDir,
        DRIVE_CLI_API_ROOT: sandbox.driveApiRoot,
        OAUTHLIB_INSECURE_TRANSPORT: '1',
        BROWSER: `"${process.execPath}" "${consentAgentPath}"`,
      },
    });
    expect(listed.stdout.trim().split('\n')).toHaveLength(5);
    expect(listed.stderr).toMatch(/Signed in as sandbox\.user@example\.com/);
  });
});
