import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type ProviderInstance from 'oidc-provider';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { emailOf } from './accounts.js';
import { DRIVE_LIST_SCOPES } from './drive-emulator.js';
import Provider from './load-provider.js';
import { createMemoryAdapterFactory } from './memory-adapter.js';

/** Google's paths, so that URLs in the sandbox read like the real ones. */
export const ROUTES = {
  authorization: '/o/oauth2/auth',
  token: '/token',
  revocation: '/revoke',
  userinfo: '/v1/userinfo',
  jwks: '/oauth2/v3/certs',
} as const;

/** The resource server (RFC 8707) that Drive scopes are granted for: Google's API root. */
export const GOOGLE_APIS_RESOURCE = 'https://www.googleapis.com/';

export interface AuthorizationServerOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  /** Grants approved with access_type=offline; only these get a refresh token, as at Google. */
  offlineGrants: ReadonlySet<string>;
}

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'sandbox-1' };
}

function requestedScopes(ctx: KoaContextWithOIDC): string[] {
  return String(ctx.oidc.params?.scope ?? '').split(' ');
}

/**
 * An oidc-provider instance configured to behave like accounts.google.com for a "Desktop
 * app" client: loopback redirects on any port, client_secret_post, PKCE S256 required,
 * Drive scopes granted for real through resource indicators, refresh tokens for
 * access_type=offline, and refresh responses without a refresh_token.
 */
export function createAuthorizationServer(options: AuthorizationServerOptions): ProviderInstance {
  const loopbackRedirects = ['http://127.0.0.1', 'http://[::1]', 'http://localhost'].flatMap(
    (origin) => ['/', '/callback', '/oauth2callback'].map((path) => `${origin}${path}`),
  );
  const configuration: Configuration = {
    adapter: createMemoryAdapterFactory(),
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        // Native clients get RFC 8252 §7.3 loopback matching: any port, the rest compared exactly.
        application_type: 'native',
        redirect_uris: loopbackRedirects,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [signingKey()] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    routes: ROUTES,
    scopes: ['openid', 'email', 'profile', 'offline_access'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    extraParams: ['access_type', 'include_granted_scopes'],
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, email: emailOf(sub), email_verified: true, name: 'Sandbox User' }),
    }),
    features: {
      devInteractions: { enabled: false },
      // Revocation is the sandbox's own handler (revocation.ts): Google's differs from RFC 7009.
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Drive scopes without a resource parameter are for Google's APIs, as at Google.
        defaultResource: async (ctx, _client, oneOf) => {
          if (oneOf) return oneOf;
          return requestedScopes(ctx).some((scope) => DRIVE_LIST_SCOPES.includes(scope))
            ? GOOGLE_APIS_RESOURCE
            : undefined;
        },
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({
          scope: DRIVE_LIST_SCOPES.join(' '),
          audience: GOOGLE_APIS_RESOURCE,
          accessTokenTTL: options.accessTokenTtl,
          accessTokenFormat: 'opaque',
        }),
      },
    },
    ttl: {
      AccessToken: options.accessTokenTtl,
      AuthorizationCode: 600,
      IdToken: 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: options.refreshTokenTtl,
      RefreshToken: options.refreshTokenTtl,
    },
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && options.offlineGrants.has(code.grantId ?? ''),
    expiresWithSession: async () => false,
    rotateRefreshToken: () => false,
    // Google's error pages are not JSON; keep the provider's HTML but without its stack.
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>Error</title><h1>${out.error}</h1><p>${String(out.error_description ?? '').replace(/[&<>"']/g, '')}</p>`;
    },
  };
  const provider = new Provider(options.issuer, configuration);
  provider.proxy = false;

  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as Record<string, unknown> | undefined;
    if (ctx.oidc?.route !== 'token' || !body || typeof body.access_token !== 'string') return;
    // Google omits refresh_token from refresh responses; clients must keep the one they have.
    if (ctx.oidc.params?.grant_type === 'refresh_token') delete body.refresh_token;
    // Google lists every granted scope (openid and email too) in "scope"; oidc-provider lists
    // only the resource's scopes once the token is bound to Google's APIs.
    const source = ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken;
    if (source?.scope && typeof body.scope === 'string') {
      const scopes = new Set(
        [...body.scope.split(' '), ...source.scope.split(' ')].filter(Boolean),
      );
      scopes.delete('offline_access');
      body.scope = [...scopes].join(' ');
    }
  });
  return provider;
}
