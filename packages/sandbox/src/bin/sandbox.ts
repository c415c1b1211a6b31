#!/usr/bin/env node
// `pnpm sandbox`: runs the sandbox in the foreground for manual use until Ctrl-C.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSandbox } from '../sandbox.js';

const usage = `usage: pnpm sandbox [--port <n>] [--access-token-ttl <seconds>] [--deny] [--dir <folder>]

Runs a Google-compatible authorization server and Drive emulator on 127.0.0.1 until Ctrl-C.`;

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a whole number, got "${text}"`);
  return Number(text);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'access-token-ttl': { type: 'string' },
      deny: { type: 'boolean', default: false },
      dir: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const sandbox = await startSandbox({
    port: integer('port', values.port) ?? 0,
    accessTokenTtl: integer('access-token-ttl', values['access-token-ttl']),
    denyConsent: values.deny,
    ...(values.dir ? { directory: values.dir } : {}),
  });
  const agent = fileURLToPath(new URL('./consent-agent.js', import.meta.url));
  process.stdout.write(`installed-oauth sandbox listening on ${sandbox.issuer}

  authorization  ${sandbox.authorizationEndpoint}
  token          ${sandbox.tokenEndpoint}
  revocation     ${sandbox.revocationEndpoint}
  Drive API root ${sandbox.driveApiRoot}
  user           ${sandbox.accountEmail}

client_secret.json: ${sandbox.clientSecretsPath}

To use it from a shell:
  export DRIVE_CLI_CLIENT_SECRETS='${sandbox.clientSecretsPath}'
  export DRIVE_CLI_API_ROOT='${sandbox.driveApiRoot}'
  export DRIVE_CLI_SANDBOX=1
  export BROWSER='node ${agent}'   # or leave unset and use a real browser

Press Ctrl-C to stop.
`);
  const stop = () => {
    process.stdout.write('\nstopping the sandbox\n');
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`sandbox: ${error.message}\n${usage}\n`);
  process.exit(2);
});
