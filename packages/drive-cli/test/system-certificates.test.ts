// A company proxy that inspects HTTPS presents certificates signed by the company's own root,
// which IT installs in the operating system's store and Node does not read. Where Node can
// (22.19 / 24.5 and later), drive-cli adds the system's certificates after a request is
// refused on an untrusted certificate, and tries once more. Here the "proxy" is an HTTPS server
// on 127.0.0.1 with a self-signed certificate, forwarding to the sandbox, and the "system
// store" is that certificate, given to OpenSSL through SSL_CERT_FILE (SSL_CERT_DIR empty).

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  forwardTo,
  itWith,
  startUntrustedHttpsServer,
  systemCertificateStore,
  useSandbox,
} from '@installed-oauth/test-support';
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { readStored, runCli, signedInEnv, writeStored } from './helpers.js';

const sandbox = useSandbox();

const certificate = fileURLToPath(
  new URL('../../test-support/fixtures/untrusted-cert.pem', import.meta.url),
);

/** The HTTPS "proxy": every request forwarded to the sandbox, answered as it answers. */
let proxy: Awaited<ReturnType<typeof startUntrustedHttpsServer>>;
beforeAll(async () => {
  proxy = await startUntrustedHttpsServer(forwardTo(sandbox.issuer));
});
afterAll(() => proxy?.close());

/** SSL_CERT_FILE naming the proxy's certificate (the company's root), or none at all. */
async function systemStoreEnv(trusted: boolean): Promise<NodeJS.ProcessEnv> {
  const emptyDir = await mkdtemp(join(tmpdir(), 'drive-cli-no-certs-'));
  return {
    SSL_CERT_DIR: emptyDir,
    SSL_CERT_FILE: trusted ? certificate : join(emptyDir, 'none.pem'),
  };
}

describe("a company proxy's certificate, installed in the system's store", () => {
  itWith(systemCertificateStore)(
    'is trusted for the Drive API after the first refusal',
    async () => {
      const env = await signedInEnv(sandbox);
      const driveOverProxy = { ...env, DRIVE_CLI_API_ROOT: `${proxy.origin}/` };
      const trusted = await runCli(['ls'], { ...driveOverProxy, ...(await systemStoreEnv(true)) });
      expect(trusted.stderr).toBe('');
      expect(trusted.code).toBe(0);
      expect(trusted.stdout.trimEnd().split('\n')).toHaveLength(5);
      // Not in the system's store: refused, and said as such.
      const refused = await runCli(['ls'], { ...driveOverProxy, ...(await systemStoreEnv(false)) });
      expect(refused.code).toBe(6);
      expect(refused.stderr).toContain('a certificate in the chain is not trusted by Node');
      // They were tried: the fix named is the company's certificate itself.
      expect(refused.stderr).toContain(
        "drive-cli already trusts the operating system's certificates here, and your company's root certificate is not among them: set NODE_EXTRA_CA_CERTS to it",
      );
      expect(refused.stderr).not.toContain('NODE_USE_SYSTEM_CA');
    },
  );

  itWith(systemCertificateStore)(
    'is trusted for token requests (a revocation) after the first refusal',
    async () => {
      // The client and the stored sign-in point at the token endpoint through the proxy;
      // `logout` revokes at its origin's /revoke.
      const client = JSON.parse(JSON.stringify(sandbox.clientSecrets));
      client.installed.auth_uri = `${proxy.origin}/o/oauth2/auth`;
      client.installed.token_uri = `${proxy.origin}/token`;
      const clientPath = join(await mkdtemp(join(tmpdir(), 'drive-cli-client-')), 'client.json');
      await writeFile(clientPath, JSON.stringify(client), { mode: 0o600 });
      const signedInOverProxy = async () => {
        const env = await signedInEnv(sandbox);
        await writeStored(env, {
          ...(await readStored(env)),
          token_uri: client.installed.token_uri,
        });
        return { ...env, DRIVE_CLI_CLIENT_SECRETS: clientPath };
      };
      const revocations = sandbox.counters.revocations;

      const refused = await runCli(['logout'], {
        ...(await signedInOverProxy()),
        ...(await systemStoreEnv(false)),
      });
      expect(refused.code).toBe(6);
      expect(refused.stderr).toContain('a certificate in the chain is not trusted by Node');
      expect(sandbox.counters.revocations).toBe(revocations);

      const trusted = await runCli(['logout'], {
        ...(await signedInOverProxy()),
        ...(await systemStoreEnv(true)),
      });
      expect(trusted.code).toBe(0);
      expect(trusted.stderr).toMatch(/^Signed out of sandbox\.user@example\.com: access revoked/);
      expect(sandbox.counters.revocations).toBe(revocations + 1);
    },
  );
});
