// `drive-cli init`: a Desktop app client given as its ID and secret (Google shows a new
// client's secret once, and offers the JSON download only then), saved 0600 in the config
// folder, where later commands find it. The secret is never shown, never taken from the
// command line.
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  baseEnvironment,
  closedPort,
  fillDisk,
  itWith,
  pseudoTerminal,
  root,
  withSmallDisk,
} from '@installed-oauth/test-support';
import { describe, expect, it } from '@jest/globals';
import { runCli, startCli } from './helpers.js';

const CLIENT_ID = '1234-init.apps.googleusercontent.com';
const SECRET = 'GOCSPX-init-secret-never-shown';

/** A fresh config folder and working folder, and nothing else of a user's. */
async function freshEnv(): Promise<{ env: NodeJS.ProcessEnv; cwd: string; saved: string }> {
  const folder = await mkdtemp(join(tmpdir(), 'drive-cli-init-'));
  const configDir = join(folder, 'config');
  const env = {
    ...baseEnvironment(),
    HOME: folder,
    XDG_CACHE_HOME: join(folder, 'cache'),
    DRIVE_CLI_CONFIG_DIR: configDir,
  };
  return { env, cwd: folder, saved: join(configDir, 'client_secret.json') };
}

async function savedClient(path: string) {
  return { mode: (await stat(path)).mode & 0o777, json: JSON.parse(await readFile(path, 'utf8')) };
}

