// drive-cli under Windows semantics (see windows-files.test.mjs): its folder in %APPDATA%, an
// account kept in a file there, and the commands that need no network (Node's fetch does not
// work under Wine).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseClientSecrets } from '@installed-oauth/core';
import { createFileAccountStore } from '@installed-oauth/core/node';
import { accountCredentials, scratchFolder } from './windows-fixtures.mjs';

const run = promisify(execFile);
// The tests run from the folder the packed packages were installed into.
const installed = fileURLToPath(
  new URL('./node_modules/@installed-oauth/drive-cli/', import.meta.url),
);
const bin = join(installed, 'dist', 'bin', 'drive-cli.js');
const { version } = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
const configDir = join(process.env.APPDATA ?? '', 'drive-cli', 'Config');
const clientJson = {
  installed: {
    client_id: 'wine-cli.apps.googleusercontent.com',
    client_secret: 'GOCSPX-wine-cli',
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: 'https://oauth2.googleapis.com/token',
  },
};

let work;
const driveCli = (args) =>
  run(process.execPath, [bin, ...args], {
    cwd: work,
    env: { ...process.env, DRIVE_CLI_CLIENT_SECRETS: join(work, 'client_secret.json') },
  });

before(async () => {
  work = await scratchFolder('drive-cli');
  await writeFile(join(work, 'client_secret.json'), JSON.stringify(clientJson));
  const store = createFileAccountStore({
    directory: join(configDir, 'accounts'),
    clientSecrets: parseClientSecrets(clientJson),
  });
  await store.account('2002').save(accountCredentials('2002', 'grace@example.com'));
  await store.setActiveAccount('2002');
});
after(async () => {
  await rm(work, { recursive: true, force: true });
  await rm(configDir, { recursive: true, force: true });
});

describe('drive-cli on Windows', () => {
  it('prints its version', async () => {
    assert.equal((await driveCli(['--version'])).stdout, `${version}\n`);
  });

  it('finds its folder in %APPDATA%\\drive-cli\\Config, and the account kept there, offline', async () => {
    const { stdout } = await driveCli(['status', '--offline', '--json']);
    const report = JSON.parse(stdout);
    assert.equal(report.accounts.length, 1);
    assert.deepEqual(
      { email: report.accounts[0].email, storage: report.accounts[0].storage },
      { email: 'grace@example.com', storage: 'file' },
    );
    const text = (await driveCli(['status', '--offline'])).stdout;
    assert.ok(text.includes('grace@example.com'), text);
    assert.ok(text.includes(`${configDir}\\accounts\\2002.json`), text);
  });

  it('init saves a client given on standard input in %APPDATA%\\drive-cli\\Config, where status finds it', async () => {
    const elsewhere = await scratchFolder('init');
    const env = { ...process.env };
    delete env.DRIVE_CLI_CLIENT_SECRETS;
    const child = execFile(process.execPath, [bin, 'init', '--force'], { cwd: elsewhere, env });
    child.stdin.end('5678-init.apps.googleusercontent.com\nGOCSPX-wine-init\n');
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 0);
    const saved = join(configDir, 'client_secret.json');
    assert.equal(
      JSON.parse(await readFile(saved, 'utf8')).installed.client_id,
      '5678-init.apps.googleusercontent.com',
    );
    // No client file in that folder and none named: the saved one is used.
    const { stdout } = await run(process.execPath, [bin, 'status', '--offline', '--json'], {
      cwd: elsewhere,
      env,
    }).catch((error) => error);
    assert.equal(JSON.parse(stdout).clientId, '5678-init.apps.googleusercontent.com');
    await rm(elsewhere, { recursive: true, force: true });
  });
});
