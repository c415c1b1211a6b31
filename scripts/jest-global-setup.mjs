// Jest globalSetup: every test run gets a temporary folder of its own, removed by
// jest-global-teardown.mjs when the run ends, with everything the tests (and the programs they
// start) made in it. Tests keep calling os.tmpdir(): TMPDIR (TEMP on Windows) points into the run's folder, and
// the test workers and their child processes inherit it.
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const OWNED_FOLDER = Symbol.for('installed-oauth.test-temp-folder');

export default function setup() {
  const folder = mkdtempSync(join(tmpdir(), 'installed-oauth-test-'));
  // Reachable by other users, as /tmp is (a test reads files as the "nobody" user); what the
  // tests make inside keeps its own modes (mkdtemp: 0700).
  chmodSync(folder, 0o755);
  globalThis[OWNED_FOLDER] = folder;
  process.env.TMPDIR = folder;
  // Windows' os.tmpdir() reads TEMP (then TMP) instead.
  if (process.platform === 'win32') process.env.TEMP = process.env.TMP = folder;
}
