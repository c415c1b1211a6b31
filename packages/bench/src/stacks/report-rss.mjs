// Preloaded with --import in memory runs: reports this process's peak resident set size.
import { appendFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE)
    appendFileSync(
      process.env.BENCH_RSS_FILE,
      `${process.pid} ${process.resourceUsage().maxRSS}\n`,
    );
});
