import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from '@jest/globals';

const run = promisify(execFile);

// A smoke test: the benchmark runs end to end in quick mode and writes its report. The
// figures themselves are not asserted: speed targets live in `pnpm bench`, not in tests.
it('pnpm bench --quick runs and writes a report with every section', async () => {
  const output = join(await mkdtemp(join(tmpdir(), 'bench-smoke-')), 'BENCHMARKS.md');
  const script = fileURLToPath(new URL('../src/bench.mjs', import.meta.url));
  const { stdout } = await run(
    process.execPath,
    [script, '--quick', '--runs', '1', '--output', output],
    { maxBuffer: 8 * 1024 * 1024 },
  );
  const report = await readFile(output, 'utf8');
  expect(stdout.trim()).toBe(report.trim());
  for (const heading of [
    '## Time',
    '## Peak memory',
    '## Production install',
    '## Loopback receiver under a junk flood',
    '## Where the start-up time goes',
    '## Targets (docs/ARCHITECTURE.md, Performance)',
  ]) {
    expect(report).toContain(heading);
  }
  expect(report).toMatch(/\| drive-cli ls, stored credentials \| \d+ ms/);
  expect(report).toMatch(/\| Google's Drive client \(@googleapis\/drive.*\| \d+ ms \|/);
  expect(report).toMatch(/What stands in the way\. The URL target allows \d+ ms/);
  expect(report).toMatch(/\| googleapis \+ @google-cloud\/local-auth \| [\d.]+ MB \| \d+ \|/);
});
