import { accountOf } from '../account.js';
import {
  fromAuthorizedUserJson,
  type StoredCredentials,
  toAuthorizedUserJson,
} from '../authorized-user.js';
import type { ClientSecrets } from '../client-secrets.js';
import type { Credentials } from '../credentials.js';
import { InstalledOAuthError } from '../errors.js';

/**
 * The `type` of a credentials file whose secrets live in a secret store (the OS keyring):
 * the file keeps only what is not secret, so that accounts can be listed and expiry checked
 * without asking the keyring.
 */
export const METADATA_TYPE = 'installed_oauth_metadata';

/** The secret part, kept in the secret store as JSON. */
interface SecretPart {
  refresh_token: string;
  token?: string | undefined;
  id_token?: string | undefined;
}

/** Splits credentials into the file's metadata and the secret store's value. */
export function splitCredentials(
  credentials: Credentials,
  clientSecrets: ClientSecrets,
  storeName: string,
): { metadata: object; secret: string } {
  const {
    refresh_token,
    token,
    id_token,
    client_secret: _inClientFile,
    ...rest
  } = toAuthorizedUserJson(credentials, clientSecrets);
  const account = accountOf(credentials);
  const secret: SecretPart = { refresh_token, token, id_token };
  return {
    metadata: {
      ...rest,
      type: METADATA_TYPE,
      secret_store: storeName,
      ...(account ? { account: { id: account.id, email: account.email } } : {}),
    },
    secret: JSON.stringify(secret),
  };
}

/** The metadata file and the secret store's value, joined and checked as one credentials file. */
export function joinCredentials(
  metadata: Record<string, unknown>,
  secret: string | undefined,
  clientSecrets: ClientSecrets,
  source: string,
): StoredCredentials {
  const storeName = String(metadata.secret_store ?? 'the secret store');
  if (secret === undefined) {
    throw new InstalledOAuthError(
      'REAUTHENTICATION_REQUIRED',
      `${storeName} holds no secrets for ${source}: they were removed there.`,
      {
        hint: 'Sign in again.',
        details: { reason: 'secrets-missing', path: source },
      },
    );
  }
  let parts: Partial<SecretPart>;
  try {
    parts = JSON.parse(secret) as Partial<SecretPart>;
  } catch {
    parts = {};
  }
  const { type: _metadata, secret_store: _store, account, ...rest } = metadata;
  // Only the three tokens come from the secret store: a value written there by someone else
  // cannot move the token endpoint or change the client the file names.
  const stored = fromAuthorizedUserJson(
    {
      ...rest,
      type: 'authorized_user',
      client_secret: clientSecrets.clientSecret ?? '',
      refresh_token: parts.refresh_token,
      token: parts.token,
      id_token: parts.id_token,
    },
    { source: `${source} (with its secrets in ${storeName})` },
  );
  const expected = (account as { id?: unknown } | undefined)?.id;
  const actual = accountOf(stored.credentials)?.id;
  if (typeof expected === 'string' && actual !== undefined && actual !== expected) {
    throw new InstalledOAuthError(
      'INVALID_CREDENTIALS_FILE',
      `${storeName} holds the tokens of another account for ${source}.`,
      { hint: 'Sign in again to replace them.', details: { path: source } },
    );
  }
  return stored;
}
