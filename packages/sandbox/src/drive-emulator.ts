import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DriveFile } from './drive-files.js';

/** Scopes that allow files.list, as in Google's Drive v3 discovery document. */
export const DRIVE_LIST_SCOPES = [
  'https://www.googleapis.com/auth/drive',
  'https://www.googleapis.com/auth/drive.file',
  'https://www.googleapis.com/auth/drive.readonly',
  'https://www.googleapis.com/auth/drive.metadata',
  'https://www.googleapis.com/auth/drive.metadata.readonly',
  'https://www.googleapis.com/auth/drive.photos.readonly',
  'https://www.googleapis.com/auth/drive.appdata',
];

export const FILES_LIST_PATH = '/drive/v3/files';

/** What the emulator needs to know about a bearer token; undefined when it is not valid. */
export type AccessTokenLookup = (
  token: string,
) => Promise<{ scopes: ReadonlySet<string> } | undefined>;

export interface DriveEmulator {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

class DriveApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly body: object,
    readonly headers: Record<string, string> = {},
  ) {
    super(`Drive API error ${httpStatus}`);
  }
}

/** Google's JSON error shape for a bad query parameter. */
function invalidParameter(location: string, message = 'Invalid Value'): DriveApiError {
  return new DriveApiError(400, {
    error: {
      code: 400,
      message,
      errors: [
        { message, domain: 'global', reason: 'invalid', location, locationType: 'parameter' },
      ],
      status: 'INVALID_ARGUMENT',
    },
  });
}

function unauthenticated(): DriveApiError {
  const message =
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
  return new DriveApiError(
    401,
    {
      error: {
        code: 401,
        message,
        errors: [
          {
            message: 'Invalid Credentials',
            domain: 'global',
            reason: 'authError',
            location: 'Authorization',
            locationType: 'header',
          },
        ],
        status: 'UNAUTHENTICATED',
      },
    },
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  );
}

function insufficientScope(): DriveApiError {
  return new DriveApiError(403, {
    error: {
      code: 403,
      message: 'Request had insufficient authentication scopes.',
      errors: [
        {
          message: 'Insufficient Permission',
          domain: 'global',
          reason: 'insufficientPermissions',
        },
      ],
      status: 'PERMISSION_DENIED',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
          domain: 'googleapis.com',
          metadata: {
            service: 'drive.googleapis.com',
            method: 'google.apps.drive.v3.DriveFiles.List',
          },
        },
      ],
    },
  });
}

function notFound(): DriveApiError {
  return new DriveApiError(404, {
    error: {
      code: 404,
      message: 'Not Found',
      errors: [{ message: 'Not Found', domain: 'global', reason: 'notFound' }],
      status: 'NOT_FOUND',
    },
  });
}

const ORDER_KEYS = new Set([
  'modifiedByMeTime',
  'modifiedTime',
  'name',
  'createdTime',
  'folder',
  'starred',
]);

type Comparator = (a: DriveFile, b: DriveFile) => number;

function sortValue(file: DriveFile, key: string): string | number | undefined {
  if (key === 'folder') return file.mimeType === 'application/vnd.google-apps.folder' ? 0 : 1;
  if (key === 'starred') return file.starred ? 0 : 1;
  return file[key as 'name' | 'modifiedTime' | 'modifiedByMeTime' | 'createdTime'];
}

/** Parses Drive's orderBy ("modifiedByMeTime desc,name") into one comparator. */
export function parseOrderBy(orderBy: string): Comparator {
  const keys = orderBy.split(',').map((part) => {
    const [key, direction, ...rest] = part.trim().split(/\s+/);
    const validDirection = direction === undefined || direction === 'asc' || direction === 'desc';
    if (!key || !ORDER_KEYS.has(key) || rest.length > 0 || !validDirection) {
      throw invalidParameter('orderBy', `Invalid field selection ${part.trim()}`);
    }
    return { key, descending: direction === 'desc' };
  });
  return (a, b) => {
    for (const { key, descending } of keys) {
      const left = sortValue(a, key);
      const right = sortValue(b, key);
      if (left === right) continue;
      // Files without the value (never modified by me) come last in either direction.
      if (left === undefined) return 1;
      if (right === undefined) return -1;
      const result =
        typeof left === 'string' && key === 'name'
          ? left.localeCompare(String(right), 'en')
          : left < right
            ? -1
            : 1;
      if (result !== 0) return descending ? -result : result;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/** The subset of Drive's query language the emulator understands: clauses joined by "and". */
export function parseQuery(q: string): (file: DriveFile) => boolean {
  const clauses = q.split(/\s+and\s+/i).map((clause) => clause.trim());
  const tests = clauses.map((clause) => {
    let match = /^trashed\s*(=|!=)\s*(true|false)$/.exec(clause);
    if (match) {
      const wanted = match[2] === 'true';
      const equal = match[1] === '=';
      return (file: DriveFile) => (file.trashed === wanted) === equal;
    }
    match = /^mimeType\s*(=|!=)\s*'([^']*)'$/.exec(clause);
    if (match) {
      const [, operator, type] = match;
      return (file: DriveFile) => (file.mimeType === type) === (operator === '=');
    }
    match = /^name\s+contains\s+'([^']*)'$/.exec(clause);
    if (match) {
      const needle = (match[1] ?? '').toLowerCase();
      return (file: DriveFile) => file.name.toLowerCase().includes(needle);
    }
    throw invalidParameter('q', 'Invalid Value');
  });
  return (file) => tests.every((test) => test(file));
}

