import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { type SandboxOptions, startSandbox } from '../src/index.js';
import { authorizationRequest, clientConfiguration } from './helpers.js';

const run = promisify(execFile);
const agentBin = fileURLToPath(new URL('../dist/bin/consent-agent.js', import.meta.url));

describe('startSandbox options', () => {
  it('rejects an unknown option by name', async () => {
    await expect(startSandbox({ prot: 8080 } as unknown as SandboxOptions)).rejects.toThrow(
      /unknown option "prot"/,
    );
  });

  it('rejects options that are not an object, and files that are not a list', async () => {
    await expect(startSandbox(null as unknown as SandboxOptions)).rejects.toThrow(
      '[sandbox] options must be an object',
    );
    await expect(startSandbox({ files: {} as never })).rejects.toThrow(
      '[sandbox] "files" must be an array',
    );
  });

  it('rejects a bad port and a bad lifetime', async () => {
    await expect(startSandbox({ port: 70000 })).rejects.toThrow(/"port" must be an integer/);
    await expect(startSandbox({ accessTokenTtl: 0 })).rejects.toThrow(/"accessTokenTtl"/);
  });

  it('says which port is in use', async () => {
    const first = await startSandbox();
    const port = Number(new URL(first.issuer).port);
    try {
      await expect(startSandbox({ port })).rejects.toThrow(
        `127.0.0.1:${port}: the port is already in use`,
      );
    } finally {
      await first.close();
    }
  });

  it('removes its temporary folder on close', async () => {
    const sandbox = await startSandbox();
    expect(existsSync(sandbox.clientSecretsPath)).toBe(true);
    await sandbox.close();
    expect(existsSync(sandbox.clientSecretsPath)).toBe(false);
  });
});

describe('the consent agent executable (usable as BROWSER)', () => {
  it('walks sign-in and consent and requests the redirect URL', async () => {
    const sandbox = await startSandbox();
    try {
      const attempt = await authorizationRequest(clientConfiguration(sandbox));
      const { stdout, stderr } = await run(process.execPath, [
        agentBin,
        '--print-redirect',
        attempt.url.href,
      ]);
      const landed = new URL(stdout.trim());
      expect(landed.searchParams.get('state')).toBe(attempt.state);
      expect(landed.searchParams.get('code')).toEqual(expect.any(String));
      // Nothing listens on the redirect port: like a browser, the agent is not bothered.
      expect(stderr).toBe('');

      const denied = await run(process.execPath, [
        agentBin,
        '--deny',
        '--print-redirect',
        attempt.url.href,
      ]);
      expect(new URL(denied.stdout.trim()).searchParams.get('error')).toBe('access_denied');
    } finally {
      await sandbox.close();
    }
  });

  it('prints nothing secret unless asked, and exits 2 without a URL', async () => {
    await expect(run(process.execPath, [agentBin])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/usage/),
    });
  });
});
