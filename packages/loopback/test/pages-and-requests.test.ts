import { connect } from 'node:net';
import { authorize, type ClientSecrets } from '@installed-oauth/core';
import { runConsentAgent } from '@installed-oauth/sandbox';
import { useSandbox } from '@installed-oauth/test-support';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { LANDING_PATH } from '../src/callback-server.js';
import { createLoopbackStrategy } from '../src/index.js';
import {
  captureOutput,
  DRIVE_SCOPE,
  failure,
  raw,
  sandboxSecrets,
  startFlow,
  urlRecorder,
} from './helpers.js';

const sandbox = useSandbox();
let clientSecrets: ClientSecrets;
beforeAll(() => {
  clientSecrets = sandboxSecrets(sandbox);
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return (await failure(promise)).code;
}

/** Writes `bytes` to the receiver as they are and returns everything it answers. */
function sendBytes(redirectUri: URL, bytes: string): Promise<string> {
  return new Promise<string>((resolve) => {
    const socket = connect(Number(redirectUri.port), '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk;
    });
    socket.on('close', () => resolve(text));
    socket.on('error', () => resolve(text));
    socket.end(bytes);
  });
}

describe('pages and malformed requests', () => {
  it('serves a success page given as HTML as it is, and a failure page naming an error without description', async () => {
    const html = '<!doctype html><title>Done</title><p>All <b>done</b></p>';
    const recorder = urlRecorder();
    const strategy = createLoopbackStrategy({
      openBrowser: recorder.openBrowser,
      output: captureOutput().output,
      successPage: html,
    });
    const result = authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy });
    const url = await recorder.url;
    const redirectUri = new URL(url.searchParams.get('redirect_uri') ?? '');
    const { redirectUrl } = await runConsentAgent(url.href, { deliver: false });
    await fetch(redirectUrl, { redirect: 'manual' });
    expect((await raw(redirectUri, { path: LANDING_PATH })).body).toBe(html);
    await result;

    const second = urlRecorder();
    const failing = authorize({
      clientSecrets,
      scopes: [DRIVE_SCOPE],
      strategy: createLoopbackStrategy({
        openBrowser: second.openBrowser,
        output: captureOutput().output,
      }),
    });
    failing.catch(() => {}); // observed below
    const secondUrl = await second.url;
    const secondRedirect = new URL(secondUrl.searchParams.get('redirect_uri') ?? '');
    const callback = new URL(secondRedirect);
    callback.search = new URLSearchParams({
      error: 'temporarily_unavailable',
      state: secondUrl.searchParams.get('state') ?? '',
    }).toString();
    await fetch(callback, { redirect: 'manual' });
    expect((await raw(secondRedirect, { path: LANDING_PATH })).body).toContain(
      'The sign-in did not complete (temporarily_unavailable).',
    );
    expect(await codeOf(failing)).toBe('AUTHORIZATION_FAILED');
  });

  it('refuses requests on the side (no Host, an unreadable target, POST to the landing page) and still completes', async () => {
    const flow = startFlow(clientSecrets);
    const [url, redirectUri] = await Promise.all([flow.authorizationUrl, flow.redirectUri]);
    // HTTP/1.0 needs no Host header; without one the request cannot be for this receiver.
    expect(await sendBytes(redirectUri, 'GET / HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 421 /);
    const unreadable = `GET http://[::1/ HTTP/1.1\r\nHost: ${redirectUri.host}\r\nConnection: close\r\n\r\n`;
    expect(await sendBytes(redirectUri, unreadable)).toMatch(/^HTTP\/1\.1 400 /);
    const { redirectUrl } = await runConsentAgent(url.href, { deliver: false });
    expect((await fetch(redirectUrl, { redirect: 'manual' })).status).toBe(303);
    const post = await raw(redirectUri, { method: 'POST', path: LANDING_PATH });
    expect([post.status, post.headers.allow]).toEqual([405, 'GET']);
    expect((await raw(redirectUri, { path: LANDING_PATH })).status).toBe(200);
    expect((await flow.result).accessToken).toBeTruthy();
  });

  it('answers a request that is not HTTP with a bare 400 and keeps waiting', async () => {
    const flow = startFlow(clientSecrets);
    const [url, redirectUri] = await Promise.all([flow.authorizationUrl, flow.redirectUri]);
    const answer = await sendBytes(redirectUri, 'THIS IS NOT HTTP\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    await runConsentAgent(url.href);
    expect((await flow.result).accessToken).toBeTruthy();
  });
});
