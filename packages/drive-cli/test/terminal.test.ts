import {
  type DriveFile,
  runConsentAgent,
  seedDriveFiles,
  startSandbox,
} from '@installed-oauth/sandbox';
import { describe, expect, it } from '@jest/globals';
import { runCli, sandboxEnv, startCli } from './helpers.js';

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

describe('drive-cli on a terminal', () => {
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
      const env = await sandboxEnv(sandbox, { BROWSER: 'false' });
      const cli = startCli(['login'], env, { terminal: true });
      const [, link] = await cli.waitForStderr(/authorize this application: (\S+)\r\n/);
      await cli.waitForStderr(/Could not open a browser/);
      await runConsentAgent(link ?? '');
      const { code, stdout } = await cli.done;
      expect(code).toBe(0);
      const screen = stdout.replaceAll('\r\n', '\n');
      const warning = screen.indexOf(
        'Could not open a browser (BROWSER command "false" exited with code 1).',
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
