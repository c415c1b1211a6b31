import { InstalledOAuthError, invalidArgument } from './errors.js';
import { isLoopbackHost } from './loopback-host.js';
import { quoted, sanitise } from './outside-text.js';

/** A parsed, validated `client_secret.json`, as downloaded from the Google Cloud console. */
export interface ClientSecrets {
  /** `installed` for "Desktop app" clients, `web` for "Web application" clients. */
  readonly type: 'installed' | 'web';
  readonly clientId: string;
  /**
   * Not confidential for installed apps (RFC 8252 §8.5), but never printed: the property is
   * not enumerable, so it stays out of `JSON.stringify` and `console.log`.
   */
  readonly clientSecret: string | undefined;
  readonly projectId: string | undefined;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  /**
   * The issuer, taken as the origin of `auth_uri` (for Google, `https://accounts.google.com`,
   * which is what Google puts in `iss`).
   */
  readonly issuer: string;
  readonly redirectUris: readonly string[];
  /**
   * For `web` clients only: the registered loopback redirect URI that every authorization
   * must use exactly (web clients get no port-agnostic loopback matching).
   */
  readonly requiredRedirectUri: string | undefined;
  /** True when an endpoint is plain http on loopback (allowed only with `allowInsecureTransport`). */
  readonly insecureTransport: boolean;
}

export interface ParseClientSecretsOptions {
  /**
   * Allow `http://` endpoints on loopback hosts (tests, the sandbox). The equivalent of the
   * Python library's `OAUTHLIB_INSECURE_TRANSPORT=1`. Never allows http to other hosts.
   */
  allowInsecureTransport?: boolean | undefined;
  /** How to name the input in messages, e.g. its path. Default "client_secret.json". */
  source?: string | undefined;
}

const DANGEROUS_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const LOCAL_HTTP_HINT =
  "Google's endpoints are https. For a local test server on a loopback address (the sandbox), pass the allowInsecureTransport option.";
const CREATE_DESKTOP_CLIENT =
  'Create an OAuth client ID of type "Desktop app" in the Google Cloud console (APIs & Services › Credentials) and download its JSON.';

/**
 * What is wrong with the JSON, and where, without quoting it: V8's message may quote the text
 * around the problem, and that text may be the client secret (or, for a file pointed at by
 * mistake, anything at all).
 */
function describeJsonError(text: string, error: unknown): string {
  const { message } = error as SyntaxError; // JSON.parse throws nothing else
  let kind = (message.split(/ in JSON|,\s*(?:\.\.\.)?"| is not valid JSON|: "/)[0] ?? '').replace(
    /"[^"]*"?/g,
    '…',
  );
  // What is left may still hold the one offending character (V8 quotes it): never raw.
  kind = sanitise(kind);
  const position = /position (\d+)/.exec(message);
  if (!position) return kind;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${kind} at line ${line}, column ${column}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Names what a JSON file is when it is a Google credential of another kind. */
function recogniseOtherCredential(json: Record<string, unknown>): string | undefined {
  switch (json.type) {
    case 'service_account':
      return `is a service-account key, not an OAuth client. Service accounts do not use the installed-app flow. ${CREATE_DESKTOP_CLIENT}`;
    case 'authorized_user':
      return `is a stored user credential ("authorized_user", as written by gcloud or this library), not an OAuth client. ${CREATE_DESKTOP_CLIENT}`;
    case 'external_account':
      return `is a workload identity federation configuration, not an OAuth client. ${CREATE_DESKTOP_CLIENT}`;
    default:
      return undefined;
  }
}

function checkEndpoint(
  problems: string[],
  field: string,
  value: unknown,
  allowInsecure: boolean,
  localHttp: Set<number>,
): string | undefined {
  if (value === undefined) {
    problems.push(`"${field}" is missing`);
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.push(`"${field}" must be a string, got ${typeName(value)}`);
    return undefined;
  }
  const url = URL.parse(value);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    problems.push(`"${field}" must be an https URL, got ${quoted(value)}`);
    return undefined;
  }
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) {
      problems.push(
        `"${field}" must be an https URL, got ${quoted(value)} (plain http is never allowed to a non-loopback host)`,
      );
      return undefined;
    }
    if (!allowInsecure) {
      problems.push(`"${field}" is plain http (${quoted(value)})`);
      localHttp.add(problems.length - 1);
      return undefined;
    }
  }
  if (url.hash || url.username || url.password) {
    problems.push(`"${field}" must not contain credentials or a fragment, got ${quoted(value)}`);
    return undefined;
  }
  return value;
}

function optionalString(problems: string[], field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    problems.push(`"${field}" must be a string, got ${typeName(value)}`);
    return undefined;
  }
  return value;
}

