#!/usr/bin/env node
// Usable as BROWSER: `BROWSER="sandbox-consent-agent" drive-cli login`. The URL is the last
// argument. Flags: --deny (click Cancel), --login <email>, --untick <scope> (clear that scope's
// box on the consent screen; may be repeated), --print-redirect (print the address the browser
// lands on to stdout: it holds the authorization code, so only for tests).
import { parseArgs } from 'node:util';
import { runConsentAgent } from '../consent-agent.js';

const usage =
  'usage: sandbox-consent-agent [--deny] [--login <email>] [--untick <scope>]… [--print-redirect] <authorization-url>';

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      allowPositionals: true,
      options: {
        deny: { type: 'boolean', default: false },
        login: { type: 'string' },
        untick: { type: 'string', multiple: true, default: [] },
        'print-redirect': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  }
  try {
    parsed = parse();
  } catch (error) {
    process.stderr.write(`sandbox-consent-agent: ${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const url = positionals.at(-1);
  if (!url || !URL.canParse(url)) {
    process.stderr.write(
      `sandbox-consent-agent: expected the authorization URL as the last argument\n${usage}\n`,
    );
    return 2;
  }
  try {
    const result = await runConsentAgent(url, {
      deny: values.deny,
      login: values.login,
      untick: values.untick,
    });
    if (values['print-redirect']) process.stdout.write(`${result.redirectUrl}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`sandbox-consent-agent: ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main();
