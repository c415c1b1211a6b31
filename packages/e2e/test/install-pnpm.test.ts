// scripts/install-pnpm.mjs, as the CI and release workflows run it: the pnpm tarball is
// checked against the SHA-512 pinned in package.json before anything is installed. Here the
// registry is a small one on 127.0.0.1 serving a stand-in "pnpm" package.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { packageManager } from '@installed-oauth/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../../scripts/install-pnpm.mjs', import.meta.url));
const VERSION = '9.9.9';

let server: Server;
let registry: string;
let tarball: Buffer;

beforeAll(async () => {
  // The stand-in package, packed by npm as a real one is.
  const source = await mkdtemp(join(tmpdir(), 'fake-pnpm-'));
  await writeFile(
    join(source, 'package.json'),
    JSON.stringify({ name: 'pnpm', version: VERSION, bin: { pnpm: 'bin.js' } }),
  );
  await writeFile(join(source, 'bin.js'), '#!/usr/bin/env node\nconsole.log("stand-in");\n');
  const pack = packageManager('npm', ['pack', '--json', '--pack-destination', source]);
  const { stdout } = await run(pack.file, pack.args, { cwd: source, shell: pack.shell });
  tarball = await readFile(join(source, JSON.parse(stdout)[0].filename));
  server = createServer((req, res) => {
    if (req.url === '/pnpm') {
      const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          name: 'pnpm',
          'dist-tags': { latest: VERSION },
          versions: {
            [VERSION]: {
              name: 'pnpm',
              version: VERSION,
              bin: { pnpm: 'bin.js' },
              dist: { tarball: `${registry}pnpm-${VERSION}.tgz`, integrity },
            },
          },
        }),
      );
    } else if (req.url === `/pnpm-${VERSION}.tgz`) {
      res.end(tarball);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** Runs the script in a project pinning `sha512`, installing into a prefix of its own. */
async function installWith(sha512: string) {
  const folder = await mkdtemp(join(tmpdir(), 'install-pnpm-'));
  const project = join(folder, 'project');
  const prefix = join(folder, 'prefix');
  await mkdir(project);
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ packageManager: `pnpm@${VERSION}+sha512.${sha512}` }),
  );
  const env = {
    PATH: process.env.PATH,
    HOME: folder,
    npm_config_registry: registry,
    npm_config_prefix: prefix,
    npm_config_cache: join(folder, 'cache'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  const result = await run(process.execPath, [script], { cwd: project, env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
  return { ...result, installed: existsSync(join(prefix, 'bin', 'pnpm')) };
}

describe('scripts/install-pnpm.mjs', () => {
  it('installs the pnpm whose tarball matches the pinned SHA-512', async () => {
    const result = await installWith(createHash('sha512').update(tarball).digest('hex'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Installed pnpm ${VERSION} (SHA-512 checked against package.json).`,
    );
    expect(result.installed).toBe(true);
  });

  it('refuses a tarball that does not match, installing nothing', async () => {
    const result = await installWith('0'.repeat(128));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `The pnpm ${VERSION} tarball downloaded does not match the SHA-512 pinned in package.json`,
    );
    expect(result.installed).toBe(false);
  });
});
