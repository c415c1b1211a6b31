import * as oidc from 'openid-client';
import { type ConsentAgentOptions, runConsentAgent, type Sandbox } from '../src/index.js';

export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive.metadata.readonly';

export function clientConfiguration(sandbox: Sandbox): oidc.Configuration {
  const config = new oidc.Configuration(
    {
      issuer: sandbox.issuer,
      authorization_endpoint: sandbox.authorizationEndpoint,
      token_endpoint: sandbox.tokenEndpoint,
      revocation_endpoint: sandbox.revocationEndpoint,
    },
    sandbox.clientId,
    sandbox.clientSecret,
    oidc.ClientSecretPost(sandbox.clientSecret),
  );
  // The sandbox speaks plain http on loopback.
  oidc.allowInsecureRequests(config);
  return config;
}

export interface AuthorizationAttempt {
  url: URL;
  verifier: string;
  state: string;
  redirectUri: string;
}

export async function authorizationRequest(
  config: oidc.Configuration,
  parameters: Record<string, string> = {},
): Promise<AuthorizationAttempt> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const redirectUri = 'http://127.0.0.1:45678/';
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: DRIVE_SCOPE,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    access_type: 'offline',
    // As a client without a stored refresh token must (Google sends one only with consent).
    prompt: 'consent',
    ...parameters,
  });
  return { url, verifier, state, redirectUri };
}

/** Authorizes through the consent agent and exchanges the code with openid-client. */
export async function authorize(
  sandbox: Sandbox,
  parameters: Record<string, string> = {},
  agent: ConsentAgentOptions = {},
): Promise<oidc.TokenEndpointResponse> {
  const config = clientConfiguration(sandbox);
  const attempt = await authorizationRequest(config, parameters);
  const { redirectUrl } = await runConsentAgent(attempt.url.href, { ...agent, deliver: false });
  return oidc.authorizationCodeGrant(config, new URL(redirectUrl), {
    pkceCodeVerifier: attempt.verifier,
    expectedState: attempt.state,
  });
}

// biome-ignore lint/suspicious/noExplicitAny: tests check the Drive JSON field by field.
type DriveJson = any;

export async function listFiles(
  sandbox: Sandbox,
  query: string,
  token?: string,
): Promise<{ status: number; body: DriveJson; headers: Headers }> {
  const response = await fetch(`${sandbox.driveApiRoot}drive/v3/files${query}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}
