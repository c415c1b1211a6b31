// Prints how many milliseconds importing one module (a file URL) takes in a fresh process,
// after Node's ES module loader is up. For the bench's "where the start-up time goes" table.
const started = performance.now();
await import(process.argv[2]);
process.stdout.write(`${performance.now() - started}\n`);
