// Where drive-cli keeps its folder on each platform, asked of the settings in-process (the
// platform is a parameter: macOS and Windows are not at hand here), and the one-time move of
// drive-cli 1.0's macOS folder, on real files.
import { mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { textSink } from '@installed-oauth/test-support';
import { describe, expect, it } from '@jest/globals';
import { moveFormerConfigDir } from '../src/config-folder.js';
import type { Io } from '../src/io.js';
import { resolveSettings } from '../src/settings.js';

const macOs = (env: NodeJS.ProcessEnv) => resolveSettings({}, env, '/', 'darwin');

describe('the config folder on macOS', () => {
  it('is ~/.config/drive-cli, or under XDG_CONFIG_HOME, as command-line tools keep theirs', () => {
    expect(macOs({ HOME: '/Users/ada' }).configDir).toBe('/Users/ada/.config/drive-cli');
    expect(macOs({ HOME: '/Users/ada', XDG_CONFIG_HOME: '/Users/ada/cfg' }).configDir).toBe(
      '/Users/ada/cfg/drive-cli',
    );
    // Named on purpose, nothing moves.
    expect(
      resolveSettings({ configDir: '/elsewhere' }, { HOME: '/Users/ada' }, '/', 'darwin')
        .formerConfigDir,
    ).toBeUndefined();
    expect(
      resolveSettings({}, { HOME: '/home/ada' }, '/', 'linux').formerConfigDir,
    ).toBeUndefined();
  });

  it("moves drive-cli 1.0's folder from ~/Library/Preferences once, with a notice, never over another", async () => {
    const home = await mkdtemp(join(tmpdir(), 'drive-cli-mac-home-'));
    const former = join(home, 'Library', 'Preferences', 'drive-cli');
    await mkdir(join(former, 'accounts'), { recursive: true, mode: 0o700 });
    await writeFile(join(former, 'accounts', '1234.json'), '{"type":"authorized_user"}');
    const settings = macOs({ HOME: home });
    const stderr = textSink();
    const io = {
      stdin: Readable.from([]),
      stdout: textSink().stream,
      stderr: stderr.stream,
      env: { HOME: home },
      cwd: home,
      platform: 'darwin',
    } satisfies Io;

    await moveFormerConfigDir(settings, io);

    expect(
      await readFile(join(home, '.config', 'drive-cli', 'accounts', '1234.json'), 'utf8'),
    ).toBe('{"type":"authorized_user"}');
    await expect(stat(former)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(stderr.text()).toBe(
      `Moved drive-cli's folder from ${former} to ${join(home, '.config', 'drive-cli')}, where command-line tools keep theirs.\n`,
    );
    // Once only: with a folder in both places, neither is touched.
    await mkdir(former, { recursive: true });
    await moveFormerConfigDir(settings, io);
    expect((await stat(former)).isDirectory()).toBe(true);
    expect(stderr.text().match(/Moved/g)).toHaveLength(1);
  });
});
