#!/usr/bin/env node
// `pnpm demo` until drive-cli lands: start the sandbox, authorize with PKCE and state through
// the consent agent (standing in for the person at the browser), exchange the code, and list
// the five files most recently modified by the user, as Google's quickstart does.
import * as oidc from 'openid-client';
import { runConsentAgent } from '../consent-agent.js';
import { DRIVE_METADATA_READONLY } from '../index.js';
import { startSandbox } from '../sandbox.js';

const sandbox = await startSandbox();
try {
  const { installed } = sandbox.clientSecrets;
  process.stderr.write(`sandbox authorization server on ${sandbox.issuer}\n`);
  const config = new oidc.Configuration(
    {
      issuer: sandbox.issuer,
      authorization_endpoint: String(installed.auth_uri),
      token_endpoint: String(installed.token_uri),
    },
    String(installed.client_id),
    undefined,
    oidc.ClientSecretPost(String(installed.client_secret)),
  );
  oidc.allowInsecureRequests(config); // plain http, on loopback only
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: 'http://127.0.0.1:8765/',
    scope: DRIVE_METADATA_READONLY,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    access_type: 'offline',
    prompt: 'consent',
  });
  process.stderr.write(`Please visit this URL to authorize this application:\n${url.href}\n`);
  const { redirectUrl } = await runConsentAgent(url.href, { deliver: false });
  const tokens = await oidc.authorizationCodeGrant(config, new URL(redirectUrl), {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  process.stderr.write(
    `authorized: scope ${tokens.scope}, refresh token ${tokens.refresh_token ? 'received' : 'missing'}\n\nFiles:\n`,
  );
  const query = new URLSearchParams({
    pageSize: '5',
    orderBy: 'modifiedByMeTime desc',
    fields: 'files(id,name)',
  });
  const response = await fetch(`${sandbox.driveApiRoot}drive/v3/files?${query}`, {
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  const { files } = (await response.json()) as { files: { id: string; name: string }[] };
  for (const file of files) process.stdout.write(`${file.name} (${file.id})\n`);
} finally {
  await sandbox.close();
}