function invalid(source: string, problems: string[], hint?: string): InstalledOAuthError {
  const list = problems.map((problem) => `\n  - ${problem}`).join('');
  return new InstalledOAuthError(
    'INVALID_CLIENT_SECRETS',
    `${source} is not a valid OAuth client file:${list}`,
    {
      hint: hint ?? CREATE_DESKTOP_CLIENT,
      details: { problems },
    },
  );
}

/**
 * Parses and validates Google's `client_secret.json` (text or an already-parsed object).
 * Every problem is reported at once, each naming its field.
 *
 * @throws {InstalledOAuthError} `INVALID_CLIENT_SECRETS`, with `details.problems`.
 *
 * @example
 * ```ts
 * const secrets = parseClientSecrets(await readFile('client_secret.json', 'utf8'));
 * secrets.type; // "installed"
 * ```
 */
export function parseClientSecrets(
  input: string | object,
  options: ParseClientSecretsOptions = {},
): ClientSecrets {
  if (typeof input !== 'string' && (typeof input !== 'object' || input === null)) {
    throw invalidArgument(
      `parseClientSecrets() takes the file's text or a parsed object, got ${typeName(input)}`,
    );
  }
  const source = options.source ?? 'client_secret.json';
  const allowInsecure = options.allowInsecureTransport === true;
  let json: unknown = input;
  if (typeof input === 'string') {
    const text = input.replace(/^\uFEFF/, ''); // Windows editors add a BOM; JSON.parse rejects it.
    if (text.trim() === '') throw invalid(source, ['the file is empty']);
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw invalid(source, [`not valid JSON: ${describeJsonError(text, error)}`]);
    }
  }
  if (!isPlainObject(json))
    throw invalid(source, [`must contain a JSON object, got ${typeName(json)}`]);

  const other = recogniseOtherCredential(json);
  if (other) throw invalid(source, [`${other}`]);

  const problems: string[] = [];
  /** Which problems are loopback endpoints over plain http (their fix is an option). */
  const localHttp = new Set<number>();
  const keys = Object.keys(json);
  for (const key of keys) {
    if (DANGEROUS_KEYS.has(key)) problems.push(`unexpected key "${key}" at the top level`);
  }
  const hasInstalled = Object.hasOwn(json, 'installed');
  const hasWeb = Object.hasOwn(json, 'web');
  if (hasInstalled && hasWeb) {
    problems.push('has both "installed" and "web"; a client file holds exactly one client');
    throw invalid(source, problems);
  }
  if (!hasInstalled && !hasWeb) {
    const found = keys.length ? `found ${keys.map(quoted).join(', ')}` : 'the object is empty';
    problems.push(`expected a top-level "installed" (Desktop app) or "web" key; ${found}`);
    throw invalid(source, problems);
  }
  const type = hasInstalled ? 'installed' : 'web';
  const client = json[type];
  if (!isPlainObject(client)) {
    problems.push(`"${type}" must be an object, got ${typeName(client)}`);
    throw invalid(source, problems);
  }
  for (const key of Object.keys(client)) {
    if (DANGEROUS_KEYS.has(key)) problems.push(`unexpected key "${type}.${key}"`);
  }

  const clientId = client.client_id;
  if (clientId === undefined) problems.push(`"${type}.client_id" is missing`);
  else if (typeof clientId !== 'string' || clientId.trim() === '') {
    problems.push(`"${type}.client_id" must be a non-empty string, got ${typeName(clientId)}`);
  }
  const clientSecret = optionalString(problems, `${type}.client_secret`, client.client_secret);
  const projectId = optionalString(problems, `${type}.project_id`, client.project_id);
  optionalString(
    problems,
    `${type}.auth_provider_x509_cert_url`,
    client.auth_provider_x509_cert_url,
  );
  const authorizationEndpoint = checkEndpoint(
    problems,
    `${type}.auth_uri`,
    client.auth_uri,
    allowInsecure,
    localHttp,
  );
  const tokenEndpoint = checkEndpoint(
    problems,
    `${type}.token_uri`,
    client.token_uri,
    allowInsecure,
    localHttp,
  );

  let redirectUris: string[] = [];
  if (client.redirect_uris !== undefined) {
    if (
      !Array.isArray(client.redirect_uris) ||
      client.redirect_uris.some((uri) => typeof uri !== 'string')
    ) {
      problems.push(`"${type}.redirect_uris" must be an array of strings`);
    } else {
      redirectUris = client.redirect_uris as string[];
    }
  }
  let requiredRedirectUri: string | undefined;
  if (type === 'web' && problems.length === 0) {
    requiredRedirectUri = redirectUris.find((uri) => {
      const url = URL.parse(uri);
      return url !== null && url.protocol === 'http:' && isLoopbackHost(url.hostname);
    });
    if (!requiredRedirectUri) {
      problems.push(
        `"web.redirect_uris" has no loopback redirect URI (http://127.0.0.1:<port>/ or http://localhost:<port>/), so a web client cannot be used by an installed app`,
      );
    }
  }
  if (problems.length > 0) {
    // Only loopback endpoints over plain http: a local test server, not a wrong download.
    const onlyLocalHttp = localHttp.size === problems.length;
    throw invalid(source, problems, onlyLocalHttp ? LOCAL_HTTP_HINT : undefined);
  }

  const secrets = {
    type,
    clientId: clientId as string,
    clientSecret,
    projectId,
    authorizationEndpoint: authorizationEndpoint as string,
    tokenEndpoint: tokenEndpoint as string,
    issuer: new URL(authorizationEndpoint as string).origin,
    redirectUris: Object.freeze([...redirectUris]),
    requiredRedirectUri,
    insecureTransport: [authorizationEndpoint, tokenEndpoint].some((url) =>
      url?.startsWith('http:'),
    ),
  } satisfies ClientSecrets;
  Object.defineProperty(secrets, 'clientSecret', { enumerable: false });
  const frozen = Object.freeze(secrets);
  parsed.add(frozen);
  return frozen;
}

