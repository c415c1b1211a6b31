import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import {
  type ClientSecrets,
  type ParseClientSecretsOptions,
  parseClientSecrets,
} from '../client-secrets.js';
import { InstalledOAuthError, invalidArgument } from '../errors.js';
import { describeFsError } from './fs-errors.js';

/** Client secrets files are a few hundred bytes; anything this big is something else. */
export const MAX_CLIENT_SECRETS_BYTES = 64 * 1024;

function unreadable(
  path: string,
  why: string,
  cause?: unknown,
  hint?: string,
): InstalledOAuthError {
  return new InstalledOAuthError(
    'CLIENT_SECRETS_UNREADABLE',
    `Cannot read the client secrets file ${path}: ${why}.`,
    {
      cause,
      hint:
        hint ??
        'Download the JSON of a "Desktop app" OAuth client from the Google Cloud console (APIs & Services › Credentials) and give its path.',
    },
  );
}

/**
 * Reads and parses a `client_secret.json` from disk. The file is read as text, never
 * `require`d or imported, and must be a regular file of at most 64 KiB.
 *
 * @throws {InstalledOAuthError} `CLIENT_SECRETS_UNREADABLE` (missing, no permission, not a
 *   regular file, too big) or `INVALID_CLIENT_SECRETS`, each naming the path.
 *
 * @example
 * ```ts
 * const clientSecrets = await readClientSecretsFile('client_secret.json');
 * ```
 */
export async function readClientSecretsFile(
  path: string,
  options: Omit<ParseClientSecretsOptions, 'source'> = {},
): Promise<ClientSecrets> {
  if (typeof path !== 'string' || path === '')
    throw invalidArgument('readClientSecretsFile(): "path" must be a non-empty string');
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint =
      code === 'EACCES' || code === 'EPERM'
        ? 'Make the file readable by your user (chmod 600 on Unix).'
        : undefined;
    throw unreadable(path, describeFsError(error), error, hint);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw unreadable(path, 'it is not a regular file');
    if (info.size > MAX_CLIENT_SECRETS_BYTES) {
      throw unreadable(
        path,
        `it is ${info.size} bytes, more than a client secrets file can be (${MAX_CLIENT_SECRETS_BYTES})`,
      );
    }
    // Read at most one byte past the limit, in case the file grew after stat().
    const buffer = Buffer.alloc(MAX_CLIENT_SECRETS_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_CLIENT_SECRETS_BYTES) throw unreadable(path, 'it is larger than 64 KiB');
    const text = new TextDecoder('utf-8', { fatal: false }).decode(buffer.subarray(0, bytesRead));
    return parseClientSecrets(text, { ...options, source: path });
  } catch (error) {
    if (error instanceof InstalledOAuthError) throw error;
    throw unreadable(path, describeFsError(error), error);
  } finally {
    await handle.close();
  }
}
