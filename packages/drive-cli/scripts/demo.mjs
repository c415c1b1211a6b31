#!/usr/bin/env node
// `pnpm demo`: the whole installed-app flow, offline. Starts the sandbox (a Google-compatible
// authorization server and Drive emulator on 127.0.0.1), points drive-cli at it, and runs the
// real `drive-cli ls` twice: the first run signs in (the consent agent plays the person at
// the browser), the second reuses the stored credentials.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consentAgentPath as agent, startSandbox } from '@installed-oauth/sandbox';

const cli = fileURLToPath(new URL('../dist/bin/drive-cli.js', import.meta.url));

function run(args, env) {
  const bold = (text) => (process.stderr.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
  process.stderr.write(`\n${bold(`$ drive-cli ${args.join(' ')}`)}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`drive-cli ${args.join(' ')} exited with ${code}`)),
    );
  });
}

const sandbox = await startSandbox();
const configDir = await mkdtemp(join(tmpdir(), 'drive-cli-demo-'));
try {
  process.stderr.write(`Sandbox authorization server and Drive emulator on ${sandbox.issuer}\n`);
  process.stderr.write(`Credentials go to ${configDir} (removed at the end)\n`);
  const env = {
    ...process.env,
    DRIVE_CLI_CLIENT_SECRETS: sandbox.clientSecretsPath,
    DRIVE_CLI_CONFIG_DIR: configDir,
    DRIVE_CLI_API_ROOT: sandbox.driveApiRoot,
    DRIVE_CLI_SANDBOX: '1',
    BROWSER: `"${process.execPath}" "${agent}"`,
  };
  process.stderr.write('\nFirst run: no stored credentials, so drive-cli signs in first.');
  await run(['ls'], env);
  process.stderr.write('\nSecond run: the stored credentials are reused; no sign-in.');
  await run(['ls'], env);
  await run(['status'], env);
} finally {
  await sandbox.close();
  await rm(configDir, { recursive: true, force: true });
}
