/**
 * The conformance kit for redirect strategies: run it in your strategy package's own tests,
 * with any test framework.
 *
 * @example
 * ```ts
 * import { runConformanceChecks } from '@installed-oauth/core/testing';
 *
 * test('conforms to the redirect-strategy contract v1', async () => {
 *   await runConformanceChecks({
 *     createStrategy: () => createMyStrategy({ openBrowser: false }),
 *     // Play the browser: make the strategy receive this redirect as a real one would arrive.
 *     deliver: async (callbackUrl) => { await fetch(callbackUrl); },
 *   });
 * });
 * ```
 */
import { randomBytes } from 'node:crypto';
import { createRedirectRequest } from './redirect-request.js';
import type { RedirectStrategy } from './redirect-strategy.js';

export interface ConformanceOptions {
  /** Makes the strategy under test. Called once per check, and reused for the second run. */
  createStrategy(): RedirectStrategy | Promise<RedirectStrategy>;
  /**
   * Plays the browser or the user: makes the strategy receive `callbackUrl` (its redirect URI
   * with the callback's query) the way a real redirect reaches it — an HTTP request for a
   * loopback receiver, a pasted line for a console prompt. Junk is delivered the same way.
   */
  deliver(
    callbackUrl: URL,
    context: { authorizationUrl: URL; strategy: RedirectStrategy },
  ): Promise<void>;
  /**
   * Milliseconds each check may take before it fails (default 60 000). A guard against a
   * strategy that never settles, not a speed test: keep it generous on busy CI machines. An
   * attempt still running when its check ends is aborted, so its sockets and timers go away.
   */
  timeout?: number;
}

export interface ConformanceResult {
  check: string;
  passed: boolean;
  /** Why it failed. */
  failure?: string;
}

/** Thrown by {@link runConformanceChecks} when a check fails; lists every result. */
export class ConformanceError extends Error {
  override readonly name = 'ConformanceError';
  constructor(readonly results: readonly ConformanceResult[]) {
    const failed = results.filter((result) => !result.passed);
    super(
      `${failed.length} of ${results.length} conformance checks failed:\n${failed
        .map((result) => `  ✗ ${result.check}: ${result.failure}`)
        .join('\n')}`,
    );
  }
}

const ISSUER = 'https://authorization-server.invalid';

class CheckFailure extends Error {}

function expect(condition: boolean, message: string): void {
  if (!condition) throw new CheckFailure(message);
}

function entries(parameters: URLSearchParams): string {
  return JSON.stringify([...parameters]);
}

interface Attempt {
  state: string;
  controller: AbortController;
  outcome: Promise<{ value?: URLSearchParams; error?: unknown }>;
  authorizationUrl: Promise<URL>;
  redirectUri(): string;
  urlBuildCount(): number;
  settled(): boolean;
  callback(parameters: Record<string, string>): URL;
}

/** The attempts a check started, so that the kit can abort those still running at its end. */
type Attempts = Attempt[];

function startAttempt(strategy: RedirectStrategy, attempts: Attempts): Attempt {
  const state = randomBytes(32).toString('base64url');
  const controller = new AbortController();
  let announce!: (url: URL) => void;
  const authorizationUrl = new Promise<URL>((resolve) => {
    announce = resolve;
  });
  const { request, record } = createRedirectRequest({
    state,
    signal: controller.signal,
    strategyName: strategy.name,
    buildUrl(redirectUri) {
      const url = new URL(`${ISSUER}/o/oauth2/auth`);
      url.search = new URLSearchParams({
        client_id: 'conformance-kit.apps.example',
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'openid',
        state,
        code_challenge: randomBytes(32).toString('base64url'),
        code_challenge_method: 'S256',
      }).toString();
      announce(url);
      return url;
    },
  });
  let settled = false;
  const outcome = Promise.resolve()
    .then(() => strategy.receive(request))
    .then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    )
    .finally(() => {
      settled = true;
    });
  const attempt: Attempt = {
    state,
    controller,
    outcome,
    authorizationUrl,
    redirectUri: () => record.redirectUri ?? '',
    urlBuildCount: () => record.urlBuildCount,
    settled: () => settled,
    callback(parameters) {
      // Called only after the authorization URL was built, so the redirect URI is known.
      const url = new URL(String(record.redirectUri));
      url.search = new URLSearchParams(parameters).toString();
      return url;
    },
  };
  attempts.push(attempt);
  return attempt;
}

