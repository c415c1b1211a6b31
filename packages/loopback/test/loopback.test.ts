import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorize, type ClientSecrets } from '@installed-oauth/core';
import { runConformanceChecks } from '@installed-oauth/core/testing';
import { runConsentAgent } from '@installed-oauth/sandbox';
import { useSandbox } from '@installed-oauth/test-support';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { LANDING_PATH } from '../src/callback-server.js';
import { createLoopbackStrategy, type LoopbackOptions } from '../src/index.js';
import {
  captureOutput,
  consentAgentBin,
  DRIVE_SCOPE,
  failure,
  listeningServers,
  raw,
  sandboxSecrets,
  slowSocket,
  startFlow,
  urlRecorder,
} from './helpers.js';

const sandbox = useSandbox();
let clientSecrets: ClientSecrets;
beforeAll(() => {
  clientSecrets = sandboxSecrets(sandbox);
});

const quiet = () => captureOutput().output;

const start = (options: LoopbackOptions = {}) => startFlow(clientSecrets, options);

describe('contract v1', () => {
  it('passes the conformance kit', async () => {
    const results = await runConformanceChecks({
      createStrategy: () => createLoopbackStrategy({ openBrowser: false, output: quiet() }),
      deliver: async (callbackUrl) => {
        await (await fetch(callbackUrl)).text();
      },
    });
    expect(results.every((result) => result.passed)).toBe(true);
  });
});

