import { PassThrough } from 'node:stream';

/**
 * An output stream that keeps what is written to it, for code that prints to a stream (a
 * strategy's `output`, a terminal stand-in). `waitFor` resolves when the text matches, so a
 * test waits for the event itself instead of polling or sleeping.
 */
export function textSink() {
  const stream = new PassThrough();
  let text = '';
  const waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
  stream.on('data', (chunk) => {
    text += chunk;
    for (const waiter of [...waiters]) {
      const match = text.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  });
  return {
    stream,
    text: () => text,
    /** Resolves with the first match of `pattern` in everything written so far or later. */
    waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
      const match = text.match(pattern);
      if (match) return Promise.resolve(match);
      return new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
  };
}
