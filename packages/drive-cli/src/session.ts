import {
  authorize,
  type ClientSecrets,
  type Credentials,
  type FetchLike,
  getFreshCredentials,
  InstalledOAuthError,
  isExpired,
  type TokenStore,
} from '@installed-oauth/core';
import { createFileTokenStore, readClientSecretsFile } from '@installed-oauth/core/node';
import { CliError, ExitCode } from './exit-codes.js';
import type { Io } from './io.js';
import { tokenRequestFetch } from './network.js';
import { SCOPES, type Settings } from './settings.js';

export interface Session {
  settings: Settings;
  clientSecrets: ClientSecrets;
  store: TokenStore;
  io: Io;
  /** For token requests: through the proxy of HTTPS_PROXY / HTTP_PROXY when one is set. */
  fetch: FetchLike | undefined;
}

export async function openSession(settings: Settings, io: Io): Promise<Session> {
  const clientSecrets = await readClientSecretsFile(settings.clientSecretsPath, {
    allowInsecureTransport: settings.allowInsecureTransport,
  });
  const store = createFileTokenStore({ path: settings.credentialsPath, clientSecrets });
  return { settings, clientSecrets, store, io, fetch: await tokenRequestFetch(io.env) };
}

/** The stored credentials, or undefined when not signed in (or signed in with another client). */
export async function storedCredentials(session: Session): Promise<Credentials | undefined> {
  try {
    return await session.store.load();
  } catch (error) {
    if (error instanceof InstalledOAuthError && error.code === 'REAUTHENTICATION_REQUIRED')
      return undefined;
    throw error;
  }
}

/** Runs the browser sign-in and saves the result; Ctrl-C cancels it cleanly. */
export async function signIn(session: Session): Promise<Credentials> {
  const { settings, io } = session;
  const previous = await storedCredentials(session);
  // Loaded only for a sign-in: `ls` with stored credentials needs no receiver, prompt or spinner.
  const { chooseStrategy } = await import('./strategy.js');
  const chosen = chooseStrategy(settings, io);
  const controller = new AbortController();
  const onInterrupt = () => controller.abort(new DOMException('interrupted', 'AbortError'));
  process.once('SIGINT', onInterrupt);
  let credentials: Credentials;
  try {
    credentials = await authorize({
      clientSecrets: session.clientSecrets,
      scopes: SCOPES,
      strategy: chosen.strategy,
      signal: controller.signal,
      // Google sends a refresh token only with the consent screen: ask for it when none is held.
      hasRefreshToken: Boolean(previous?.refreshToken),
      fetch: session.fetch,
    });
  } finally {
    chosen.stop();
    process.off('SIGINT', onInterrupt);
  }
  if (!credentials.refreshToken && previous?.refreshToken) {
    credentials = keepRefreshToken(credentials, previous);
  }
  await session.store.save(credentials);
  return credentials;
}

/**
 * Google sends a refresh token only with the consent screen, which is skipped when the account
 * has authorized drive-cli before: the stored refresh token is kept then. But only for the same
 * account — the user may have picked another one in Google's account chooser.
 */
function keepRefreshToken(credentials: Credentials, previous: Credentials): Credentials {
  const now = claimsOf(credentials).sub;
  const before = claimsOf(previous).sub;
  if (now !== undefined && before !== undefined && now !== before) {
    throw new CliError(
      ExitCode.authorizationNotCompleted,
      `Signed in as ${accountOf(credentials) ?? 'another account'}, but Google sent no refresh token for it (it does only with the consent screen, skipped for an account that authorized drive-cli before), and the stored one belongs to ${accountOf(previous) ?? 'another account'}. Nothing was changed.`,
      'Run drive-cli logout, then drive-cli login: with nothing stored, the consent screen is shown.',
    );
  }
  return { ...credentials, refreshToken: previous.refreshToken };
}

/** Fresh credentials: stored ones (refreshed if expired), or a new sign-in when `signInIfNeeded`. */
export async function freshCredentials(
  session: Session,
  options: { signInIfNeeded: boolean; forceRefresh?: boolean },
) {
  const stored = await storedCredentials(session);
  if (!stored) {
    if (!options.signInIfNeeded) {
      throw new InstalledOAuthError('REAUTHENTICATION_REQUIRED', 'Not signed in.', {
        hint: 'Run drive-cli login.',
      });
    }
    return { credentials: await signIn(session), signedIn: true };
  }
  // Still valid: use what was just read rather than reading the file a second time.
  if (!options.forceRefresh && !isExpired(stored)) return { credentials: stored, signedIn: false };
  const credentials = await getFreshCredentials({
    store: session.store,
    clientSecrets: session.clientSecrets,
    forceRefresh: options.forceRefresh,
    fetch: session.fetch,
  });
  return { credentials, signedIn: false };
}

/**
 * The account claims of the ID token, if there is one. Read without checking the signature:
 * the token came straight from Google's token endpoint over TLS, and the claims only name and
 * tell apart accounts here; they authorize nothing.
 */
function claimsOf(credentials: Credentials): { sub?: string; email?: string } {
  const payload = credentials.idToken?.split('.')[1];
  if (!payload) return {};
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    return {
      sub: typeof claims.sub === 'string' ? claims.sub : undefined,
      email: typeof claims.email === 'string' ? claims.email : undefined,
    };
  } catch {
    return {};
  }
}

/** The account's e-mail address from the ID token, if there is one (display only). */
export function accountOf(credentials: Credentials): string | undefined {
  return claimsOf(credentials).email;
}
