// Nobody at hand (a CI job, cron, an agent without a browser): drive-cli never starts a sign-in
// that only a person could finish, and a person at a terminal can always cancel one.
import { existsSync } from 'node:fs';
import { describeWith, pseudoTerminal, useSandbox } from '@installed-oauth/test-support';
import { describe, expect, it } from '@jest/globals';
import {
  BROWSER_THAT_OPENS_NOTHING,
  credentialsPath,
  runCli,
  sandboxEnv,
  startCli,
} from './helpers.js';

const sandbox = useSandbox();
/** What a started sign-in prints first: it must never appear when nobody can finish one. */
const LINK = /authorize this application/;

describe('no terminal and no browser', () => {
  it('ls with nothing stored exits 5 at once, naming the command to run in a terminal', async () => {
    // No BROWSER, no DISPLAY, stdin from /dev/null: a cron job.
    const env = await sandboxEnv(sandbox, { BROWSER: '' });
    const result = await runCli(['ls'], env);
    expect(result.code).toBe(5);
    expect(result.stderr).toBe(
      'drive-cli: Not signed in, and there is no terminal to paste into and no browser to open here.\n' +
        '  Run drive-cli login in a terminal (over SSH it asks you to paste the address), then run this again.\n',
    );
    expect(existsSync(credentialsPath(env))).toBe(false);
  });

  it('login says it needs a person and exits 4, without printing a link', async () => {
    const env = await sandboxEnv(sandbox, { BROWSER: '' });
    const result = await runCli(['login'], env);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(
      /^drive-cli: drive-cli login needs a person, and there is no terminal/m,
    );
    expect(result.stderr).not.toMatch(LINK);
  });
});

describe('--no-input, DRIVE_CLI_NO_INPUT and CI', () => {
  it.each([
    ['--no-input', ['ls', '--no-input'], {}],
    ['DRIVE_CLI_NO_INPUT=1', ['ls'], { DRIVE_CLI_NO_INPUT: '1' }],
    ['CI=true', ['ls'], { CI: 'true' }],
  ])('%s: no sign-in starts even with a browser at hand; exit 5', async (_, args, extra) => {
    const env = await sandboxEnv(sandbox, extra);
    const result = await runCli(args, env);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(
      /^drive-cli: Not signed in, and --no-input \(or DRIVE_CLI_NO_INPUT, or CI\) says nobody is at hand to sign in\.$/m,
    );
    expect(result.stderr).not.toMatch(LINK);
  });

  it('DRIVE_CLI_NO_INPUT=0 lets a CI job that brings its own browser sign in', async () => {
    const env = await sandboxEnv(sandbox, { CI: 'true', DRIVE_CLI_NO_INPUT: '0' });
    const result = await runCli(['ls'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^Signed in as /m);
  });

  it('a paste the caller chose to feed (--redirect console) still reads its input', async () => {
    const env = await sandboxEnv(sandbox, { BROWSER: '' });
    const result = await runCli(['login', '--redirect', 'console'], env); // stdin: /dev/null
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^drive-cli: The input ended before an address was pasted\.$/m);
  });
});

describeWith(pseudoTerminal)('Ctrl-C on a real terminal', () => {
  it('cancels the sign-in, says so under the spinner, and exits 130', async () => {
    // A "browser" that opens nothing: the sign-in waits, with the spinner drawn.
    const env = await sandboxEnv(sandbox, { BROWSER: BROWSER_THAT_OPENS_NOTHING });
    const cli = startCli(['login'], env, { terminal: true, stdin: 'pipe' });
    await cli.waitForStderr(/Waiting for the sign-in to finish in the browser/);
    // The terminal's interrupt character: the line discipline sends SIGINT, as Ctrl-C does.
    cli.child.stdin?.write('\x03');
    const { code, stdout } = await cli.done;
    expect(code).toBe(130);
    expect(stdout).toMatch(/drive-cli: The sign-in was cancelled\./);
  });
});