function genuine(state: string): Record<string, string> {
  return {
    code: `4/0A${randomBytes(24).toString('base64url')}`,
    scope: 'openid https://www.googleapis.com/auth/drive.metadata.readonly',
    state,
    iss: ISSUER,
    authuser: '0',
    prompt: 'consent',
  };
}

/** Delivers a genuine callback for the attempt and waits for receive() to settle. */
async function deliverGenuine(
  attempt: Attempt,
  authorizationUrl: URL,
  strategy: RedirectStrategy,
  options: ConformanceOptions,
): Promise<{ expected: URLSearchParams; value?: URLSearchParams; error?: unknown }> {
  const expected = new URLSearchParams(genuine(attempt.state));
  await options.deliver(attempt.callback(Object.fromEntries(expected)), {
    authorizationUrl,
    strategy,
  });
  return { expected, ...(await attempt.outcome) };
}

async function completeGenuineRun(
  strategy: RedirectStrategy,
  options: ConformanceOptions,
  attempts: Attempts,
): Promise<void> {
  const attempt = startAttempt(strategy, attempts);
  const authorizationUrl = await attempt.authorizationUrl;
  const { expected, value, error } = await deliverGenuine(
    attempt,
    authorizationUrl,
    strategy,
    options,
  );
  expect(error === undefined, `receive() rejected: ${String(error)}`);
  expect(value instanceof URLSearchParams, 'receive() must resolve with URLSearchParams');
  expect(
    entries(value as URLSearchParams) === entries(expected),
    `parameters changed: got ${entries(value as URLSearchParams)}`,
  );
  expect(
    attempt.urlBuildCount() === 1,
    `built the authorization URL ${attempt.urlBuildCount()} times; exactly once is required`,
  );
}

type Check = (options: ConformanceOptions, attempts: Attempts) => Promise<void>;

