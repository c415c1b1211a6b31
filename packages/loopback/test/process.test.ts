import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Sandbox, startSandbox } from '@installed-oauth/sandbox';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { DRIVE_SCOPE } from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

it('lets the process exit by itself after the flow: no socket or timer left behind', async () => {
  const script = fileURLToPath(new URL('./fixtures/exit-promptly.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, JSON.stringify(sandbox.clientSecrets)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  // A guard, not a speed assertion: a process that hangs is killed and the test fails.
  const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    if (child.exitCode !== null) resolve([child.exitCode, null]);
    child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });
  clearTimeout(guard);
  expect({ code, signal }).toEqual({ code: 0, signal: null });
  expect(stdout).toBe(DRIVE_SCOPE);
});
