import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { authorize, type ClientSecrets, parseClientSecrets } from '@installed-oauth/core';
import type { Sandbox } from '@installed-oauth/sandbox';
import { textSink } from '@installed-oauth/test-support';
import { createLoopbackStrategy, type LoopbackOptions } from '../src/index.js';

export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive.metadata.readonly';
export const consentAgentBin = fileURLToPath(
  new URL('../node_modules/@installed-oauth/sandbox/dist/bin/consent-agent.js', import.meta.url),
);

export function sandboxSecrets(sandbox: Sandbox): ClientSecrets {
  return parseClientSecrets(sandbox.clientSecrets, { allowInsecureTransport: true });
}

/** An `openBrowser` that records the URL instead of opening anything. */
export function urlRecorder() {
  let announce!: (url: URL) => void;
  const url = new Promise<URL>((resolve) => {
    announce = resolve;
  });
  return { url, openBrowser: (href: string) => announce(new URL(href)) };
}

/**
 * Starts a sign-in whose "browser" only records the URL; the test plays the browser. The
 * result is observed by each test (a rejection here is not unhandled).
 */
export function startFlow(clientSecrets: ClientSecrets, options: LoopbackOptions = {}) {
  const recorder = urlRecorder();
  const out = captureOutput();
  const strategy = createLoopbackStrategy({
    openBrowser: recorder.openBrowser,
    output: out.output,
    ...options,
  });
  const result = authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy });
  result.catch(() => {});
  const redirectUri = recorder.url.then(
    (url) => new URL(url.searchParams.get('redirect_uri') ?? ''),
  );
  return { result, authorizationUrl: recorder.url, redirectUri, output: out.text };
}

/** Collects what the strategy prints; `waitFor(pattern)` resolves once it is printed. */
export function captureOutput() {
  const sink = textSink();
  return { output: sink.stream, text: sink.text, waitFor: sink.waitFor };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A plain HTTP request with full control of method, path and Host (fetch forbids some). */
export function raw(
  redirectUri: URL,
  options: { method?: string; path?: string; host?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: redirectUri.hostname.replace(/^\[|\]$/g, ''),
        port: redirectUri.port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: {
          host: options.host ?? redirectUri.host,
          connection: 'close',
          ...options.headers,
        },
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A slowloris client: opens a socket and sends half a request line, then nothing. */
export function slowSocket(redirectUri: URL) {
  const socket = connect(Number(redirectUri.port), redirectUri.hostname.replace(/^\[|\]$/g, ''));
  socket.on('error', () => {});
  socket.write('GET /?code=');
  return socket;
}

export function listeningServers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap').length;
}

export { failure } from '@installed-oauth/test-support';