/** Google's endpoints for an installed app, as its downloaded client files name them. */
const GOOGLE_AUTH_URI = 'https://accounts.google.com/o/oauth2/auth';
const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/**
 * A Desktop app client given as values rather than a file: since 2025 the Google Cloud console
 * shows a new client's secret only once, and offers the JSON download only then. The values
 * are checked as a downloaded file's would be, with Google's endpoints.
 *
 * @throws {InstalledOAuthError} `INVALID_CLIENT_SECRETS`, naming each value that is wrong.
 *
 * @example
 * ```ts
 * const clientSecrets = clientSecretsFromValues({
 *   clientId: process.env.MY_APP_CLIENT_ID ?? '',
 *   clientSecret: process.env.MY_APP_CLIENT_SECRET ?? '',
 * });
 * ```
 */
export function clientSecretsFromValues(values: {
  clientId: string;
  clientSecret: string;
  /** Names the values in messages, e.g. "DRIVE_CLI_CLIENT_ID and DRIVE_CLI_CLIENT_SECRET". */
  source?: string | undefined;
}): ClientSecrets {
  if (typeof values !== 'object' || values === null)
    throw invalidArgument('clientSecretsFromValues() takes { clientId, clientSecret }');
  const source = values.source ?? 'the client ID and secret';
  const problems: string[] = [];
  const clientId = typeof values.clientId === 'string' ? values.clientId.trim() : '';
  const clientSecret = typeof values.clientSecret === 'string' ? values.clientSecret.trim() : '';
  if (clientId === '') problems.push('the client ID is missing');
  else if (!/^[\w.-]+\.apps\.googleusercontent\.com$/.test(clientId))
    problems.push('the client ID does not end in ".apps.googleusercontent.com"');
  if (clientSecret === '') problems.push('the client secret is missing');
  else if (/\s/.test(clientSecret)) problems.push('the client secret contains spaces');
  if (problems.length > 0) {
    throw new InstalledOAuthError(
      'INVALID_CLIENT_SECRETS',
      `${source} do not make a usable Desktop app client:${problems.map((problem) => `\n  - ${problem}`).join('')}`,
      {
        hint: 'Copy the client ID and secret again from the Google Cloud console (APIs & Services › Credentials), or create a new "Desktop app" client there.',
        details: { problems },
      },
    );
  }
  return parseClientSecrets(
    {
      installed: {
        client_id: clientId,
        client_secret: clientSecret,
        auth_uri: GOOGLE_AUTH_URI,
        token_uri: GOOGLE_TOKEN_URI,
      },
    },
    { source },
  );
}

/** Every ClientSecrets this module made: the only ones the other functions accept. */
const parsed = new WeakSet<object>();

/**
 * Checks that `value` came from {@link parseClientSecrets} (or `readClientSecretsFile`), so
 * its endpoints were validated; `caller` names the function in the TypeError otherwise.
 */
export function assertClientSecrets(
  value: unknown,
  caller: string,
): asserts value is ClientSecrets {
  if (typeof value !== 'object' || value === null || !parsed.has(value)) {
    throw invalidArgument(
      `${caller}: "clientSecrets" must come from parseClientSecrets() or readClientSecretsFile()`,
    );
  }
}
