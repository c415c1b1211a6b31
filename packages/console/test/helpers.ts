import { PassThrough } from 'node:stream';
import { type ClientSecrets, parseClientSecrets } from '@installed-oauth/core';
import type { Sandbox } from '@installed-oauth/sandbox';

export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive.metadata.readonly';

export function sandboxSecrets(sandbox: Sandbox): ClientSecrets {
  return parseClientSecrets(sandbox.clientSecrets, { allowInsecureTransport: true });
}

/** A terminal stand-in: what the user types goes into `input`; what is printed is collected. */
export function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  const waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
  output.on('data', (chunk) => {
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
    input,
    output,
    text: () => text,
    type: (line: string) => input.write(`${line}\n`),
    /** Resolves when the printed text matches `pattern`. */
    waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
      const match = text.match(pattern);
      if (match) return Promise.resolve(match);
      return new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
  };
}

export const LINK = /^ {2}(http:\/\/127\.0\.0\.1:\d+\/o\/oauth2\/auth\?\S+)$/m;

export { failure } from '@installed-oauth/test-support';