describe('the whole flow against the sandbox', () => {
  it('binds 127.0.0.1 on a free port, completes, and sends the browser to a page without the code', async () => {
    const before = sandbox.counters.authorizationCodeGrants;
    const flow = start();
    const url = await flow.authorizationUrl;
    const redirectUri = await flow.redirectUri;
    expect(redirectUri.hostname).toBe('127.0.0.1');
    expect(Number(redirectUri.port)).toBeGreaterThan(0);
    expect(redirectUri.pathname).toBe('/');
    const browser = await runConsentAgent(url.href);
    const credentials = await flow.result;
    expect(credentials.scopes).toEqual([DRIVE_SCOPE]);
    expect(sandbox.counters.authorizationCodeGrants).toBe(before + 1);
    expect(browser.deliveredStatus).toBe(200);
    expect(browser.finalUrl).toBe(`${redirectUri.origin}${LANDING_PATH}`);
    expect(flow.output()).toBe(
      `Please visit this URL to authorize this application: ${url.href}\n`,
    );
  });

  it('runs the BROWSER command without a shell, with the URL as its last argument', async () => {
    const out = captureOutput();
    const strategy = createLoopbackStrategy({
      output: out.output,
      env: { BROWSER: `"${process.execPath}" ${consentAgentBin}` },
    });
    const credentials = await authorize({
      clientSecrets,
      scopes: [DRIVE_SCOPE],
      strategy,
      signal: AbortSignal.timeout(120_000),
    });
    expect(credentials.accessToken).toBeTruthy();
    expect(out.text()).not.toMatch(/Could not open/);
  });

  it('binds ::1 and uses it in the redirect URI when asked for host "::1"', async () => {
    const flow = start({ host: '::1' });
    const redirectUri = await flow.redirectUri;
    expect(redirectUri.hostname).toBe('[::1]');
    await runConsentAgent((await flow.authorizationUrl).href);
    expect((await flow.result).accessToken).toBeTruthy();
  });

  it('keeps "localhost" in the redirect URI for compatibility, listening on 127.0.0.1 and ::1 alike', async () => {
    const flow = start({ host: 'localhost', redirectPath: '/oauth2callback' });
    const redirectUri = await flow.redirectUri;
    expect(redirectUri.host).toMatch(/^localhost:\d+$/);
    expect(redirectUri.pathname).toBe('/oauth2callback');
    // The browser may resolve "localhost" to either address: both are ours, on the same port.
    for (const address of ['127.0.0.1', '[::1]']) {
      const direct = await raw(new URL(`http://${address}:${redirectUri.port}/`), {
        host: redirectUri.host,
        path: '/favicon.ico',
      });
      expect(direct.status).toBe(404);
    }
    await runConsentAgent((await flow.authorizationUrl).href);
    expect((await flow.result).accessToken).toBeTruthy();
  });

  it('refuses to start for "localhost" when another program holds its port on ::1', async () => {
    // Another local program squats [::1]:port, hoping the browser resolves localhost there.
    const squatter = createServer((_req, res) => res.end('squatted'));
    await new Promise<void>((resolve) => squatter.listen(0, '::1', resolve));
    const port = (squatter.address() as AddressInfo).port;
    try {
      const error = await failure(start({ host: 'localhost', port }).result);
      expect(error).toMatchObject({ code: 'STRATEGY_FAILED' });
      expect(error.message).toBe(
        `The loopback receiver could not start: port ${port} is free on 127.0.0.1 but not on ::1 (EADDRINUSE), and "localhost" may lead the browser to either.`,
      );
      expect(error.hint).toMatch(/^Use host 127\.0\.0\.1/);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('shows a custom prompt and a custom success page', async () => {
    const flow = start({
      authorizationPromptMessage: 'Go to {url} now',
      successPage: 'All set <you> & me.',
    });
    const url = await flow.authorizationUrl;
    const redirectUri = await flow.redirectUri;
    const { redirectUrl } = await runConsentAgent(url.href, { deliver: false });
    const callback = await fetch(redirectUrl, { redirect: 'manual' });
    expect(callback.status).toBe(303);
    const landing = await raw(redirectUri, { path: LANDING_PATH });
    expect(landing.body).toContain('<p>All set &lt;you&gt; &amp; me.</p>');
    await flow.result;
    expect(flow.output()).toBe(`Go to ${url.href} now\n`);
  });
});

describe('junk never ends or consumes the flow', () => {
  it('answers each kind of junk with a short static status and still takes the genuine callback', async () => {
    const before = sandbox.counters.authorizationCodeGrants;
    const flow = start();
    const url = await flow.authorizationUrl;
    const redirectUri = await flow.redirectUri;
    const state = url.searchParams.get('state');
    const cases: [string, Parameters<typeof raw>[1], number][] = [
      ['favicon', { path: '/favicon.ico' }, 404],
      ['robots.txt', { path: '/robots.txt' }, 404],
      ['POST on the callback path', { method: 'POST', path: `/?code=x&state=${state}` }, 405],
      [
        'OPTIONS preflight',
        { method: 'OPTIONS', path: '/', headers: { origin: 'https://evil.example' } },
        405,
      ],
      ['HEAD', { method: 'HEAD', path: `/?state=${state}` }, 405],
      ['wrong state', { path: '/?code=stolen&state=not-it' }, 400],
      ['missing state', { path: '/?code=stolen' }, 400],
      ['forged error without state', { path: '/?error=access_denied' }, 400],
      [
        'DNS rebinding Host header',
        { path: `/?code=x&state=${state}`, host: 'evil.example:80' },
        421,
      ],
      ['oversized URL', { path: `/?pad=${'x'.repeat(20_000)}` }, 431],
      ['landing page before the callback', { path: LANDING_PATH }, 404],
    ];
    for (const [name, options, status] of cases) {
      const response = await raw(redirectUri, options);
      expect({ name, status: response.status }).toEqual({ name, status });
      expect(response.body).not.toContain('stolen');
      if (status !== 431) expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
    await runConsentAgent(url.href);
    expect((await flow.result).accessToken).toBeTruthy();
    expect(sandbox.counters.authorizationCodeGrants).toBe(before + 1);
  });

  it('uses one callback when the browser repeats it: one token exchange', async () => {
    const before = sandbox.counters.authorizationCodeGrants;
    const flow = start();
    const { redirectUrl } = await runConsentAgent((await flow.authorizationUrl).href, {
      deliver: false,
    });
    const [first, second] = await Promise.all([
      fetch(redirectUrl, { redirect: 'manual' }),
      fetch(redirectUrl, { redirect: 'manual' }),
    ]);
    expect([first.status, second.status]).toEqual([303, 303]);
    expect((await flow.result).accessToken).toBeTruthy();
    expect(sandbox.counters.authorizationCodeGrants).toBe(before + 1);
  });

  it('completes under a flood of junk requests and slow sockets', async () => {
    const flow = start();
    const url = await flow.authorizationUrl;
    const redirectUri = await flow.redirectUri;
    const slow = Array.from({ length: 50 }, () => slowSocket(redirectUri));
    let flooding = true;
    let junkAnswered = 0;
    let firstBatchAnswered!: () => void;
    const underFlood = new Promise<void>((resolve) => {
      firstBatchAnswered = resolve;
    });
    const flood = (async () => {
      // Bounded: at most 100 rounds of 20 requests.
      for (let round = 0; flooding && round < 100; round++) {
        const batch = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            raw(redirectUri, { path: i % 2 ? '/favicon.ico' : '/?code=x&state=y' }),
          ),
        );
        // Once the flow ends the receiver is gone and requests are refused: that ends the flood.
        junkAnswered += batch.filter(
          (outcome) => outcome.status === 'fulfilled' && outcome.value.status >= 400,
        ).length;
        firstBatchAnswered();
      }
    })();
    await underFlood;
    await runConsentAgent(url.href);
    const credentials = await flow.result;
    flooding = false;
    await flood;
    for (const socket of slow) socket.destroy();
    expect(credentials.accessToken).toBeTruthy();
    expect(junkAnswered).toBeGreaterThanOrEqual(20);
  });
});

describe('errors from the authorization server', () => {
  it('ends on a genuine access_denied with an escaped failure page and a typed error', async () => {
    const flow = start();
    const url = await flow.authorizationUrl;
    const redirectUri = await flow.redirectUri;
    const state = url.searchParams.get('state') ?? '';
    const payload = '<script>alert(document.cookie)</script>';
    const callback = new URL(redirectUri);
    callback.search = new URLSearchParams({
      error: 'access_denied',
      error_description: payload,
      state,
    }).toString();
    const redirect = await fetch(callback, { redirect: 'manual' });
    expect(redirect.status).toBe(303);
    expect(redirect.headers.get('location')).toBe(LANDING_PATH);
    const landing = await raw(redirectUri, { path: LANDING_PATH });
    expect(landing.status).toBe(200);
    expect(landing.body).not.toContain('<script>');
    expect(landing.body).toContain('&lt;script&gt;alert(document.cookie)&lt;/script&gt;');
    expect(landing.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    expect((await failure(flow.result)).code).toBe('AUTHORIZATION_DENIED');
  });
});

describe('failures of its own', () => {
  it('fails before opening the browser when a fixed port is taken, naming the port', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    let opened = false;
    try {
      const strategy = createLoopbackStrategy({
        port,
        openBrowser: () => {
          opened = true;
        },
        output: quiet(),
      });
      const error = await failure(authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy }));
      expect(error.code).toBe('STRATEGY_FAILED');
      expect(error.message).toBe(
        `The loopback receiver could not start: port ${port} on 127.0.0.1 is already in use.`,
      );
      expect(opened).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('says so and keeps waiting when the browser cannot be opened', async () => {
    const out = captureOutput();
    const strategy = createLoopbackStrategy({
      output: out.output,
      // A path, not a name looked up on PATH: a folder on PATH that this user may not read
      // would make it EACCES instead.
      env: { BROWSER: '/nonexistent/no-such-browser-command' },
    });
    let url: URL | undefined;
    const result = authorize({
      clientSecrets,
      scopes: [DRIVE_SCOPE],
      strategy: {
        ...strategy,
        receive: (request) =>
          strategy.receive({
            specificationVersion: 'v1',
            get redirectUri() {
              return request.redirectUri;
            },
            signal: request.signal,
            isGenuineCallback: (p) => request.isGenuineCallback(p),
            completeBareCode: (c) => request.completeBareCode(c),
            buildAuthorizationUrl: (uri) => {
              url = request.buildAuthorizationUrl(uri);
              return url;
            },
          }),
      },
    });
    await out.waitFor(/Could not open a browser/);
    expect(out.text()).toMatch(
      /Could not open a browser \(BROWSER command "\/nonexistent\/no-such-browser-command" could not be started \(ENOENT\)\)\. Open the URL above/,
    );
    await runConsentAgent(url?.href ?? '');
    expect((await result).accessToken).toBeTruthy();
  });

  it('reports a missing display instead of hanging silently, printing the URL when the prompt is off', async () => {
    const out = captureOutput();
    const strategy = createLoopbackStrategy({
      output: out.output,
      env: {},
      authorizationPromptMessage: '',
    });
    const error = await failure(
      authorize({
        clientSecrets,
        scopes: [DRIVE_SCOPE],
        strategy,
        signal: AbortSignal.timeout(300),
      }),
    );
    expect(out.text()).toMatch(
      /^Could not open a browser \(no graphical display.*\)\. Open this URL:\nhttp:\/\/127\.0\.0\.1:\d+\/o\/oauth2\/auth\?/,
    );
    expect(error.code).toBe('AUTHORIZATION_TIMED_OUT');
  });

  it("times out on the caller's deadline with a typed error and leaves no listening socket", async () => {
    const before = listeningServers();
    const strategy = createLoopbackStrategy({ openBrowser: false, output: quiet() });
    const error = await failure(
      authorize({
        clientSecrets,
        scopes: [DRIVE_SCOPE],
        strategy,
        signal: AbortSignal.timeout(100),
      }),
    );
    expect(error.code).toBe('AUTHORIZATION_TIMED_OUT');
    expect(error.message).toBe('Timed out waiting for the sign-in to finish in the browser.');
    expect(listeningServers()).toBe(before);
  });

  it("stops on the caller's cancel and on its deadline", async () => {
    const controller = new AbortController();
    const strategy = createLoopbackStrategy({
      openBrowser: () => controller.abort(),
      output: quiet(),
    });
    const error = await failure(
      authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy, signal: controller.signal }),
    );
    expect(error.code).toBe('AUTHORIZATION_CANCELLED');
    const timedOut = await failure(
      authorize({
        clientSecrets,
        scopes: [DRIVE_SCOPE],
        strategy: createLoopbackStrategy({ openBrowser: false, output: quiet() }),
        signal: AbortSignal.timeout(50),
      }),
    );
    expect(timedOut.code).toBe('AUTHORIZATION_TIMED_OUT');
  });
});

describe('a signal that fires while the port is being bound', () => {
  it('ends with its reason once bound, opening no browser and leaving no listening socket', async () => {
    const before = listeningServers();
    let opened = false;
    const strategy = createLoopbackStrategy({
      openBrowser: () => {
        opened = true;
      },
      output: quiet(),
    });
    const controller = new AbortController();
    const reason = new DOMException('cancelled', 'AbortError');
    const receiving = strategy.receive({
      specificationVersion: 'v1',
      redirectUri: undefined,
      signal: controller.signal,
      buildAuthorizationUrl: (uri) => new URL(`http://127.0.0.1:9/auth?redirect_uri=${uri}`),
      isGenuineCallback: () => false,
      completeBareCode: (code) => new URLSearchParams({ code }),
    });
    controller.abort(reason); // listen() has been asked for, and has not answered yet
    await expect(receiving).rejects.toBe(reason);
    expect(opened).toBe(false);
    // close() has run; libuv frees the socket's handle in the loop's close-callbacks phase,
    // which comes before the next timers phase.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(listeningServers()).toBeLessThanOrEqual(before);
  });
});

describe('a signal that has already fired', () => {
  it('ends at once, before binding or opening anything, with the error its reason calls for', async () => {
    const before = listeningServers();
    let opened = false;
    const strategy = createLoopbackStrategy({
      openBrowser: () => {
        opened = true;
      },
      output: quiet(),
    });
    const timedOut = AbortSignal.abort(new DOMException('too late', 'TimeoutError'));
    const error = await failure(
      authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy, signal: timedOut }),
    );
    expect([error.code, error.message]).toEqual([
      'AUTHORIZATION_TIMED_OUT',
      'Timed out waiting for the sign-in to finish in the browser.',
    ]);
    const cancelled = await failure(
      authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy, signal: AbortSignal.abort() }),
    );
    expect(cancelled.code).toBe('AUTHORIZATION_CANCELLED');
    expect(opened).toBe(false);
    // Nothing was bound (a server of an earlier test may still be closing meanwhile).
    expect(listeningServers()).toBeLessThanOrEqual(before);
  });
});

