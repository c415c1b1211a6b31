import { type AccountIdentity, accountOf } from '../account.js';
import {
  fromAuthorizedUserJson,
  type StoredCredentials,
  toAuthorizedUserJson,
} from '../authorized-user.js';
import type { ClientSecrets } from '../client-secrets.js';
import type { Credentials } from '../credentials.js';
import { InstalledOAuthError } from '../errors.js';

/**
 * The `type` of a credentials file whose refresh token lives in a secret store (the OS
 * keyring): the file keeps the rest, so that accounts can be listed and expiry checked
 * without asking the keyring.
 *
 * Only the refresh token goes to the secret store. It is the one long-lived secret, and it is
 * small (Google's are at most 512 characters), so the value fits every platform's store: the
 * Windows Credential Manager keeps at most 1,280 characters. The access token, dead within the
 * hour, stays in the file (written 0600, like every credentials file); the ID token is dropped
 * once the account's id and e-mail address are written down.
 */
export const METADATA_TYPE = 'installed_oauth_metadata';

/**
 * The secret store's value: `{ refresh_token }`. Values written before also held `token` and
 * `id_token`; they are still read, and the next save writes the new form.
 */
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
    id_token: _identityKeptBelow,
    client_secret: _inClientFile,
    ...rest
  } = toAuthorizedUserJson(credentials, clientSecrets);
  const account = accountOf(credentials);
  const secret: SecretPart = { refresh_token };
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

/** The account the metadata names, when it names one properly. */
function identityIn(value: unknown): AccountIdentity | undefined {
  const { id, email } = (value ?? {}) as Record<string, unknown>;
  if (typeof id !== 'string' || id === '') return undefined;
  return Object.freeze({ id, email: typeof email === 'string' ? email : undefined });
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
  const { type: _metadata, secret_store: _store, account, token, ...rest } = metadata;
  // Only the tokens come from the secret store: a value written there by someone else cannot
  // move the token endpoint or change the client the file names.
  const stored = fromAuthorizedUserJson(
    {
      ...rest,
      type: 'authorized_user',
      client_secret: clientSecrets.clientSecret ?? '',
      refresh_token: parts.refresh_token,
      token: token ?? parts.token,
      id_token: parts.id_token,
    },
    { source: `${source} (with its secrets in ${storeName})` },
  );
  const expected = identityIn(account);
  const fromIdToken = accountOf(stored.credentials);
  if (expected && fromIdToken && fromIdToken.id !== expected.id) {
    throw new InstalledOAuthError(
      'INVALID_CREDENTIALS_FILE',
      `${storeName} holds the tokens of another account for ${source}.`,
      { hint: 'Sign in again to replace them.', details: { path: source } },
    );
  }
  if (!expected || fromIdToken) return stored;
  return {
    ...stored,
    credentials: Object.freeze({ ...stored.credentials, account: expected }),
  };
}
