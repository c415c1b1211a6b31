import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthorizationServer, ROUTES } from './authorization-server.js';
import { createDriveEmulator } from './drive-emulator.js';
import { type DriveFile, seedDriveFiles } from './drive-files.js';
import { createInteractionHandler, INTERACTION_PREFIX } from './interactions.js';
import { createRevocationHandler } from './revocation.js';

export interface SandboxOptions {
  /** TCP port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** Access-token lifetime in seconds (default 3600); make it short to force refreshes. */
  accessTokenTtl?: number;
  /** Refresh-token lifetime in seconds (default 30 days). */
  refreshTokenTtl?: number;
  /** When true, consent always ends in `access_denied`, whatever the user clicks. */
  denyConsent?: boolean;
  /** Folder for client_secret.json; default a new temporary folder removed on close(). */
  directory?: string;
  /** The files Drive lists; default a few dozen seeded files in a fixed order. */
  files?: DriveFile[];
  /** The signed-in user's e-mail address. */
  accountEmail?: string;
  /**
   * Serve HTTPS with this key and certificate (for 127.0.0.1) instead of plain http: the
   * issuer and every endpoint are then https, as Google's are, so a program that refuses plain
   * http (no `allowInsecureTransport`) can sign in. Its clients must trust the certificate
   * (NODE_EXTRA_CA_CERTS).
   */
  tls?: { key: string | Buffer; cert: string | Buffer } | undefined;
}

/** How many requests of each kind the sandbox answered; tests count exchanges and refreshes. */
export interface SandboxCounters {
  authorizationCodeGrants: number;
  refreshGrants: number;
  revocations: number;
  failedGrants: number;
  driveRequests: number;
  /** Token requests left unanswered while {@link Sandbox.holdTokenRequests} was on. */
  heldTokenRequests: number;
}

export interface Sandbox {
  /** The issuer, e.g. http://127.0.0.1:49152 (no trailing slash, as `iss` carries it). */
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint: string;
  /** Root URL for the Drive client (`rootUrl` of googleapis, `DRIVE_CLI_API_ROOT`). */
  readonly driveApiRoot: string;
  readonly clientId: string;
  /** For tests that must prove the secret never leaks; never print it. */
  readonly clientSecret: string;
  /** Path of the client_secret.json written in Google's format. */
  readonly clientSecretsPath: string;
  /** The same JSON as an object. */
  readonly clientSecrets: { installed: Record<string, unknown> };
  readonly accountEmail: string;
  readonly counters: SandboxCounters;
  /** Recent error events of the provider (its detailed reasons never reach clients). */
  readonly errors: readonly { event: string; error: string; description?: string }[];
  /** Switch consent denial on or off at run time. */
  denyConsent: boolean;
  /**
   * While true, requests to the token endpoint are read and never answered, as when Google
   * or a proxy on the way stalls: the client's own deadline must end them.
   */
  holdTokenRequests: boolean;
  /**
   * Moves the Drive emulator's clock forward: it then refuses the access tokens that would
   * have expired by that time, as after a real wait, so tests need not sleep. The
   * authorization server keeps real time.
   */
  advanceClock(seconds: number): void;
  /**
   * Ends one refresh token the way Google ends those of an app in "Testing" status after 7
   * days: `invalid_grant` from then on, while the consent is remembered, so that the next
   * sign-in without `prompt=consent` again gets no refresh token.
   */
  expireRefreshToken(token: string): Promise<void>;
  close(): Promise<void>;
}

const KNOWN_OPTIONS = new Set([
  'port',
  'accessTokenTtl',
  'refreshTokenTtl',
  'denyConsent',
  'directory',
  'files',
  'accountEmail',
  'tls',
]);