describe('drive-cli init', () => {
  itWith(pseudoTerminal)(
    'asks on a terminal, never shows the secret, and saves the client 0600',
    async () => {
      const { env, cwd, saved } = await freshEnv();
      const cli = startCli(['init'], env, { terminal: true, stdin: 'pipe', cwd });
      await cli.waitForStderr(/Client ID: /);
      cli.child.stdin?.write(`${CLIENT_ID}\r`);
      await cli.waitForStderr(/Client secret \(not shown\): /);
      cli.child.stdin?.write(`${SECRET}\r`);
      const done = await cli.done;
      cli.child.stdin?.end();
      expect(done.code).toBe(0);
      expect(done.stdout).toContain(CLIENT_ID); // echoed as typed
      expect(done.stdout).not.toContain(SECRET);
      expect(done.stdout).toContain(`Saved the client ${CLIENT_ID} in ${saved} (mode 0600).`);
      expect(await savedClient(saved)).toEqual({
        mode: 0o600,
        json: {
          installed: {
            client_id: CLIENT_ID,
            client_secret: SECRET,
            auth_uri: 'https://accounts.google.com/o/oauth2/auth',
            token_uri: 'https://oauth2.googleapis.com/token',
            redirect_uris: ['http://localhost'],
          },
        },
      });
    },
  );

  it('reads the two lines from standard input when it is not a terminal, and says nothing of the secret', async () => {
    const { env, cwd, saved } = await freshEnv();
    const cli = startCli(['init'], env, { stdin: 'pipe', cwd });
    cli.child.stdin?.end(`${CLIENT_ID}\n${SECRET}\n`);
    const done = await cli.done;
    expect(done.code).toBe(0);
    expect(`${done.stdout}${done.stderr}`).not.toContain(SECRET);
    expect((await savedClient(saved)).json.installed.client_secret).toBe(SECRET);
  });

  it('is what later commands use when no client file is named or here; one here wins', async () => {
    const { env, cwd, saved } = await freshEnv();
    const cli = startCli(['init'], env, { stdin: 'pipe', cwd });
    cli.child.stdin?.end(`${CLIENT_ID}\n${SECRET}\n`);
    expect((await cli.done).code).toBe(0);
    // doctor names the client it read; its requests go to a proxy on 127.0.0.1 that is closed.
    const offline = { ...env, HTTPS_PROXY: `http://127.0.0.1:${await closedPort()}` };
    const clientLine = async () =>
      JSON.parse((await runCli(['doctor', '--json'], offline, { cwd })).stdout).checks[2];
    expect(await clientLine()).toMatchObject({
      status: 'pass',
      detail: expect.stringContaining(`${saved}: ${CLIENT_ID}`),
    });
    const here = join(cwd, 'client_secret.json');
    const other = JSON.parse(await readFile(saved, 'utf8'));
    other.installed.client_id = '5678-here.apps.googleusercontent.com';
    await writeFile(here, JSON.stringify(other));
    expect(await clientLine()).toMatchObject({
      detail: expect.stringContaining(`${here}: 5678-here`),
    });
    // A saved client that is broken says so itself, once nothing here hides it.
    await rm(here);
    await writeFile(saved, '{ not json');
    expect(await clientLine()).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(`${saved} is not a valid OAuth client file`),
    });
  });

  it('refuses values that make no Desktop app client, saving nothing (exit 3)', async () => {
    const { env, cwd, saved } = await freshEnv();
    const cli = startCli(['init'], env, { stdin: 'pipe', cwd });
    cli.child.stdin?.end('1234-no-suffix\n\n');
    const done = await cli.done;
    expect(done.code).toBe(3);
    expect(done.stderr).toContain('the client ID does not end in ".apps.googleusercontent.com"');
    expect(done.stderr).toContain('the client secret is missing');
    await expect(stat(saved)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('says how to give the values when there is no terminal and nothing on standard input (exit 2)', async () => {
    const { env, cwd } = await freshEnv();
    const done = await runCli(['init'], env, { cwd });
    expect(done.code).toBe(2);
    expect(done.stderr).toBe(
      'drive-cli: drive-cli init needs the client ID and secret, and there is no terminal to ask on.\n' +
        '  Run it in a terminal, or give both on standard input, one per line (never on the command line, where other users can see them).\n',
    );
  });

  it('keeps a client saved before unless --force (exit 2)', async () => {
    const { env, cwd, saved } = await freshEnv();
    const first = startCli(['init'], env, { stdin: 'pipe', cwd });
    first.child.stdin?.end(`${CLIENT_ID}\n${SECRET}\n`);
    expect((await first.done).code).toBe(0);
    const again = await runCli(['init'], env, { cwd });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`A client is saved already: ${saved}.`);
    const forced = startCli(['init', '--force'], env, { stdin: 'pipe', cwd });
    forced.child.stdin?.end(`9999-new.apps.googleusercontent.com\nGOCSPX-new\n`);
    expect((await forced.done).code).toBe(0);
    expect((await savedClient(saved)).json.installed.client_id).toBe(
      '9999-new.apps.googleusercontent.com',
    );
  });

  itWith(pseudoTerminal)('stops at Ctrl-C on the prompt, saving nothing (exit 130)', async () => {
    const { env, cwd, saved } = await freshEnv();
    const cli = startCli(['init'], env, { terminal: true, stdin: 'pipe', cwd });
    await cli.waitForStderr(/Client ID: /);
    cli.child.stdin?.write(`${CLIENT_ID}\r`);
    await cli.waitForStderr(/Client secret \(not shown\): /);
    cli.child.stdin?.write('GOCSPX-half-typed\x03');
    const done = await cli.done;
    cli.child.stdin?.end();
    expect(done.code).toBe(130);
    expect(done.stdout).toContain('drive-cli init was cancelled; nothing was saved.');
    expect(done.stdout).not.toContain('GOCSPX-half-typed');
    await expect(stat(saved)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  itWith(root)(
    'on a full disk: exit 7, says nothing was saved, leaves no file behind',
    async () => {
      await withSmallDisk(async (disk) => {
        const { env, cwd } = await freshEnv();
        const configDir = join(disk, 'config');
        await mkdir(configDir, { mode: 0o700 });
        await fillDisk(disk);
        const cli = startCli(
          ['init'],
          { ...env, DRIVE_CLI_CONFIG_DIR: configDir },
          { stdin: 'pipe', cwd },
        );
        cli.child.stdin?.end(`${CLIENT_ID}\n${SECRET}\n`);
        const done = await cli.done;
        expect(done.code).toBe(7);
        expect(done.stderr).toMatch(
          /^drive-cli: Cannot write .*client_secret\.json: no space left on the device\. Nothing was saved\.$/m,
        );
        expect(done.stderr).not.toContain(SECRET);
        expect(await readdir(configDir)).toEqual([]);
      });
    },
  );
});
