import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exited, guardChild, useSandbox } from '@installed-oauth/test-support';
import { expect, it } from '@jest/globals';
import { DRIVE_SCOPE } from './helpers.js';

const sandbox = useSandbox();

it('lets the process exit by itself after the flow: no socket or timer left behind', async () => {
  const script = fileURLToPath(new URL('./fixtures/exit-promptly.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, JSON.stringify(sandbox.clientSecrets)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  // The guard kills a process that hangs, and the test then fails.
  guardChild(child);
  const { code, signal } = await exited(child);
  expect({ code, signal }).toEqual({ code: 0, signal: null });
  expect(stdout).toBe(DRIVE_SCOPE);
});
