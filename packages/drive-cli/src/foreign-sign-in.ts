import {
  defaultRevocationEndpoint,
  type InstalledOAuthError,
  revokeToken,
} from '@installed-oauth/core';
import { readSmallFile } from '@installed-oauth/core/node';
import { createKeyringSecretStore } from '@installed-oauth/keyring-store';
import { type Context, KEYRING_SERVICE } from './context.js';

/** What ending a sign-in made with another client did (see {@link endForeignSignIn}). */
export interface ForeignSignOut {
  /** The client the account signed in with. */
  clientId: string;
  revocation: 'revoked' | 'already-invalid' | 'failed' | 'not-attempted';
  error?: InstalledOAuthError | undefined;
}

/**
 * An account signed in with another OAuth client (an older client file) cannot be loaded with
 * this one, yet its grant is live and, kept in the keyring, its tokens sit under that client's
 * id. Before `logout` deletes the file, its refresh token is revoked on its own (Google's
 * revocation endpoint needs no client: the token names it) and that keyring entry is removed,
 * so nothing is left live or orphaned. Undefined for an account of this client, or one bound
 * to another token endpoint (its token is sent nowhere else).
 */
export async function endForeignSignIn(
  context: Context,
  id: string,
): Promise<ForeignSignOut | undefined> {
  const stored = await readStoredJson(context.store.pathOf(id));
  const clientId = stored?.client_id;
  if (typeof clientId !== 'string' || clientId === context.clientSecrets.clientId) return undefined;
  if (stored?.token_uri !== undefined && stored.token_uri !== context.clientSecrets.tokenEndpoint)
    return undefined;
  const inKeyring = stored?.type === 'installed_oauth_metadata';
  const secrets = inKeyring
    ? createKeyringSecretStore({ service: KEYRING_SERVICE, namespace: clientId })
    : undefined;
  const refreshToken = secrets
    ? refreshTokenIn(await secrets.get(id).catch(() => undefined))
    : typeof stored?.refresh_token === 'string'
      ? stored.refresh_token
      : undefined;
  let outcome: ForeignSignOut = { clientId, revocation: 'not-attempted' };
  if (refreshToken) {
    try {
      const { alreadyInvalid } = await revokeToken({
        token: refreshToken,
        revocationEndpoint: defaultRevocationEndpoint(context.clientSecrets),
        fetch: context.fetch,
      });
      outcome = { clientId, revocation: alreadyInvalid ? 'already-invalid' : 'revoked' };
    } catch (error) {
      outcome = { clientId, revocation: 'failed', error: error as InstalledOAuthError };
    }
  }
  await secrets?.delete(id).catch(() => {});
  return outcome;
}

async function readStoredJson(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse((await readSmallFile(path)) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

function refreshTokenIn(value: string | undefined): string | undefined {
  try {
    const token = (JSON.parse(value ?? '{}') as { refresh_token?: unknown }).refresh_token;
    return typeof token === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}
