import type { ClientSecrets } from '@installed-oauth/core';
import type { Command } from 'commander';
import { openContext } from '../context.js';
import {
  type Check,
  checkClient,
  checkClock,
  checkConfigFolder,
  checkKeyring,
  checkNode,
  checkReachable,
  type Failure,
  failed,
} from '../doctor-checks.js';
import { CliError, ExitCode } from '../exit-codes.js';
import type { Io } from '../io.js';
import { proxyAwareFetch } from '../network.js';
import type { RawOptions, Settings } from '../settings.js';
import { requestSender } from '../system-certificates.js';
import { nameOf, neutralise, safeJson } from '../terminal-text.js';
import { defineCommand, jsonOption } from './command.js';
import { type Checked, checkAccount } from './status.js';

export interface DoctorOptions {
  json: boolean;
  /** How long to wait for each endpoint's answer. */
  timeoutSeconds: number;
}

/** Each signed-in account's grant, asked of Google as `status` does. */
async function checkAccounts(
  settings: Settings,
  io: Io,
  clientSecrets: ClientSecrets,
): Promise<Check[]> {
  try {
    const context = await openContext(settings, io, { clientSecrets });
    const ids = await context.store.accounts();
    if (ids.length === 0)
      return [
        {
          name: 'Accounts',
          status: 'warn',
          detail: 'none signed in.',
          fix: 'Run drive-cli login.',
        },
      ];
    const active = await context.app.activeAccount();
    const checks: Check[] = [];
    for (const id of ids)
      checks.push(accountCheck(await checkAccount(context, id, id === active, false)));
    return checks;
  } catch (error) {
    return [failed('Accounts', error)];
  }
}

/** One account's line, from what `status` found about it. */
function accountCheck({ report, unreadable, unreachable }: Checked): Check {
  const name = `Account ${nameOf({ id: report.id, email: report.email ?? undefined })}`;
  if (unreadable || unreachable) return failed(name, unreadable ?? unreachable);
  if (report.grant === 'invalid')
    return {
      name,
      status: 'fail',
      detail: 'the sign-in is no longer valid at Google (revoked, or expired).',
      fix: 'Run drive-cli login to sign in again.',
      exitCode: ExitCode.reauthenticationRequired,
    };
  return {
    name,
    status: 'pass',
    detail: `valid (checked with Google)${report.active ? ', active' : ''}; kept in ${report.storage === 'keyring' ? 'the keyring' : 'a file'}`,
  };
}

/** Every check, in the order a setup depends on them; later ones skipped when they cannot run. */
async function allChecks(settings: Settings, io: Io, options: DoctorOptions): Promise<Check[]> {
  const checks = [await checkNode(), await checkConfigFolder(settings, io)];
  const client = await checkClient(settings);
  checks.push(client.check, await checkKeyring(settings));
  if (!client.clientSecrets) return checks;
  const send = requestSender(await proxyAwareFetch(io.env));
  const { tokenEndpoint } = client.clientSecrets;
  const asking = { env: io.env, timeoutSeconds: options.timeoutSeconds };
  const token = await checkReachable('Token endpoint', tokenEndpoint, send, asking);
  checks.push(token.check);
  const drive = await checkReachable(
    'Drive API',
    `${settings.apiRoot}drive/v3/about`,
    send,
    asking,
  );
  checks.push(drive.check);
  if (token.check.status !== 'pass') return checks;
  const clock = checkClock(token.date, tokenEndpoint);
  checks.push(clock);
  if (clock.status === 'fail') return checks;
  checks.push(...(await checkAccounts(settings, io, client.clientSecrets)));
  return checks;
}

const MARKS = { pass: '✓', warn: '!', fail: '✗' } as const;

function report(checks: Check[]): string {
  const width = Math.max(...checks.map((check) => check.name.length)) + 2;
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(
      `${MARKS[check.status]} ${neutralise(check.name).padEnd(width)}${neutralise(check.detail)}`,
    );
    if (check.fix && check.status !== 'pass')
      lines.push(`  ${' '.repeat(width)}→ ${neutralise(check.fix)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `drive-cli doctor`: what a working setup needs, checked one by one (Node, config folder,
 * client, keyring, the token endpoint and the Drive API through the proxy and certificates
 * drive-cli would use, the clock, each account's grant), each with what to do when it is
 * wrong. Exits 0 when nothing failed, else with the first failure's exit code. Prints no secret.
 */
export async function run(settings: Settings, io: Io, options: DoctorOptions): Promise<void> {
  const checks = await allChecks(settings, io, options);
  io.stdout.write(
    options.json
      ? `${safeJson({ ok: !checks.some((c) => c.status === 'fail'), checks })}\n`
      : report(checks),
  );
  const failures = checks.filter((check): check is Failure => check.status === 'fail');
  const first = failures[0];
  if (!first) return;
  throw new CliError(
    first.exitCode,
    `${failures.length === 1 ? 'One check' : `${failures.length} checks`} failed: ${failures.map((check) => check.name).join(', ')}.`,
    'Each failed line above says what to do; start with the first.',
  );
}

export const doctor = defineCommand({
  name: 'doctor',
  description:
    'check the setup: Node, config folder, client, keyring, network and certificates, clock, each account; says what to fix',
  configure: (command: Command) =>
    jsonOption(command).option(
      '--timeout <seconds>',
      'how long to wait for each endpoint to answer (default 15)',
    ),
  options: (raw: RawOptions): DoctorOptions => ({
    json: raw.json === true,
    // Checked already, with the other settings (as a sign-in's --timeout is).
    timeoutSeconds: raw.timeout === undefined ? 15 : Number(raw.timeout),
  }),
  runBeforeContext: run,
});
