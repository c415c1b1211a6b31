import {
  type ClientSecrets,
  clientSecretsFromValues,
  createInstalledApp,
  type FetchLike,
  type InstalledApp,
} from '@installed-oauth/core';
import {
  createFileAccountStore,
  readClientSecretsFile,
  type StorageKind,
} from '@installed-oauth/core/node';
import { createKeyringSecretStore, keyringStatus } from '@installed-oauth/keyring-store';
import { moveFormerConfigDir } from './config-folder.js';
import { assertGoogleEndpoints } from './endpoints.js';
import type { Io } from './io.js';
import { takeOverLegacyFile } from './legacy-file.js';
import { proxyAwareFetch } from './network.js';
import { SCOPES, type Settings } from './settings.js';
import { requestSender } from './system-certificates.js';
import { neutralise, say } from './terminal-text.js';

/** What every command works with: the settings, the signed-in program and its store. */
export interface Context {
  settings: Settings;
  io: Io;
  clientSecrets: ClientSecrets;
  app: InstalledApp;
  store: ReturnType<typeof createFileAccountStore>;
  /** With a proxy set, for every request: token requests and Drive (see network.ts). */
  fetch: FetchLike | undefined;
  /** Whether this run already said that a refreshed token could not be saved. */
  warnedUnsaved?: boolean;
}

/** How a command wants its context opened. */
export interface OpenOptions {
  /** `login` only: an unusable drive-cli 0.x file is moved aside instead of failing. */
  replaceUnusableLegacyFile?: boolean;
  /** The client, when the caller has read it already (`doctor`): not read a second time. */
  clientSecrets?: ClientSecrets;
}

/** How the client given as values is named in messages. */
const CLIENT_VALUES = 'DRIVE_CLI_CLIENT_ID and DRIVE_CLI_CLIENT_SECRET';

/** The keyring "service" of drive-cli's entries; each entry is "<client id>/<account id>". */
export const KEYRING_SERVICE = 'drive-cli';

/**
 * Where a new sign-in keeps its tokens: the OS keyring when one works, else a 0600 file, with a
 * one-line notice saying why; `--insecure-storage` (or DRIVE_CLI_INSECURE_STORAGE) chooses the
 * file on purpose, without asking the keyring.
 */
async function storageForNewAccount(settings: Settings, io: Io): Promise<StorageKind> {
  if (settings.insecureStorage) return 'file';
  const status = await keyringStatus({ service: KEYRING_SERVICE });
  if (status.available) return 'secret store';
  say(
    io,
    `No keyring is available here (${neutralise(status.reason)}); keeping the credentials in a file (mode 0600) instead. Pass --insecure-storage to choose that on purpose.`,
  );
  return 'file';
}

/** The client file at `path`, or, when there is none, at `orElse`; and which one it was. */
async function readClientFile(
  path: string,
  orElse: string | undefined,
): Promise<{ clientSecrets: ClientSecrets; source: string }> {
  const read = async (at: string) => ({
    clientSecrets: await readClientSecretsFile(at, { allowInsecureTransport: true }),
    source: at,
  });
  const missing = (error: unknown) =>
    (error as { cause?: { code?: string } }).cause?.code === 'ENOENT';
  try {
    return await read(path);
  } catch (error) {
    if (!missing(error) || orElse === undefined) throw error;
    // Nothing here: the one `drive-cli init` saved. When there is none either, the first
    // error (its hint says where to put one); a saved one that is wrong says so itself.
    return read(orElse).catch((saved) => {
      throw missing(saved) ? error : saved;
    });
  }
}

/**
 * The client, its endpoints checked, and where it came from: DRIVE_CLI_CLIENT_ID and _SECRET
 * when set; the file named by --client-secrets or DRIVE_CLI_CLIENT_SECRETS; else
 * client_secret.json here, or, when there is none here, the one `drive-cli init` saved in the
 * config folder.
 */
export async function readClient(
  settings: Settings,
): Promise<{ clientSecrets: ClientSecrets; source: string }> {
  // Plain http passes core only on loopback hosts; which endpoints drive-cli accepts at all
  // (Google's, or one loopback origin with DRIVE_CLI_SANDBOX) is decided just below, with
  // drive-cli's own words.
  const client = settings.clientValues
    ? {
        clientSecrets: clientSecretsFromValues({ ...settings.clientValues, source: CLIENT_VALUES }),
        source: CLIENT_VALUES,
      }
    : await readClientFile(
        settings.clientSecretsPath,
        settings.clientSecretsGiven ? undefined : settings.savedClientPath,
      );
  assertGoogleEndpoints(client.clientSecrets, client.source, settings.allowInsecureTransport);
  return client;
}

/**
 * Opens what a command needs: the client, the account store (keyring-backed), the app, and
 * the proxy-aware fetch; moves drive-cli 1.0's macOS folder and takes over a 0.x file first.
 */
export async function openContext(
  settings: Settings,
  io: Io,
  options: OpenOptions = {},
): Promise<Context> {
  await moveFormerConfigDir(settings, io);
  const clientSecrets = options.clientSecrets ?? (await readClient(settings)).clientSecrets;
  const fetch = await proxyAwareFetch(io.env);
  let newAccountStorage: Promise<StorageKind> | undefined;
  const store = createFileAccountStore({
    directory: settings.accountsDir,
    clientSecrets,
    // Tokens of accounts kept in the keyring are read from it; accounts kept in files stay
    // files (drive-cli migrate moves them). Where a new sign-in goes is decided when it is saved.
    secrets: createKeyringSecretStore({
      service: KEYRING_SERVICE,
      namespace: clientSecrets.clientId,
    }),
    // Asked before the browser opens (is there somewhere to save?) and again at the save:
    // the keyring is probed, and the notice printed, once.
    newAccountStorage: () => {
      newAccountStorage ??= storageForNewAccount(settings, io);
      return newAccountStorage;
    },
  });
  const app = createInstalledApp({
    clientSecrets,
    scopes: SCOPES,
    store,
    // A token request refused on an untrusted certificate is tried again with the system's.
    fetch: requestSender(fetch),
  });
  const context = { settings, io, clientSecrets, app, store, fetch };
  await takeOverLegacyFile(context, options.replaceUnusableLegacyFile === true);
  return context;
}
