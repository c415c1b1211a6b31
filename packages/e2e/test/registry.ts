import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { closedPort, packageManager } from '@installed-oauth/test-support';

const exec = promisify(execFile);
const verdaccioBin = fileURLToPath(
  new URL('../node_modules/verdaccio/bin/verdaccio', import.meta.url),
);

/** A real npm registry (Verdaccio) on 127.0.0.1, with no uplink: it holds what is put in it. */
export interface LocalRegistry {
  url: string;
  /** An npm token of a user the registry knows, for publishing. */
  token: string;
  /** `npm view <name> versions` as the registry answers it. */
  versions(name: string): Promise<string[]>;
  /** Puts a package tarball (from `npm pack`) into the registry, as `npm publish` would. */
  publishTarball(tarball: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts Verdaccio in `dir` on a free port of 127.0.0.1. `options.port` is for the test that
 * plays another program holding the port.
 */
export async function startLocalRegistry(
  dir: string,
  options: { port?: number } = {},
): Promise<LocalRegistry> {
  await mkdir(join(dir, 'storage'), { recursive: true });
  const config = join(dir, 'config.yaml');
  await writeFile(
    config,
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      '    max_users: 10',
      // No uplinks: nothing is fetched from elsewhere. No audit middleware: npm's audit
      // requests would be forwarded to the public registry.
      'uplinks: {}',
      'packages:',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      'log: { type: stdout, format: pretty, level: warn }',
    ].join('\n'),
  );
  // A package only this registry's storage holds, under a name nobody can guess: the port is
  // found free, released, then taken by Verdaccio, and another local program could take it in
  // between and answer the ping. Its answer for this name tells the two apart.
  const marker = `rehearsal-marker-${randomBytes(12).toString('hex')}`;
  await mkdir(join(dir, 'storage', marker), { recursive: true });
  await writeFile(
    join(dir, 'storage', marker, 'package.json'),
    JSON.stringify({ name: marker, versions: {}, 'dist-tags': {}, time: {}, _attachments: {} }),
  );
  const port = options.port ?? (await closedPort());
  const url = `http://127.0.0.1:${port}/`;
  const child: ChildProcess = spawn(
    process.execPath,
    [verdaccioBin, '--config', config, '--listen', `127.0.0.1:${port}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // It lives for the whole rehearsal; never beyond half an hour, whatever happens to the test.
  const guard = setTimeout(() => child.kill('SIGKILL'), 30 * 60_000);
  guard.unref();
  child.once('exit', () => clearTimeout(guard));
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Ready when it answers; a start that fails ends the wait with its output.
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`Verdaccio exited: ${output}`);
    const ping = await fetch(`${url}-/ping`).catch(() => undefined);
    if (ping?.ok) break;
    if (attempt > 600) throw new Error(`Verdaccio did not answer within a minute: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const ours = await fetch(`${url}${marker}`).catch(() => undefined);
  const answer = ours?.ok ? ((await ours.json()) as { name?: string }) : undefined;
  if (answer?.name !== marker || child.exitCode !== null) {
    child.kill('SIGKILL');
    throw new Error(
      `The registry answering on 127.0.0.1:${port} is not the Verdaccio this test started (another program took the port); nothing was sent to it. Run the test again. ${output}`,
    );
  }
  const user = await fetch(`${url}-/user/org.couchdb.user:rehearsal`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'rehearsal', password: 'rehearsal-password' }),
  });
  const { token } = (await user.json()) as { token?: string };
  if (!user.ok || !token) throw new Error(`Verdaccio refused the user: ${user.status}`);

  return {
    url,
    token,
    async versions(name) {
      const response = await fetch(`${url}${name.replace('/', '%2f')}`);
      if (response.status === 404) return [];
      const document = (await response.json()) as { versions?: Record<string, unknown> };
      return Object.keys(document.versions ?? {});
    },
    async publishTarball(tarball) {
      const data = await readFile(tarball);
      // Named from its own folder: GNU tar would read the "C:" of a Windows path as a host.
      const { stdout } = await exec('tar', ['-xOzf', basename(tarball), 'package/package.json'], {
        cwd: dirname(tarball),
      });
      const manifest = JSON.parse(stdout) as { name: string; version: string };
      const file = `${manifest.name.replace(/^@[^/]+\//, '')}-${manifest.version}.tgz`;
      const body = {
        _id: manifest.name,
        name: manifest.name,
        'dist-tags': { latest: manifest.version },
        versions: {
          [manifest.version]: {
            ...manifest,
            _id: `${manifest.name}@${manifest.version}`,
            dist: {
              shasum: createHash('sha1').update(data).digest('hex'),
              integrity: `sha512-${createHash('sha512').update(data).digest('base64')}`,
              tarball: `${url}${manifest.name}/-/${file}`,
            },
          },
        },
        _attachments: {
          [file]: {
            content_type: 'application/octet-stream',
            data: data.toString('base64'),
            length: data.length,
          },
        },
      };
      const response = await fetch(`${url}${manifest.name.replace('/', '%2f')}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      if (!response.ok && response.status !== 409)
        throw new Error(`publishing ${file} failed: ${response.status} ${await response.text()}`);
    },
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Every package (name, version, folder) in the production closure of the given workspace
 * packages, from the workspace's own install: what users will download besides ours.
 */
export async function productionClosure(
  repo: string,
  packages: string[],
): Promise<{ name: string; version: string; path: string }[]> {
  const filters = packages.flatMap((name) => ['--filter', name]);
  const { stdout } = await exec(
    'pnpm',
    [...filters, 'list', '--prod', '--depth', 'Infinity', '--json'],
    { cwd: repo, maxBuffer: 64 * 1024 * 1024 },
  );
  type Node = { version: string; path: string; dependencies?: Record<string, Node> };
  const found = new Map<string, { name: string; version: string; path: string }>();
  const walk = (dependencies: Record<string, Node> = {}) => {
    for (const [name, node] of Object.entries(dependencies)) {
      const key = `${name}@${node.version}`;
      if (found.has(key) || node.version.startsWith('link:')) {
        walk(node.dependencies);
        continue;
      }
      found.set(key, { name, version: node.version, path: node.path });
      walk(node.dependencies);
    }
  };
  for (const project of JSON.parse(stdout) as { dependencies?: Record<string, Node> }[])
    walk(project.dependencies);
  // Optional dependencies for other platforms (the keyring's binaries) are listed but were
  // never installed here: users on this platform do not download them either.
  const installed = await Promise.all(
    [...found.values()].map(async (entry) =>
      (await access(join(entry.path, 'package.json')).then(
        () => true,
        () => false,
      ))
        ? entry
        : undefined,
    ),
  );
  return installed.filter(
    (entry): entry is { name: string; version: string; path: string } =>
      entry !== undefined && !entry.name.startsWith('@installed-oauth/'),
  );
}

/** Packs an installed package's folder into `into` and returns the tarball's path. */
export async function packFolder(folder: string, into: string): Promise<string> {
  const before = new Set(await readdir(into));
  const pack = packageManager('npm', [
    'pack',
    folder,
    '--ignore-scripts',
    '--pack-destination',
    into,
  ]);
  await exec(pack.file, pack.args, { shell: pack.shell, env: quietNpm(process.env) });
  const made = (await readdir(into)).find((name) => !before.has(name));
  if (!made) throw new Error(`npm pack ${folder} made nothing`);
  return join(into, made);
}

/** npm without its update check and funding notes (which would ask the public registry). */
export function quietNpm(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
}
