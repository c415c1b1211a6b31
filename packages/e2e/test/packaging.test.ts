import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { consentAgentPath, runConsentAgent } from '@installed-oauth/sandbox';
import { baseEnvironment, installedBin, useSandbox } from '@installed-oauth/test-support';
import { installOffline, pnpm } from '@installed-oauth/test-support/local-install';
import { beforeAll, describe, expect, it } from '@jest/globals';

// The published packages as users get them: packed with `pnpm pack` (workspace versions
// replaced), installed into projects outside the workspace, from the local store only.

const exec = promisify(execFile);
const packagesDir = fileURLToPath(new URL('../../', import.meta.url));

const sandbox = useSandbox();
let tarballs: Record<string, string>;
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'installed-oauth-packaging-'));
  const packed = join(work, 'tarballs');
  await mkdir(packed);
  for (const name of ['core', 'loopback', 'console', 'drive-cli', 'keyring-store']) {
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
    keyringStore: find('keyring-store'),
  };
});

const lockfilePath = join(packagesDir, '..', 'pnpm-lock.yaml');

async function project(
  name: string,
  manifest: object,
  overrides: Record<string, string> = {},
): Promise<string> {
  const dir = join(work, name);
  await installOffline(dir, { name, ...manifest }, { lockfilePath, overrides });
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

  it('@installed-oauth/keyring-store installs next to core, and its native binding loads', async () => {
    const dir = await project(
      'keyring-user',
      {
        dependencies: {
          '@installed-oauth/core': `file:${tarballs.core}`,
          '@installed-oauth/keyring-store': `file:${tarballs.keyringStore}`,
        },
      },
      { '@installed-oauth/core': `file:${tarballs.core}` },
    );
    expect((await readdir(join(dir, 'node_modules', '@installed-oauth'))).sort()).toEqual([
      'core',
      'keyring-store',
    ]);
    // Without a session bus here, the probe answers (rather than crashing): the binding loaded.
    await writeFile(
      join(dir, 'probe.mjs'),
      "import { keyringStatus } from '@installed-oauth/keyring-store';\nprocess.stdout.write(JSON.stringify(await keyringStatus({ service: 'packaging-test' })));\n",
    );
    const { stdout } = await exec(process.execPath, ['probe.mjs'], {
      cwd: dir,
      env: { ...baseEnvironment(), HOME: dir },
    });
    const status = JSON.parse(stdout);
    expect(status).toMatchObject({ name: expect.stringMatching(/^the /) });
    expect(String(status.reason ?? '')).not.toMatch(/Cannot find|ERR_MODULE|ERR_DLOPEN|\.node/);
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
        '@installed-oauth/keyring-store': `file:${tarballs.keyringStore}`,
      },
    );
    const bin = join(dir, 'node_modules', '.bin', 'drive-cli');
    const driveCli = (args: string[], env?: NodeJS.ProcessEnv) => {
      const command = installedBin(bin, args);
      return exec(command.file, command.args, { shell: command.shell, env });
    };
    const help = await driveCli(['--help']);
    expect(help.stdout).toMatch(/Usage: drive-cli/);
    const configDir = join(dir, 'config');
    const listed = await driveCli(['ls'], {
      ...baseEnvironment(),
      DRIVE_CLI_CLIENT_SECRETS: sandbox.clientSecretsPath,
      DRIVE_CLI_CONFIG_DIR: configDir,
      DRIVE_CLI_API_ROOT: sandbox.driveApiRoot,
      DRIVE_CLI_SANDBOX: '1',
      BROWSER: `"${process.execPath}" "${consentAgentPath}"`,
    });
    expect(listed.stdout.trim().split('\n')).toHaveLength(5);
    expect(listed.stderr).toMatch(/Signed in as sandbox\.user@example\.com/);
  });
});

/**
 * tar on `tarball`, named from its own folder: GNU tar (Git for Windows has one) would read the
 * "C:" of a Windows path as a remote host.
 */
function tar(options: string[], tarball: string, ...members: string[]) {
  return exec('tar', [...options, basename(tarball), ...members], { cwd: dirname(tarball) });
}

describe('what each tarball holds', () => {
  const listing = async (tarball: string) =>
    (await tar(['-tzf'], tarball)).stdout
      .split('\n')
      .filter(Boolean)
      .map((path) => path.replace(/^package\//, ''));

  it.each(['core', 'loopback', 'console', 'driveCli', 'keyringStore'])(
    '%s: its LICENSE, README and built code; no sources, tests or declaration maps',
    async (name) => {
      const files = await listing(tarballs[name] ?? '');
      expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
      expect(
        files.filter((file) => !/^(dist\/|LICENSE$|README\.md$|package\.json$)/.test(file)),
      ).toEqual([]);
      expect(files.filter((file) => file.endsWith('.d.ts.map'))).toEqual([]);
      const { stdout: licence } = await tar(['-xzOf'], tarballs[name] ?? '', 'package/LICENSE');
      expect(licence).toBe(await readFile(join(packagesDir, '..', 'LICENSE'), 'utf8'));
    },
  );

  it("drive-cli's bundle names every bundled package with its licence text", async () => {
    const { stdout: licences } = await tar(
      ['-xzOf'],
      tarballs.driveCli ?? '',
      'package/dist/THIRD_PARTY_LICENSES.md',
    );
    const sections = licences.split(/^## /m).slice(1);
    expect(sections.length).toBeGreaterThan(10);
    for (const section of sections) {
      // Each: a name@version heading, the SPDX id, and a licence text of some length.
      expect(section).toMatch(/^\S+@\d+\.\d+\.\d+\S*\n\nLicence: \S+\n\n```\n[\s\S]{300,}\n```/);
    }
    expect(licences).toMatch(/^## @googleapis\/drive@[\s\S]+?Apache License\s+Version 2\.0/m);
  });
});