type FieldMask = Map<string, FieldMask | true>;

/** Parses a partial-response field mask: "nextPageToken, files(id, name)" or "*". */
export function parseFields(fields: string): FieldMask {
  let position = 0;
  const fail = (): never => {
    throw invalidParameter('fields', `Invalid field selection ${fields}`);
  };
  const parseList = (nested: boolean): FieldMask => {
    const mask: FieldMask = new Map();
    for (;;) {
      while (fields[position] === ' ') position++;
      const start = position;
      while (position < fields.length && /[A-Za-z0-9_*]/.test(fields[position] ?? '')) position++;
      const name = fields.slice(start, position);
      if (!name) fail();
      while (fields[position] === ' ') position++;
      if (fields[position] === '(') {
        position++;
        mask.set(name, parseList(true));
        if (fields[position] !== ')') fail();
        position++;
      } else {
        mask.set(name, true);
      }
      while (fields[position] === ' ') position++;
      if (fields[position] === ',') {
        position++;
        continue;
      }
      if (nested ? fields[position] === ')' : position === fields.length) return mask;
      fail();
    }
  };
  return parseList(false);
}

function applyMask(value: unknown, mask: FieldMask | true): unknown {
  if (mask === true || mask.has('*')) return value;
  if (Array.isArray(value)) return value.map((item) => applyMask(item, mask));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [name, sub] of mask) {
    if (Object.hasOwn(value, name))
      out[name] = applyMask((value as Record<string, unknown>)[name], sub);
  }
  return out;
}

const DEFAULT_FILE_FIELDS: (keyof DriveFile)[] = ['kind', 'id', 'name', 'mimeType'];

function encodePageToken(offset: number, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ o: offset, f: fingerprint })).toString('base64url');
}

function decodePageToken(token: string, fingerprint: string): number {
  try {
    const { o, f } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Number.isInteger(o) && o > 0 && f === fingerprint) return o;
  } catch {}
  throw invalidParameter('pageToken');
}

function listFiles(files: readonly DriveFile[], params: URLSearchParams): object {
  for (const name of new Set(params.keys())) {
    if (params.getAll(name).length > 1) throw invalidParameter(name, `Duplicate parameter ${name}`);
  }
  const pageSizeText = params.get('pageSize') ?? '100';
  const pageSize = Number(pageSizeText);
  if (!/^\d+$/.test(pageSizeText) || pageSize < 1 || pageSize > 1000)
    throw invalidParameter('pageSize');
  const orderBy = params.get('orderBy');
  const q = params.get('q');
  const fields = params.get('fields');
  const mask = fields ? parseFields(fields) : undefined;
  const matches = files.filter(q ? parseQuery(q) : () => true);
  if (orderBy) matches.sort(parseOrderBy(orderBy));
  // A page token is only valid for the query that produced it, as in Drive.
  const fingerprint = JSON.stringify([orderBy, q, pageSize]);
  const pageToken = params.get('pageToken');
  const offset = pageToken ? decodePageToken(pageToken, fingerprint) : 0;
  const page = matches.slice(offset, offset + pageSize);
  const response: Record<string, unknown> = { kind: 'drive#fileList', incompleteSearch: false };
  if (offset + pageSize < matches.length)
    response.nextPageToken = encodePageToken(offset + pageSize, fingerprint);
  if (mask) {
    response.files = page;
    return applyMask(response, mask) as object;
  }
  response.files = page.map((file) =>
    applyMask(file, new Map(DEFAULT_FILE_FIELDS.map((f) => [f, true]))),
  );
  return response;
}

function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+([^\s]+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** A Drive v3 files.list endpoint backed by in-memory files and the sandbox's token store. */
export function createDriveEmulator(
  files: readonly DriveFile[],
  lookup: AccessTokenLookup,
): DriveEmulator {
  async function answer(req: IncomingMessage): Promise<object> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    if (url.pathname !== FILES_LIST_PATH) throw notFound();
    if (req.method !== 'GET') throw notFound();
    const token = bearerToken(req) ?? url.searchParams.get('access_token') ?? undefined;
    const grant = token ? await lookup(token) : undefined;
    if (!grant) throw unauthenticated();
    if (!DRIVE_LIST_SCOPES.some((scope) => grant.scopes.has(scope))) throw insufficientScope();
    url.searchParams.delete('access_token');
    url.searchParams.delete('alt'); // googleapis adds alt=json on some versions; json is the only format here
    url.searchParams.delete('prettyPrint');
    return listFiles(files, url.searchParams);
  }
  return {
    async handle(req, res) {
      let status = 200;
      let body: object;
      let headers: Record<string, string> = {};
      try {
        body = await answer(req);
      } catch (error) {
        if (!(error instanceof DriveApiError)) throw error;
        status = error.httpStatus;
        body = error.body;
        headers = error.headers;
      }
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
      res.end(JSON.stringify(body, null, 2));
    },
  };
}
