import type { ClientSecrets } from './client-secrets.js';
import type { Credentials } from './credentials.js';
import { InstalledOAuthError, invalidArgument } from './errors.js';

/**
 * The `authorized_user` JSON that google-auth-library's `fromJSON`, gcloud's Application
 * Default Credentials file and Python's `Credentials.from_authorized_user_info` read. The
 * first four fields are the standard ones; the rest cache the access token (those readers
 * ignore fields they do not know, and Python's reads `token`, `expiry` and `scopes`).
 */
export interface AuthorizedUserJson {
  type: 'authorized_user';
  client_id: string;
  client_secret: string;
  refresh_token: string;
  token_uri: string;
  token?: string;
  /** ISO 8601, UTC. */
  expiry?: string;
  scopes?: string[];
  token_type?: string;
  id_token?: string;
}

/** What an `authorized_user` file holds: the credentials and the client they belong to. */
export interface StoredCredentials {
  clientId: string;
  credentials: Credentials;
  tokenUri: string | undefined;
}

/**
 * Serialises credentials to the `authorized_user` form.
 *
 * @throws {TypeError} when the credentials have no refresh token: the format requires one
 *   (ask for `access_type=offline`).
 */
export function toAuthorizedUserJson(
  credentials: Credentials,
  clientSecrets: ClientSecrets,
): AuthorizedUserJson {
  if (!credentials?.refreshToken) {
    throw invalidArgument(
      'toAuthorizedUserJson(): the credentials have no refresh token; authorized_user files require one',
    );
  }
  const json: AuthorizedUserJson = {
    type: 'authorized_user',
    client_id: clientSecrets.clientId,
    client_secret: clientSecrets.clientSecret ?? '',
    refresh_token: credentials.refreshToken,
    token_uri: clientSecrets.tokenEndpoint,
    token: credentials.accessToken,
    scopes: [...credentials.scopes],
    token_type: credentials.tokenType,
  };
  if (credentials.expiresAt !== undefined)
    json.expiry = new Date(credentials.expiresAt).toISOString();
  if (credentials.idToken) json.id_token = credentials.idToken;
  return json;
}

function corrupt(source: string, why: string): InstalledOAuthError {
  return new InstalledOAuthError(
    'INVALID_CREDENTIALS_FILE',
    `${source} is not a usable credentials file: ${why}.`,
    {
      hint: `It was left as it is. Sign in again to replace it, or move it away if it belongs to another program.`,
    },
  );
}

/**
 * Reads an `authorized_user` JSON (text or object) back into credentials.
 *
 * @throws {InstalledOAuthError} `INVALID_CREDENTIALS_FILE` naming what is wrong.
 */
export function fromAuthorizedUserJson(
  input: string | object,
  options: { source?: string } = {},
): StoredCredentials {
  const source = options.source ?? 'the credentials file';
  let json: unknown = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input.replace(/^\uFEFF/, ''));
    } catch {
      throw corrupt(source, 'it is not valid JSON');
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw corrupt(source, 'it does not hold a JSON object');
  const data = json as Record<string, unknown>;
  if (data.type !== 'authorized_user') {
    throw corrupt(
      source,
      `its "type" is ${JSON.stringify(data.type ?? null)}, not "authorized_user"`,
    );
  }
  const problems: string[] = [];
  for (const field of ['client_id', 'refresh_token'] as const) {
    if (typeof data[field] !== 'string' || data[field] === '')
      problems.push(`"${field}" is missing`);
  }
  const optionalStrings = [
    'client_secret',
    'token_uri',
    'token',
    'expiry',
    'token_type',
    'id_token',
  ] as const;
  for (const field of optionalStrings) {
    if (data[field] !== undefined && typeof data[field] !== 'string')
      problems.push(`"${field}" must be a string`);
  }
  if (
    data.scopes !== undefined &&
    (!Array.isArray(data.scopes) || data.scopes.some((s) => typeof s !== 'string'))
  ) {
    problems.push('"scopes" must be an array of strings');
  }
  const expiresAt = typeof data.expiry === 'string' ? Date.parse(data.expiry) : undefined;
  if (expiresAt !== undefined && Number.isNaN(expiresAt)) problems.push('"expiry" is not a date');
  if (problems.length > 0) throw corrupt(source, problems.join(', '));
  const credentials: Credentials = Object.freeze({
    accessToken: (data.token as string | undefined) ?? '',
    refreshToken: data.refresh_token as string,
    expiresAt: data.token ? expiresAt : undefined,
    scopes: Object.freeze([...((data.scopes as string[] | undefined) ?? [])]),
    tokenType: (data.token_type as string | undefined) ?? 'Bearer',
    idToken: data.id_token as string | undefined,
  });
  return {
    clientId: data.client_id as string,
    credentials,
    tokenUri: data.token_uri as string | undefined,
  };
}