function validate(options: SandboxOptions): void {
  if (options === null || typeof options !== 'object')
    throw new TypeError('[sandbox] options must be an object');
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) {
      throw new TypeError(
        `[sandbox] unknown option "${name}"; known options: ${[...KNOWN_OPTIONS].join(', ')}`,
      );
    }
  }
  const { port, accessTokenTtl, refreshTokenTtl } = options;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new TypeError(`[sandbox] "port" must be an integer from 0 to 65535, got ${String(port)}`);
  }
  for (const [name, value] of [
    ['accessTokenTtl', accessTokenTtl],
    ['refreshTokenTtl', refreshTokenTtl],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new TypeError(
        `[sandbox] "${name}" must be a whole number of seconds ≥ 1, got ${String(value)}`,
      );
    }
  }
  if (options.files !== undefined && !Array.isArray(options.files))
    throw new TypeError('[sandbox] "files" must be an array');
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new Error(
            `[sandbox] cannot listen on 127.0.0.1:${port}: the port is already in use. Choose another port, or 0 for any free one.`,
            { cause: error },
          ),
        );
      } else {
        reject(
          new Error(`[sandbox] cannot listen on 127.0.0.1:${port}: ${error.message}`, {
            cause: error,
          }),
        );
      }
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Starts the sandbox: binds 127.0.0.1 first (the issuer must carry the real port), then
 * creates the authorization server, and writes client_secret.json pointing at it.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  validate(options);
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(503).end();
  };
  const serve = (req: IncomingMessage, res: ServerResponse) => handler(req, res);
  const server: Server = options.tls ? createHttpsServer(options.tls, serve) : createServer(serve);
  server.keepAliveTimeout = 1000;
  const port = await listen(server, options.port ?? 0);
  const issuer = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  const clientId = `${randomBytes(6).toString('hex')}-sandbox.apps.googleusercontent.com`;
  const clientSecret = `GOCSPX-${randomBytes(18).toString('base64url')}`;
  const accountEmail = options.accountEmail ?? 'sandbox.user@example.com';
  const offlineGrants = new Set<string>();
  /** Grants that were given offline access, and by whom to which client ("account client"). */
  const offlineConsents = new Map<string, string>();
  const provider = createAuthorizationServer({
    issuer,
    clientId,
    clientSecret,
    accessTokenTtl: options.accessTokenTtl ?? 3600,
    refreshTokenTtl: options.refreshTokenTtl ?? 30 * 24 * 3600,
    offlineGrants,
  });

  const counters: SandboxCounters = {
    authorizationCodeGrants: 0,
    refreshGrants: 0,
    revocations: 0,
    failedGrants: 0,
    driveRequests: 0,
    heldTokenRequests: 0,
  };
  const errors: { event: string; error: string; description?: string }[] = [];
  provider.on('grant.success', (ctx) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') counters.refreshGrants++;
    else counters.authorizationCodeGrants++;
  });
  provider.on('grant.error', () => {
    counters.failedGrants++;
  });
  /** Whose each grant is ("account client"): Google keeps one grant per account and client. */
  const grantOwners = new Map<string, string>();
  const revocation = createRevocationHandler({
    provider,
    clientId,
    clientSecret,
    grantsOf: (grantId) => {
      const owner = grantOwners.get(grantId);
      if (owner === undefined) return [grantId];
      return [...grantOwners].filter(([, who]) => who === owner).map(([id]) => id);
    },
    onRevoked: (grantIds) => {
      counters.revocations++;
      for (const id of grantIds) {
        grantOwners.delete(id);
        offlineConsents.delete(id); // revoking forgets the consent, as at Google
      }
    },
  });
  // oidc-provider keeps detailed error reasons to its events; keep the last few for tests.
  const events = provider as unknown as NodeJS.EventEmitter;
  for (const event of ['grant.error', 'authorization.error', 'revocation.error', 'server_error']) {
    events.on(
      event,
      (_ctx: unknown, error: { error?: string; message?: string; error_description?: string }) => {
        errors.push({
          event,
          error: error?.error ?? error?.message ?? 'unknown',
          description: error?.error_description,
        });
        if (errors.length > 50) errors.shift();
      },
    );
  }

  const state = { denyConsent: options.denyConsent ?? false, holdTokenRequests: false };
  const interactions = createInteractionHandler({
    provider,
    accountEmail,
    shouldDeny: () => state.denyConsent,
    onGrant: (grantId, { accountId, clientId }) => {
      grantOwners.set(grantId, `${accountId} ${clientId}`);
    },
    // Google sends a refresh token the first time an account gives a client offline access,
    // and again only when the request says prompt=consent.
    onOfflineGrant: (grantId, { accountId, clientId, promptedConsent }) => {
      const who = `${accountId} ${clientId}`;
      const consentedBefore = [...offlineConsents.values()].includes(who);
      if (consentedBefore && !promptedConsent) return;
      offlineConsents.set(grantId, who);
      offlineGrants.add(grantId);
    },
  });
  let clockOffsetSeconds = 0;
  const driveNow = () => Math.floor(Date.now() / 1000) + clockOffsetSeconds;
  const drive = createDriveEmulator(options.files ?? seedDriveFiles(), async (token) => {
    const accessToken = await provider.AccessToken.find(token);
    if (!accessToken || accessToken.isExpired) return undefined;
    if (typeof accessToken.exp === 'number' && accessToken.exp <= driveNow()) return undefined;
    return { scopes: accessToken.scopes };
  });
  const providerCallback = provider.callback();
  handler = (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const fail = (error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`sandbox error: ${error instanceof Error ? error.message : String(error)}`);
    };
    if (state.holdTokenRequests && path === ROUTES.token) {
      counters.heldTokenRequests++;
      req.resume(); // read, and never answered: the socket ends when the client gives up
    } else if (path.startsWith('/drive/')) {
      counters.driveRequests++;
      drive.handle(req, res).catch(fail);
    } else if (path === ROUTES.revocation) {
      revocation(req, res).catch(fail);
    } else if (path.startsWith(INTERACTION_PREFIX)) {
      interactions(req, res).catch(fail);
    } else {
      providerCallback(req, res);
    }
  };

  const temporary = options.directory === undefined;
  const directory =
    options.directory ?? (await mkdtemp(join(tmpdir(), 'installed-oauth-sandbox-')));
  const clientSecrets = {
    installed: {
      client_id: clientId,
      project_id: 'installed-oauth-sandbox',
      auth_uri: `${issuer}${ROUTES.authorization}`,
      token_uri: `${issuer}${ROUTES.token}`,
      auth_provider_x509_cert_url: `${issuer}${ROUTES.jwks}`,
      client_secret: clientSecret,
      redirect_uris: ['http://localhost'],
    },
  };
  const clientSecretsPath = join(directory, 'client_secret.json');
  await writeFile(clientSecretsPath, JSON.stringify(clientSecrets), { mode: 0o600 });

  let closed: Promise<void> | undefined;
  return {
    issuer,
    authorizationEndpoint: `${issuer}${ROUTES.authorization}`,
    tokenEndpoint: `${issuer}${ROUTES.token}`,
    revocationEndpoint: `${issuer}${ROUTES.revocation}`,
    driveApiRoot: `${issuer}/`,
    clientId,
    clientSecret,
    clientSecretsPath,
    clientSecrets,
    accountEmail,
    counters,
    errors,
    get denyConsent() {
      return state.denyConsent;
    },
    set denyConsent(value: boolean) {
      state.denyConsent = value;
    },
    get holdTokenRequests() {
      return state.holdTokenRequests;
    },
    set holdTokenRequests(value: boolean) {
      state.holdTokenRequests = value;
    },
    advanceClock(seconds: number) {
      if (!Number.isFinite(seconds) || seconds < 0)
        throw new TypeError('[sandbox] advanceClock() takes a number of seconds ≥ 0');
      clockOffsetSeconds += seconds;
    },
    async expireRefreshToken(token: string) {
      const found = await provider.RefreshToken.find(token);
      if (!found) throw new Error('[sandbox] expireRefreshToken(): no such refresh token');
      await found.destroy();
    },
    close() {
      closed ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        if (temporary) await rm(directory, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}