const CHECKS: [string, Check][] = [
  [
    'declares a name and specificationVersion "v1"',
    async ({ createStrategy }) => {
      const strategy = await createStrategy();
      expect(
        typeof strategy.name === 'string' && strategy.name.length > 0,
        'name must be a non-empty string',
      );
      expect(
        strategy.specificationVersion === 'v1',
        `specificationVersion is ${JSON.stringify(strategy.specificationVersion)}`,
      );
      expect(typeof strategy.receive === 'function', 'receive must be a function');
    },
  ],
  [
    'builds the authorization URL once and returns the genuine callback unmodified',
    async (options, attempts) =>
      completeGenuineRun(await options.createStrategy(), options, attempts),
  ],
  [
    'returns an error callback unmodified instead of interpreting it',
    async (options, attempts) => {
      const strategy = await options.createStrategy();
      const attempt = startAttempt(strategy, attempts);
      const authorizationUrl = await attempt.authorizationUrl;
      const expected = new URLSearchParams({
        error: 'access_denied',
        error_description: 'The user denied <b>access</b>',
        state: attempt.state,
        iss: ISSUER,
      });
      await options.deliver(attempt.callback(Object.fromEntries(expected)), {
        authorizationUrl,
        strategy,
      });
      const { value, error } = await attempt.outcome;
      expect(
        error === undefined,
        `receive() rejected instead of returning the parameters: ${String(error)}`,
      );
      expect(
        entries(value as URLSearchParams) === entries(expected),
        `parameters changed: got ${entries(value as URLSearchParams)}`,
      );
    },
  ],
  [
    'ignores junk callbacks (wrong state, no state, forged error) and keeps waiting',
    async (options, attempts) => {
      const strategy = await options.createStrategy();
      const attempt = startAttempt(strategy, attempts);
      const authorizationUrl = await attempt.authorizationUrl;
      const junk: Record<string, string>[] = [
        { code: 'stolen', state: randomBytes(32).toString('base64url') },
        { code: 'no-state' },
        { error: 'access_denied' },
        { error: 'access_denied', state: 'wrong' },
      ];
      for (const parameters of junk) {
        await options.deliver(attempt.callback(parameters), { authorizationUrl, strategy });
      }
      // A strategy that settled on junk is caught here, or by the parameters it returns below.
      expect(!attempt.settled(), 'settled on a junk callback');
      const { expected, value, error } = await deliverGenuine(
        attempt,
        authorizationUrl,
        strategy,
        options,
      );
      expect(error === undefined, `receive() rejected: ${String(error)}`);
      expect(
        entries(value as URLSearchParams) === entries(expected),
        'did not return the genuine callback after junk',
      );
    },
  ],
  [
    "rejects with the signal's reason when aborted",
    async (options, attempts) => {
      const strategy = await options.createStrategy();
      const attempt = startAttempt(strategy, attempts);
      await attempt.authorizationUrl;
      const reason = new Error('conformance kit: aborted on purpose');
      attempt.controller.abort(reason);
      const { value, error } = await attempt.outcome;
      expect(value === undefined, 'resolved after the signal aborted');
      expect(error === reason, `rejected with ${String(error)} instead of signal.reason`);
    },
  ],
  [
    'releases its resources: the same strategy completes a second attempt',
    async (options, attempts) => {
      const strategy = await options.createStrategy();
      const servers = () =>
        process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap').length;
      const before = servers();
      await completeGenuineRun(strategy, options, attempts);
      await completeGenuineRun(strategy, options, attempts);
      // Contract v1: every socket is released before receive() settles.
      expect(servers() <= before, 'a listening socket is still open after the attempts settled');
    },
  ],
];

/** How long the kit waits for an aborted attempt to settle before it moves on without it. */
const ABANDON_WAIT_MS = 5000;

/**
 * Aborts the attempts a check left running (it failed or timed out) and waits, bounded, for
 * them to settle, so that a failing strategy does not leave its sockets open for the next check.
 */
async function abandon(attempts: Attempts): Promise<void> {
  const running = attempts.filter((attempt) => !attempt.settled());
  if (running.length === 0) return;
  for (const attempt of running) {
    attempt.controller.abort(new Error('conformance kit: the check ended'));
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(running.map((attempt) => attempt.outcome)),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ABANDON_WAIT_MS);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}

/**
 * Runs every check of contract v1 against a strategy. Resolves with the results when all
 * pass; rejects with a {@link ConformanceError} listing the failures otherwise.
 */
export async function runConformanceChecks(
  options: ConformanceOptions,
): Promise<ConformanceResult[]> {
  if (typeof options?.createStrategy !== 'function' || typeof options.deliver !== 'function') {
    throw new TypeError(
      '[@installed-oauth/core/testing] runConformanceChecks() needs createStrategy() and deliver()',
    );
  }
  const timeout = options.timeout ?? 60_000;
  const results: ConformanceResult[] = [];
  for (const [check, run] of CHECKS) {
    const attempts: Attempts = [];
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new CheckFailure(`did not finish within ${timeout} ms`)),
        timeout,
      );
    });
    try {
      await Promise.race([run(options, attempts), timedOut]);
      results.push({ check, passed: true });
    } catch (error) {
      results.push({
        check,
        passed: false,
        failure: error instanceof Error ? error.message : String(error),
      });
    } finally {
      clearTimeout(timer);
      await abandon(attempts);
    }
  }
  if (results.some((result) => !result.passed)) throw new ConformanceError(results);
  return results;
}
