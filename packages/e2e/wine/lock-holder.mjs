// One process holding core's file lock for a moment, writing when it enters and leaves.
// Arguments: the lock path, the log file, a name.
import { appendFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { withFileLock } from '@installed-oauth/core/node';

const [lockPath, log, name] = process.argv.slice(2);
await withFileLock(lockPath, async () => {
  await appendFile(log, `enter ${name}\n`);
  await sleep(400);
  await appendFile(log, `leave ${name}\n`);
});
