import { PassThrough } from 'node:stream';
import { type ClientSecrets, parseClientSecrets } from '@installed-oauth/core';
import type { Sandbox } from '@installed-oauth/sandbox';
import { textSink } from '@installed-oauth/test-support';

export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive.metadata.readonly';

export function sandboxSecrets(sandbox: Sandbox): ClientSecrets {
  return parseClientSecrets(sandbox.clientSecrets, { allowInsecureTransport: true });
}

/** A terminal stand-in: what the user types goes into `input`; what is printed is collected. */
export function terminal() {
  const input = new PassThrough();
  const printed = textSink();
  return {
    input,
    output: printed.stream,
    text: printed.text,
    type: (line: string) => input.write(`${line}\n`),
    /** Resolves when the printed text matches `pattern`. */
    waitFor: printed.waitFor,
  };
}

export const LINK = /^ {2}(http:\/\/127\.0\.0\.1:\d+\/o\/oauth2\/auth\?\S+)$/m;

export { failure } from '@installed-oauth/test-support';
