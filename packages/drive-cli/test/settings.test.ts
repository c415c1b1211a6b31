import {
  chmod,
  chown,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  stat,
  writeFile,
} from 'node:fs/promises';
import module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountIdOf, consentAgentPath } from '@installed-oauth/sandbox';
import {
  baseEnvironment,
  describeWith,
  itWith,
  linux,
  posix,
  root,
  useSandbox,
} from '@installed-oauth/test-support';
import { describe, expect, it } from '@jest/globals';
import { expectNoSecret, runCli, SANDBOX_USER, sandboxEnv } from './helpers.js';

const sandbox = useSandbox();

describe('where drive-cli looks when nothing says otherwise', () => {
  itWith(
    posix('the config folder under HOME: Windows keeps it in %APPDATA%, as the Wine tier checks'),
  )('reads ./client_secret.json and keeps credentials in the platform config folder', async () => {
    // Signing in needs no Drive API root; the default (Google's) is never contacted here.
    const home = await mkdtemp(join(tmpdir(), 'drive-cli-home-'));
    const project = join(home, 'project');
    await mkdir(project);
    await copyFile(sandbox.clientSecretsPath, join(project, 'client_secret.json'));
    const env = {
      ...baseEnvironment(),
      HOME: home,
      TZ: 'UTC',
      DRIVE_CLI_SANDBOX: 'true',
      BROWSER: `"${process.execPath}" "${consentAgentPath}"`,
    };
    const login = await runCli(['login'], env, { cwd: project });
    expect(login.code).toBe(0);
    const expected = join(
      home,
      '.config',
      'drive-cli',
      'accounts',
      `${accountIdOf(SANDBOX_USER)}.json`,
    );
    expect(login.stderr).toContain(`Credentials saved to ${expected}.`);
    expect(JSON.parse(await readFile(expected, 'utf8')).client_id).toBe(sandbox.clientId);

    // A relative --config-dir is taken from the current folder.
    const relative = await runCli(['login', '--config-dir', 'creds'], env, { cwd: project });
    expect(relative.stderr).toContain(
      `Credentials saved to ${join(project, 'creds', 'accounts', `${accountIdOf(SANDBOX_USER)}.json`)}.`,
    );
  });
});

describeWith(linux('the cache in XDG_CACHE_HOME or ~/.cache: macOS and Windows have their own'))(
  "Node's compile cache",
  () => {
    const nodeHasOne = 'enableCompileCache' in module;
    it(`${nodeHasOne ? 'is kept' : 'is not made (this Node has none)'} in the user's own cache folder`, async () => {
      const home = await mkdtemp(join(tmpdir(), 'drive-cli-home-'));
      const env = { ...baseEnvironment(), HOME: home };
      expect((await runCli(['--version'], env)).code).toBe(0);
      const cache = join(home, '.cache', 'drive-cli', 'compile-cache');
      if (nodeHasOne) {
        expect((await readdir(cache)).length).toBeGreaterThan(0);
        expect((await stat(join(home, '.cache', 'drive-cli'))).mode & 0o022).toBe(0);
      } else {
        await expect(stat(cache)).rejects.toMatchObject({ code: 'ENOENT' });
      }
      // Runs from the cache behave the same.
      const again = await runCli(['--version'], env);
      expect(again).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
    });

    /**
     * Node runs what it finds in the cache: a folder someone else could write is left alone (no
     * entry written there, none read), and drive-cli still runs, without the cache.
     */
    async function cacheIsLeftAlone(prepare: (cacheHome: string) => Promise<void>): Promise<void> {
      const home = await mkdtemp(join(tmpdir(), 'drive-cli-home-'));
      await chmod(home, 0o755);
      const cacheHome = join(home, 'shared-cache');
      const cache = join(cacheHome, 'drive-cli', 'compile-cache');
      await mkdir(cache, { recursive: true });
      await prepare(cacheHome);
      const env = { ...baseEnvironment(), HOME: home, XDG_CACHE_HOME: cacheHome };
      const result = await runCli(['--version'], env);
      expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
      expect(await readdir(cache)).toEqual([]);
    }

    it(`${nodeHasOne ? 'is not used' : 'is not made (this Node has none)'} in a cache folder that other users can write`, async () => {
      await cacheIsLeftAlone(async (cacheHome) => {
        await chmod(join(cacheHome, 'drive-cli'), 0o777);
      });
    });

    itWith(root)(
      `${nodeHasOne ? 'is not used' : 'is not made (this Node has none)'} in a cache folder another user made first`,
      async () => {
        await cacheIsLeftAlone(async (cacheHome) => {
          // "nobody" made the folders first, private to themselves: they could plant entries.
          for (const folder of [
            cacheHome,
            join(cacheHome, 'drive-cli'),
            join(cacheHome, 'drive-cli', 'compile-cache'),
          ]) {
            await chown(folder, 65534, 65534);
            await chmod(folder, 0o755);
          }
        });
      },
    );
  },
);

describe('a client_secret.json the server does not accept', () => {
  it('exits 3 and says to download the file again, printing no secret', async () => {
    const env = await sandboxEnv(sandbox);
    const path = join(env.DRIVE_CLI_CONFIG_DIR ?? '', '..', 'client_secret.json');
    const { installed } = sandbox.clientSecrets;
    await writeFile(
      path,
      JSON.stringify({ installed: { ...installed, client_secret: 'GOCSPX-deleted-client' } }),
    );
    const result = await runCli(['login', '--client-secrets', path], env);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /^drive-cli: The server refused exchanging the authorization code: invalid_client/m,
    );
    expect(result.stderr).toMatch(/download client_secret\.json again/);
    expectNoSecret(result.stderr, ['GOCSPX-deleted-client', sandbox.clientSecret]);
  });
});
