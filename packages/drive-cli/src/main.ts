import { run } from './cli.js';
import { processIo } from './io.js';

// `drive-cli ls | head -1`: the reader went away; that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

process.exitCode = await run(process.argv.slice(2), processIo());

// A paste prompt that read stdin leaves the pipe's handle reading even once paused; stop it,
// so the process exits as soon as the command is done.
if (process.stdin.readableFlowing !== null) process.stdin.destroy();
