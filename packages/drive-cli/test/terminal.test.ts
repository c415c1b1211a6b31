import { writeFile } from 'node:fs/promises';
import {
  type DriveFile,
  runConsentAgent,
  seedDriveFiles,
  startSandbox,
} from '@installed-oauth/sandbox';
import { describeWith, itWith, pseudoTerminal } from '@installed-oauth/test-support';
import { describe, expect, it } from '@jest/globals';
import { BROWSER_THAT_FAILS, runCli, sandboxEnv, startCli } from './helpers.js';

/** What a person sees: the pseudo-terminal's output with its \r\n line ends made \n. */
async function onTerminal(args: string[], env: NodeJS.ProcessEnv) {
  const { code, stdout } = await startCli(args, env, { terminal: true }).done;
  return { code, screen: stdout.replaceAll('\r\n', '\n') };
}

const seeded = seedDriveFiles();
const named = (name: string): DriveFile =>
  seeded.find((file) => file.name === name) ?? (seeded[0] as DriveFile);
const longName =
  'A file name far longer than the forty-eight characters a table column may take.txt';

describeWith(pseudoTerminal)('drive-cli on a terminal', () => {
  it('shows a spinner while it waits for the browser, then an aligned table with safe, truncated names', async () => {
    const files = [
      named('Quarterly planning — Q4'),
      { ...named('notes.txt'), name: longName },
      named('Weird \u001b[31mred\u001b[0m name\u0007.txt'),
      named('Team offsite photos'),
      // U+202E would show "gpj.exe" as "exe.jpg": a file-name spoofing trick.
      { ...named('Archive'), name: 'photo\u202egpj.exe' },
    ];
    const sandbox = await startSandbox({ files });
    try {
      const { code, screen } = await onTerminal(['ls'], await sandboxEnv(sandbox));
      expect(code).toBe(0);
      expect(screen).toContain(
        'Waiting for the sign-in to finish in the browser (Ctrl-C to cancel)…',
      );
      expect(screen).toContain('Signed in as sandbox.user@example.com.');
      const table = screen.slice(screen.indexOf('NAME')).trimEnd().split('\n');
      expect(table).toHaveLength(6);
      expect(table[0]).toMatch(/^NAME +MODIFIED +TYPE +ID$/);
      // Most recently modified first, as Drive's orderBy says.
      expect(table[1]).toMatch(/^Quarterly planning — Q4 +2026-11-20 11:00 +Google Doc +1sbx/);
      expect(table[2]).toMatch(/^Team offsite photos +2026-11-20 07:00 +Folder +1sbx/);
      expect(table[3]).toMatch(
        new RegExp(`^${longName.slice(0, 47)}… +2026-11-08 00:00 +text/plain +1sbx`),
      );
      expect(table[4]).toMatch(/^Weird \\x1b\[31mred\\x1b\[0m name\\x07\.txt +2026-11-07 /);
      expect(table[5]).toMatch(/^photo\\u202egpj\.exe +2026-10-/);
      // Every column starts at the same place on every line.
      for (const column of ['MODIFIED', 'TYPE', 'ID']) {
        const start = (table[0] ?? '').indexOf(column);
        for (const line of table.slice(1)) expect(line[start - 1]).toBe(' ');
        for (const line of table.slice(1)) expect(line[start]).not.toBe(' ');
      }
    } finally {
      await sandbox.close();
    }
  });

  it('keeps the spinner below what is printed while it waits (a browser that failed to open)', async () => {
    const sandbox = await startSandbox();
    try {
      const env = await sandboxEnv(sandbox, { BROWSER: BROWSER_THAT_FAILS });
      const cli = startCli(['login'], env, { terminal: true });
      const [, link] = await cli.waitForStderr(/authorize this application: (\S+)\r\n/);
      await cli.waitForStderr(/Could not open a browser/);
      await runConsentAgent(link ?? '');
      const { code, stdout } = await cli.done;
      expect(code).toBe(0);
      const screen = stdout.replaceAll('\r\n', '\n');
      const warning = screen.indexOf(
        `Could not open a browser (BROWSER command "${process.execPath}" exited with code 1).`,
      );
      expect(warning).toBeGreaterThan(-1);
      // The spinner was drawn before the warning and again after it.
      const spinner = 'Waiting for the sign-in to finish in the browser';
      expect(screen.indexOf(spinner)).toBeLessThan(warning);
      expect(screen.lastIndexOf(spinner)).toBeGreaterThan(warning);
      expect(screen).toMatch(/Signed in as sandbox\.user@example\.com\./);
    } finally {
      await sandbox.close();
    }
  });

  it('says so when Drive has no files; a pipe gets nothing at all', async () => {
    const sandbox = await startSandbox({ files: [] });
    try {
      const env = await sandboxEnv(sandbox);
      const { code, screen } = await onTerminal(['ls'], env);
      expect(code).toBe(0);
      expect(screen).toMatch(/\nNo files found\.\n$/);
      const piped = await runCli(['ls'], env);
      expect([piped.code, piped.stdout]).toEqual([0, '']);
    } finally {
      await sandbox.close();
    }
  });
});

describe('text from elsewhere, everywhere it leaves drive-cli', () => {
  const invisible = [
    ['zero-width non-joiner', '\u200c'],
    ['word joiner', '\u2060'],
    ['soft hyphen', '\u00ad'],
    ['Mongolian vowel separator', '\u180e'],
    ['invisible times', '\u2062'],
    ['tag letter A', '\u{e0041}'],
  ] as const;

  itWith(pseudoTerminal)(
    'file names: invisible format characters shown as escapes; --json keeps them as \\u escapes',
    async () => {
      const name = `a${invisible.map(([, character]) => character).join('')}b\u007f\u0085.txt`;
      const sandbox = await startSandbox({ files: [{ ...named('notes.txt'), name }] });
      try {
        const env = await sandboxEnv(sandbox);
        const { screen } = await onTerminal(['ls'], env);
        // (The table cuts names at 48 characters; the escapes count.)
        expect(screen).toContain('a\\u200c\\u2060\\xad\\u180e\\u2062\\u{e0041}b\\x7f\\x85');
        const json = await runCli(['ls', '--json'], env);
        expect(json.code).toBe(0);
        for (const [, character] of invisible) expect(json.stdout).not.toContain(character);
        expect(json.stdout).not.toContain('\u007f');
        expect(json.stdout).not.toContain('\u0085');
        expect(json.stdout).toContain(
          'a\\u200c\\u2060\\u00ad\\u180e\\u2062\\udb40\\udc41b\\u007f\\u0085.txt',
        );
        // The same name to a JSON parser.
        expect(JSON.parse(json.stdout).files[0].name).toBe(name);
      } finally {
        await sandbox.close();
      }
    },
  );

  it('paths: a folder named with terminal sequences reaches stderr and stdout escaped', async () => {
    const sandbox = await startSandbox();
    try {
      const base = await sandboxEnv(sandbox);
      const env = {
        ...base,
        DRIVE_CLI_CONFIG_DIR: `${base.DRIVE_CLI_CONFIG_DIR}-\u001b]52;c;cHduZWQ=\u0007\u001b[2J`,
      };
      const login = await runCli(['login'], env);
      expect(login.code).toBe(0);
      const status = await runCli(['status', '--offline'], env);
      for (const output of [login.stderr, status.stdout]) {
        expect(output).not.toContain('\u001b');
        expect(output).not.toContain('\u0007');
        expect(output).toContain('-\\x1b]52;c;cHduZWQ=\\x07\\x1b[2J');
      }
    } finally {
      await sandbox.close();
    }
  });

  it('a client file that is not JSON: the offending byte is never printed raw', async () => {
    const sandbox = await startSandbox();
    try {
      const env = await sandboxEnv(sandbox);
      const path = `${env.DRIVE_CLI_CONFIG_DIR}-client.json`;
      await writeFile(path, '{"installed": \u001b[2J}');
      const result = await runCli(['ls', '--client-secrets', path], env);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/not valid JSON/);
      expect(result.stderr).not.toContain('\u001b');
    } finally {
      await sandbox.close();
    }
  });
});