describe('options are checked before anything is bound', () => {
  it.each([
    [{ host: 'example.com' }, /"host" option must be a loopback IP/],
    [{ host: '10.0.0.1' }, /"host" option must be a loopback IP/],
    [{ port: 70000 }, /"port" option must be an integer/],
    [{ port: 1.5 }, /"port" option must be an integer/],
    [{ redirectPath: 'callback' }, /"redirectPath" option must be a path/],
    [{ redirectPath: '/a?b' }, /"redirectPath" option must be a path/],
    [{ timeout: 120 }, /no "timeout" option here: pass "signal: AbortSignal\.timeout\(ms\)"/],
    [{ openBrowser: 'yes' }, /"openBrowser" option/],
    [{ bindAddress: '0.0.0.0' }, /allowNonLoopbackBind/],
    [{ bindAddress: 'localhost' }, /"bindAddress" option must be an IP address/],
    [{ prot: 8080 }, /unknown option "prot"/],
    [{ successPage: 42 }, /"successPage" option must be a string/],
    [{ signal: AbortSignal.abort() }, /no "signal" option here: pass the signal to authorize\(\)/],
    [{ output: {} }, /"output" option must be a writable stream/],
    [null, /options must be an object/],
  ])('%j', (options, message) => {
    expect(() => createLoopbackStrategy(options as LoopbackOptions)).toThrow(message);
    expect(() => createLoopbackStrategy(options as LoopbackOptions)).toThrow(
      /^\[@installed-oauth\/loopback\]/,
    );
  });

  it('warns when told to listen on a non-loopback address', async () => {
    const out = captureOutput();
    const recorder = urlRecorder();
    const strategy = createLoopbackStrategy({
      bindAddress: '0.0.0.0',
      allowNonLoopbackBind: true,
      host: '127.0.0.1',
      openBrowser: recorder.openBrowser,
      output: out.output,
    });
    const result = authorize({ clientSecrets, scopes: [DRIVE_SCOPE], strategy });
    await runConsentAgent((await recorder.url).href);
    await result;
    expect(out.text()).toMatch(
      /^Warning: listening on 0\.0\.0\.0:\d+, which other machines may reach\./,
    );
  });
});
