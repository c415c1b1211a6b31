import { readFile } from 'node:fs/promises';
import { runConsentAgent } from '@installed-oauth/sandbox';
import { useSandbox } from '@installed-oauth/test-support';
import { describe, expect, it } from '@jest/globals';
import { createTinyLoopbackStrategy } from '../examples/tiny-loopback-strategy.js';
import { authorize, type RedirectRequest, type RedirectStrategy } from '../src/index.js';
import { ConformanceError, type ConformanceResult, runConformanceChecks } from '../src/testing.js';
import { DRIVE_SCOPE, sandboxSecrets } from './helpers.js';

const silent = { showUrl: () => {} };
const fetchCallback = async (url: URL) => {
  await (await fetch(url)).text();
};

describe('the README example strategy', () => {
  it('is the file the README shows, word for word', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    const example = await readFile(
      new URL('../examples/tiny-loopback-strategy.ts', import.meta.url),
      'utf8',
    );
    expect(readme).toContain(example.trim());
  });

  it('passes the conformance kit', async () => {
    const results = await runConformanceChecks({
      createStrategy: () => createTinyLoopbackStrategy(silent),
      deliver: fetchCallback,
    });
    expect(results.map((result) => result.passed)).toEqual(results.map(() => true));
    expect(results.length).toBeGreaterThanOrEqual(6);
  });

  describe('against the sandbox', () => {
    const sandbox = useSandbox();

    it('completes a real authorization, the consent agent playing the browser', async () => {
      const credentials = await authorize({
        clientSecrets: sandboxSecrets(sandbox),
        scopes: [DRIVE_SCOPE],
        strategy: createTinyLoopbackStrategy({ showUrl: (url) => void runConsentAgent(url.href) }),
        signal: AbortSignal.timeout(120_000),
      });
      expect(credentials.scopes).toEqual([DRIVE_SCOPE]);
    });
  });
});

