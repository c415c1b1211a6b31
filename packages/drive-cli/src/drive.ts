import type { FetchLike } from '@installed-oauth/core';
import { untrustedCertificateError } from '@installed-oauth/core';
import { CliError, ExitCode } from './exit-codes.js';
import { isUntrustedCertificate, trustSystemCertificates } from './system-certificates.js';
import { neutralise } from './terminal-text.js';

export interface DriveFile {
  id?: string | null;
  name?: string | null;
  mimeType?: string | null;
  modifiedTime?: string | null;
  modifiedByMeTime?: string | null;
}

export interface FileList {
  files?: DriveFile[];
  nextPageToken?: string | null;
  [key: string]: unknown;
}

export interface ListRequest {
  apiRoot: string;
  /** With a proxy set, sends the requests (see network.ts); else the client's own fetch. */
  fetch: FetchLike | undefined;
  accessToken: string;
  limit: number;
  orderBy: string;
}

/** Thrown for a 401, so the caller can refresh once and retry. */
export class TokenRejected extends Error {}

/** Drive's largest page. */
const MAX_PAGE_SIZE = 1000;

const FIELDS = 'nextPageToken, files(id, name, mimeType, modifiedTime, modifiedByMeTime)';

interface GaxiosLikeError {
  status?: number;
  code?: string | number;
  message?: string;
  response?: {
    status?: number;
    data?: { error?: { message?: string; errors?: { reason?: string }[] } };
  };
}

/** The first of an error's causes (itself included) for which `pick` finds something. */
function alongCauses<T>(error: unknown, pick: (at: Error) => T | undefined): T | undefined {
  for (let at = error, depth = 0; at instanceof Error && depth < 8; depth++) {
    const found = pick(at);
    if (found !== undefined) return found;
    at = at.cause;
  }
  return undefined;
}

/** A system error code (ECONNREFUSED, ENOTFOUND, …) found along an error's causes. */
const systemErrorCode = (error: unknown) =>
  alongCauses(error, (at) => {
    const { code } = at as { code?: unknown };
    return typeof code === 'string' && /^E[A-Z_]+$/.test(code) ? code : undefined;
  });

/** node-fetch's failure type (`max-redirect` when it stopped at a redirect), along the causes. */
const causeType = (error: unknown) => alongCauses(error, (at) => (at as { type?: unknown }).type);

function driveError(error: unknown, apiRoot: string): Error {
  const failure = error as GaxiosLikeError;
  const status =
    failure.response?.status ?? (typeof failure.status === 'number' ? failure.status : undefined);
  const detail = failure.response?.data?.error;
  const reason = detail?.errors?.[0]?.reason;
  // Google's messages often end with a period; ours add one.
  const message = neutralise(
    (detail?.message ?? failure.message ?? String(error)).replace(/\.$/, ''),
  );
  if (status === 401) return new TokenRejected(message);
  if (
    (status !== undefined && status >= 300 && status < 400) ||
    causeType(error) === 'max-redirect'
  ) {
    return new CliError(
      ExitCode.network,
      `The Drive API at ${apiRoot} answered with a redirect; drive-cli follows none, so that the access token goes to the API root only.`,
      'Check DRIVE_CLI_API_ROOT (the default, https://www.googleapis.com/, needs no redirect).',
      { cause: error },
    );
  }
  if (status === 403 && (reason === 'insufficientPermissions' || /scope/i.test(message))) {
    return new CliError(
      ExitCode.reauthenticationRequired,
      'The stored sign-in does not allow listing Drive files (the Drive scope is missing).',
      'Run drive-cli login and leave the Drive permission ticked.',
      { cause: error },
    );
  }
  if (status === 400) {
    return new CliError(
      ExitCode.usage,
      `Drive refused the request: ${message}.`,
      'Check --order-by and --limit.',
      { cause: error },
    );
  }
  if (status !== undefined) {
    return new CliError(
      ExitCode.network,
      `The Drive API at ${apiRoot} answered ${status}: ${message}.`,
      'Try again later.',
      {
        cause: error,
      },
    );
  }
  // A company proxy inspecting HTTPS: said as core says it for token requests.
  const certificate = untrustedCertificateError(
    error,
    new URL(apiRoot).origin,
    'listing Drive files',
  );
  if (certificate) return certificate;
  const code = systemErrorCode(error);
  return new CliError(
    ExitCode.network,
    `Could not reach the Drive API at ${apiRoot}${code ? ` (${code})` : ''}.`,
    'Check the network connection, then try again.',
    { cause: error },
  );
}

/**
 * Drive v3 files.list through Google's own generated client (`@googleapis/drive`), loaded only
 * now so that start-up and the sign-in link stay fast. The token goes only to `apiRoot`.
 */
export async function listFiles(request: ListRequest): Promise<FileList> {
  // A CommonJS package: its exports are the default export's properties, in Node and bundled.
  const { drive } = (await import('@googleapis/drive')).default;
  const client = drive({
    version: 'v3',
    rootUrl: request.apiRoot,
    headers: { Authorization: `Bearer ${request.accessToken}` },
    // Never carry the bearer token through a redirect to another host.
    maxRedirects: 0,
    // gaxios's own proxy handling (https-proxy-agent, which prints the proxy's password under
    // DEBUG=*, and sends loopback traffic to the proxy too) is off: with a proxy set, the
    // requests go through drive-cli's fetch, with the same rules as token requests.
    noProxy: [/./],
    ...(request.fetch ? { fetchImplementation: request.fetch } : {}),
    retry: false,
  } as Parameters<typeof drive>[0]);
  try {
    // Drive returns at most 1000 files a page: follow nextPageToken for larger limits.
    const files: DriveFile[] = [];
    let response: FileList = {};
    let pageToken: string | undefined;
    do {
      const page = await client.files.list({
        pageSize: Math.min(request.limit - files.length, MAX_PAGE_SIZE),
        orderBy: request.orderBy,
        fields: FIELDS,
        ...(pageToken ? { pageToken } : {}),
      });
      response = page.data as FileList;
      files.push(...(response.files ?? []));
      pageToken = response.nextPageToken ?? undefined;
    } while (pageToken && files.length < request.limit);
    return { ...response, files: files.slice(0, request.limit) };
  } catch (error) {
    // A company proxy's certificate: tried once more with the system's certificates added.
    if (isUntrustedCertificate(error) && (await trustSystemCertificates()))
      return listFiles(request);
    throw driveError(error, request.apiRoot);
  }
}
