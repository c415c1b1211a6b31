import { lstat } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { clientSecretsFromValues } from '@installed-oauth/core';
import { writePrivateFile } from '@installed-oauth/core/node';
import type { Command } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import type { Io } from '../io.js';
import type { RawOptions, Settings } from '../settings.js';
import { say } from '../terminal-text.js';
import { defineCommand } from './command.js';

export interface InitOptions {
  /** --force: replace a client saved before. */
  force: boolean;
}

// Loaded when init runs: every other command starts ~2 ms sooner without it.
const readline = () => import('node:readline/promises');

/** Asks for one line on the terminal; with `hidden`, nothing typed or pasted is shown. */
async function ask(io: Io, question: string, hidden: boolean): Promise<string> {
  const { createInterface } = await readline();
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) io.stderr.write(chunk);
      done();
    },
  });
  const lines = createInterface({ input: io.stdin, output, terminal: true });
  try {
    const answer = lines.question(question);
    muted = hidden;
    return await answer;
  } catch (error) {
    // Ctrl-C at the prompt: readline rejects the question with an AbortError.
    if ((error as { code?: string }).code === 'ABORT_ERR')
      throw new CliError(ExitCode.interrupted, 'drive-cli init was cancelled; nothing was saved.');
    throw error;
  } finally {
    lines.close();
    if (hidden) io.stderr.write('\n');
  }
}

/** The first two lines of a standard input that is not a terminal (a pipe, a file). */
async function readTwoLines(io: Io): Promise<string[]> {
  const { createInterface } = await readline();
  const found: string[] = [];
  for await (const line of createInterface({ input: io.stdin })) {
    found.push(line);
    if (found.length === 2) break;
  }
  return found;
}

/** The client ID and secret: asked for on a terminal, else read from standard input. */
async function askForClient(settings: Settings, io: Io): Promise<string[]> {
  const noTerminal = new CliError(
    ExitCode.usage,
    'drive-cli init needs the client ID and secret, and there is no terminal to ask on.',
    'Run it in a terminal, or give both on standard input, one per line (never on the command line, where other users can see them).',
  );
  if (!io.stdin.isTTY) {
    const lines = await readTwoLines(io);
    if (lines.length === 0) throw noTerminal;
    return lines;
  }
  if (settings.noInput) throw noTerminal;
  say(
    io,
    'The client ID and secret of a "Desktop app" OAuth client, from the Google Cloud console (APIs & Services › Credentials).',
  );
  return [await ask(io, 'Client ID: ', false), await ask(io, 'Client secret (not shown): ', true)];
}

/**
 * `drive-cli init`: asks for a Desktop app client's ID and secret (the secret not echoed),
 * checks them as a downloaded file's would be, and saves them as client_secret.json in the
 * config folder (mode 0600), where later commands find it when there is none in the current
 * folder. For when Google showed no JSON to download.
 */
export async function run(settings: Settings, io: Io, options: InitOptions): Promise<void> {
  const path = settings.savedClientPath;
  if (!options.force && (await lstat(path).catch(() => undefined))) {
    throw new CliError(
      ExitCode.usage,
      `A client is saved already: ${path}.`,
      'Pass --force to replace it.',
    );
  }
  const [clientId = '', clientSecret = ''] = await askForClient(settings, io);
  const clientSecrets = clientSecretsFromValues({ clientId, clientSecret });
  const json = {
    installed: {
      client_id: clientSecrets.clientId,
      client_secret: clientSecrets.clientSecret,
      auth_uri: clientSecrets.authorizationEndpoint,
      token_uri: clientSecrets.tokenEndpoint,
      redirect_uris: ['http://localhost'],
    },
  };
  await writePrivateFile(path, `${JSON.stringify(json, null, 2)}\n`, {
    failure: 'Nothing was saved.',
  });
  say(
    io,
    `Saved the client ${clientSecrets.clientId} in ${path} (mode 0600). Next: drive-cli login.`,
  );
}

export const init = defineCommand({
  name: 'init',
  description:
    'save a Desktop app client given as its ID and secret (asked for; the secret is not shown), for when Google showed no JSON to download',
  configure: (command: Command) => command.option('--force', 'replace a client saved before'),
  options: (raw: RawOptions): InitOptions => ({ force: raw.force === true }),
  runBeforeContext: run,
});
