// A company proxy that inspects HTTPS, for real: drive-cli goes through HTTPS_PROXY (a proxy on
// 127.0.0.1), which answers TLS for Google's hosts itself with a certificate signed by the
// company's own root, and forwards what it decrypts to the sandbox. Node does not trust that
// root unless told: NODE_EXTRA_CA_CERTS, or (Node 22.19 / 24.5 and later) the operating
// system's store, here given to OpenSSL through SSL_CERT_FILE.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  companyRootCertificate,
  forwardTo,
  itWith,
  refreshStatusAtServer,
  startInterceptingProxy,
  systemCertificateStore,
  useSandbox,
} from '@installed-oauth/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readStored, runCli, signedInEnv, writeStored } from './helpers.js';

const sandbox = useSandbox();

let proxy: Awaited<ReturnType<typeof startInterceptingProxy>>;
beforeAll(async () => {
  proxy = await startInterceptingProxy(forwardTo(sandbox.issuer));
});
afterAll(() => proxy?.close());

/**
 * An account signed in against the sandbox, then pointed at Google's endpoints and Drive's
 * default root, behind the inspecting proxy; the operating system's store holds nothing.
 */
async function behindInspectingProxy(extra: NodeJS.ProcessEnv = {}) {
  const env = await signedInEnv(sandbox);
  const client = JSON.parse(await readFile(sandbox.clientSecretsPath, 'utf8'));
  client.installed.auth_uri = 'https://accounts.google.com/o/oauth2/auth';
  client.installed.token_uri = 'https://oauth2.googleapis.com/token';
  const clientPath = join(dirname(env.DRIVE_CLI_CONFIG_DIR ?? ''), 'client_secret.json');
  await writeFile(clientPath, JSON.stringify(client), { mode: 0o600 });
  await writeStored(env, { ...(await readStored(env)), token_uri: client.installed.token_uri });
  const noCertificates = await mkdtemp(join(tmpdir(), 'drive-cli-no-certs-'));
  const { DRIVE_CLI_SANDBOX: _sandbox, DRIVE_CLI_API_ROOT: _root, ...googleEnv } = env;
  return {
    ...googleEnv,
    DRIVE_CLI_CLIENT_SECRETS: clientPath,
    HTTPS_PROXY: proxy.url,
    SSL_CERT_DIR: noCertificates,
    SSL_CERT_FILE: join(noCertificates, 'none.pem'),
    ...extra,
  };
}

describe('behind a company proxy that inspects HTTPS', () => {
  it("works once NODE_EXTRA_CA_CERTS names the company's root: the Drive call, and the revocation at sign-out", async () => {
    const env = await behindInspectingProxy({ NODE_EXTRA_CA_CERTS: companyRootCertificate });
    const { refresh_token: refreshToken } = await readStored(env);
    const listing = await runCli(['ls'], env);
    expect(listing).toMatchObject({ code: 0, stderr: '' });
    expect(listing.stdout.split('\n').length).toBeGreaterThan(2);
    // (A refresh cannot be shown this way: the sandbox's ID tokens name the sandbox as their
    // issuer, not Google, and core checks that.) Signing out revokes at Google's origin.
    expect((await runCli(['logout'], env)).code).toBe(0);
    expect(await refreshStatusAtServer(sandbox, refreshToken)).toBe(400);
    expect(new Set(proxy.seen)).toEqual(
      new Set(['www.googleapis.com:443', 'oauth2.googleapis.com:443']),
    );
  });

  it('says what is wrong and what to do without it: exit 6', async () => {
    const env = await behindInspectingProxy();
    const listing = await runCli(['ls'], env);
    expect(listing.code).toBe(6);
    expect(listing.stderr).toContain('a certificate in the chain is not trusted by Node');
    expect(listing.stderr).toContain('NODE_EXTRA_CA_CERTS');
    // doctor says the same of both endpoints, and which proxy it went through.
    const doctor = JSON.parse((await runCli(['doctor', '--json'], env)).stdout);
    // … naming whose root the presented certificate comes from, read through the proxy.
    const issuedBy = `The certificate presented was issued by "installed-oauth tests: a company's TLS-inspection root".`;
    expect(doctor.checks.slice(4, 6)).toEqual([
      expect.objectContaining({
        name: 'Token endpoint',
        status: 'fail',
        detail: expect.stringContaining(issuedBy),
      }),
      expect.objectContaining({
        name: 'Drive API',
        status: 'fail',
        detail: expect.stringContaining(issuedBy),
      }),
    ]);
  });

  itWith(systemCertificateStore)(
    "works with the company's root in the operating system's store alone (Node 22.19 / 24.5+)",
    async () => {
      const env = await behindInspectingProxy({ SSL_CERT_FILE: companyRootCertificate });
      expect((await runCli(['ls'], env)).code).toBe(0);
      const doctor = await runCli(['doctor'], env);
      expect(doctor.stdout).toMatch(
        new RegExp(
          `^✓ Token endpoint +https://oauth2\\.googleapis\\.com answers \\(HTTP \\d+\\), through the proxy ${proxy.url.replaceAll('.', '\\.')}, trusted through the operating system's certificates$`,
          'm',
        ),
      );
    },
  );

  it('reads the issuer through a proxy that wants a password, and never prints the password', async () => {
    const password = 'proxy-password-never-printed';
    const guarded = await startInterceptingProxy(forwardTo(sandbox.issuer), { password });
    try {
      const env = await behindInspectingProxy({
        HTTPS_PROXY: guarded.url.replace('http://', `http://ada:${password}@`),
      });
      const listing = await runCli(['ls'], env);
      expect(listing.code).toBe(6);
      const doctor = await runCli(['doctor'], env);
      expect(doctor.stdout).toContain(
        `The certificate presented was issued by "installed-oauth tests: a company's TLS-inspection root".`,
      );
      for (const output of [listing.stdout, listing.stderr, doctor.stdout, doctor.stderr])
        expect(output).not.toContain(password);
      expect(guarded.seen.length).toBeGreaterThan(0);
    } finally {
      await guarded.close();
    }
  });
});