describe('the conformance kit catches broken strategies', () => {
  async function failedChecks(
    createStrategy: () => RedirectStrategy,
    timeout?: number,
  ): Promise<string[]> {
    try {
      await runConformanceChecks({ createStrategy, deliver: fetchCallback, timeout });
    } catch (error) {
      expect(error).toBeInstanceOf(ConformanceError);
      return (error as ConformanceError).results
        .filter((result) => !result.passed)
        .map((result) => result.check);
    }
    return [];
  }

  /** Every result of the kit, passed or failed. */
  async function resultsOf(
    createStrategy: () => RedirectStrategy,
    timeout?: number,
  ): Promise<ConformanceResult[]> {
    try {
      return await runConformanceChecks({ createStrategy, deliver: fetchCallback, timeout });
    } catch (error) {
      expect(error).toBeInstanceOf(ConformanceError);
      return [...(error as ConformanceError).results];
    }
  }

  /** The request's methods and signal as own properties, to override one of them. */
  function bind(request: RedirectRequest): RedirectRequest {
    return {
      specificationVersion: 'v1',
      get redirectUri() {
        return request.redirectUri;
      },
      signal: request.signal,
      buildAuthorizationUrl: (uri) => request.buildAuthorizationUrl(uri),
      isGenuineCallback: (parameters) => request.isGenuineCallback(parameters),
      completeBareCode: (code) => request.completeBareCode(code),
    };
  }

  /** Wraps the good example, changing what `receive` does with the request. */
  function variant(
    change: (strategy: RedirectStrategy) => RedirectStrategy['receive'],
  ): () => RedirectStrategy {
    return () => {
      const good = createTinyLoopbackStrategy(silent);
      return { ...good, receive: change(good) };
    };
  }

  it('a strategy that interprets error= itself', async () => {
    const failed = await failedChecks(
      variant((good) => async (request) => {
        const parameters = await good.receive(request);
        if (parameters.has('error')) throw new Error(`denied: ${parameters.get('error')}`);
        return parameters;
      }),
    );
    expect(failed).toEqual(['returns an error callback unmodified instead of interpreting it']);
  });

  it('a strategy that drops parameters it does not know', async () => {
    const failed = await failedChecks(
      variant((good) => async (request) => {
        const parameters = await good.receive(request);
        return new URLSearchParams({
          code: parameters.get('code') ?? '',
          state: parameters.get('state') ?? '',
        });
      }),
    );
    expect(failed).toContain(
      'builds the authorization URL once and returns the genuine callback unmodified',
    );
  });

  it('a strategy that ignores abort', async () => {
    const deafSignals: AbortController[] = [];
    const failed = await failedChecks(
      variant((good) => (request) => {
        const deaf = new AbortController();
        deafSignals.push(deaf);
        return good.receive({ ...bind(request), signal: deaf.signal });
      }),
      // The broken check can only end by the kit's time limit: a short one keeps this quick.
      1000,
    );
    expect(failed).toEqual(
      expect.arrayContaining([
        "when cancelled (the signal aborts), rejects with the signal's reason and holds nothing",
        "when the caller's deadline passes (a TimeoutError), rejects with it and holds nothing",
      ]),
    );
    for (const controller of deafSignals) controller.abort(); // close what the deaf strategy left open
  });

  it('a strategy that settles on the first callback, junk or not', async () => {
    const failed = await failedChecks(
      variant(
        (good) => (request) => good.receive({ ...bind(request), isGenuineCallback: () => true }),
      ),
    );
    expect(failed).toContain(
      'ignores junk callbacks (wrong state, no state, forged error, duplicated or injected parameters, another issuer) and keeps waiting',
    );
  });

  it('a strategy that fails with a plain Error, naming the rule', async () => {
    const results = await resultsOf(
      variant(() => async (request) => {
        request.buildAuthorizationUrl('http://127.0.0.1:45678/');
        throw new Error('port in use');
      }),
    );
    const genuine = results.find((result) =>
      result.check.startsWith('builds the authorization URL'),
    );
    expect(genuine?.failure).toBe(
      'receive() rejected: Error: port in use (rule 7: fail with an InstalledOAuthError, STRATEGY_FAILED)',
    );
  });

  it('a strategy that ignores a signal aborted before the start', async () => {
    const ignored: AbortController[] = [];
    const results = await resultsOf(
      variant((good) => (request) => {
        if (!request.signal.aborted) return good.receive(request);
        // Starts listening anyway, on a signal of its own.
        const own = new AbortController();
        ignored.push(own);
        return good.receive({ ...bind(request), signal: own.signal });
      }),
      1000,
    );
    for (const controller of ignored) controller.abort(); // close what it left listening
    const check = results.find((result) =>
      result.check.startsWith('with a signal already aborted'),
    );
    expect(check?.failure).toBe(
      'did not finish within 1000 ms, waiting for receive() to reject with the already-aborted reason (rule 5)',
    );
  });

  it('a strategy that leaves a timer behind, naming the resource and the rule', async () => {
    const timers: NodeJS.Timeout[] = [];
    const results = await resultsOf(
      variant((good) => async (request) => {
        timers.push(setTimeout(() => {}, 600_000)); // a reminder it never clears
        return good.receive(request);
      }),
      // Each failing check looks for the timer to go until shortly before its time is up.
      3000,
    );
    for (const timer of timers) clearTimeout(timer);
    const check = results.find((result) => result.check.startsWith('releases its resources'));
    // The count is of every timer the process holds: the browser side's HTTP client may have
    // one more or one fewer open than when the check began, so only the kind and the rule are
    // certain.
    expect(check?.failure).toMatch(
      /^left behind after two genuine callbacks: Timeout ×\d+; rule 6: release every socket, timer, watcher and child process before settling$/,
    );
  });

  describe('a strategy that leaves its server open on one ending', () => {
    /**
     * The README's strategy, changed so that on the ending `leaky` it settles without closing
     * its server (as when Ctrl-C or a time limit skips the cleanup). Returns the kit's
     * failures, closing what the strategy left open afterwards.
     */
    async function failuresWhenLeaking(
      leaky: (request: RedirectRequest) => boolean,
    ): Promise<Map<string, string>> {
      const left: { close(): void }[] = [];
      const results = await resultsOf(
        variant((good) => async (request) => {
          // The server the real one would have: listening, and closed only on a clean ending.
          const { createServer } = await import('node:http');
          const server = createServer().listen(0, '127.0.0.1');
          try {
            const parameters = await good.receive(request);
            server.close();
            return parameters;
          } catch (error) {
            if (leaky(request)) left.push(server);
            else server.close();
            throw error;
          }
        }),
        3000,
      );
      for (const server of left) server.close();
      return new Map(
        results
          .filter((result) => !result.passed)
          .map((result) => [result.check, result.failure ?? '']),
      );
    }
    // The kit counts the whole process's resources: a timer of the HTTP client's may be counted
    // beside the server, so the server's kind, count, the ending and the rule are what is sure.
    const naming = (ending: string) =>
      new RegExp(
        `^left behind after ${ending}: (\\w+ ×\\d+, )*TCPServerWrap ×1(, \\w+ ×\\d+)*; rule 6: release every socket`,
      );
    const reasonName = (request: RedirectRequest) =>
      (request.signal.reason as { name?: string } | undefined)?.name;

    it('after a cancel, naming the ending, the resource and the rule', async () => {
      const failures = await failuresWhenLeaking(
        (request) => request.signal.aborted && reasonName(request) !== 'TimeoutError',
      );
      expect(
        failures.get(
          "when cancelled (the signal aborts), rejects with the signal's reason and holds nothing",
        ),
      ).toMatch(naming('the cancel'));
    });

    it("after the caller's deadline", async () => {
      const failures = await failuresWhenLeaking(
        (request) => reasonName(request) === 'TimeoutError',
      );
      expect([...failures.keys()]).toEqual([
        "when the caller's deadline passes (a TimeoutError), rejects with it and holds nothing",
      ]);
      expect([...failures.values()][0]).toMatch(naming('the deadline'));
    });

    it('after an error', async () => {
      const failures = await failuresWhenLeaking((request) => !request.signal.aborted);
      expect(
        failures.get('when building the authorization URL fails, rejects and holds nothing'),
      ).toMatch(naming('the failure'));
    });
  });

  it('a strategy that keeps using the request after it settled', async () => {
    const results = await resultsOf(
      variant((good) => async (request) => {
        const parameters = await good.receive(request);
        setImmediate(() => request.isGenuineCallback(parameters));
        return parameters;
      }),
    );
    const check = results.find((result) => result.check.startsWith('releases its resources'));
    expect(check?.failure).toMatch(
      /used the request after receive\(\) settled \(isGenuineCallback/,
    );
  });

  it('the kit itself, called without a strategy factory, with a TypeError', async () => {
    await expect(runConformanceChecks(undefined as never)).rejects.toThrow(
      /runConformanceChecks\(\) needs createStrategy\(\) and deliver\(\)/,
    );
  });

  it('a strategy with the wrong specificationVersion', async () => {
    const failed = await failedChecks(() => ({
      ...createTinyLoopbackStrategy(silent),
      specificationVersion: 'v0' as 'v1',
    }));
    expect(failed).toContain('declares a name and specificationVersion "v1"');
  });
});
