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
import { InstalledOAuthError } from './errors.js';
import { createRedirectRequest } from './redirect-request.js';
import type { RedirectRequest, RedirectStrategy } from './redirect-strategy.js';

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
  timeout?: number | undefined;
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

function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new CheckFailure(message);
}

/** A rejection in words; one that is not an InstalledOAuthError also names rule 7. */
function describeRejection(error: unknown): string {
  const typed =
    error instanceof Error &&
    error.name === 'InstalledOAuthError' &&
    typeof (error as { code?: unknown }).code === 'string';
  return typed
    ? `${(error as unknown as { code: string }).code}: ${error.message}`
    : `${String(error)} (rule 7: fail with an InstalledOAuthError, STRATEGY_FAILED)`;
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
  /** The request methods called after receive() settled. */
  lateCalls(): string[];
  callback(parameters: Record<string, string> | [string, string][]): URL;
}

/** What one check is doing, so that a failure can say where it stopped. */
interface CheckContext {
  /** The attempts started, so that the kit can abort those still running at the check's end. */
  attempts: Attempt[];
  /** What the check is waiting for now, named in a time-out failure. */
  stage: string;
  /** When the check's time is up (Date.now() milliseconds). */
  deadline: number;
  /** Milliseconds the check may take. */
  timeout: number;
}

function startAttempt(
  strategy: RedirectStrategy,
  context: CheckContext,
  options: { controller?: AbortController; failUrl?: boolean } = {},
): Attempt {
  const controller = options.controller ?? new AbortController();
  const state = randomBytes(32).toString('base64url');
  let announce!: (url: URL) => void;
  const authorizationUrl = new Promise<URL>((resolve) => {
    announce = resolve;
  });
  const { request: coreRequest, record } = createRedirectRequest({
    state,
    issuer: ISSUER,
    signal: controller.signal,
    strategyName: strategy.name,
    buildUrl(redirectUri) {
      if (options.failUrl) {
        // As core refuses a redirect URI the client does not allow: the strategy must fail.
        throw new InstalledOAuthError(
          'STRATEGY_CONTRACT_VIOLATION',
          'conformance kit: this authorization URL cannot be built, on purpose',
        );
      }
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
  const lateCalls: string[] = [];
  /** The request, noting any use of it after receive() settled (rule 6: no work after it). */
  const late =
    <A extends unknown[], R>(name: string, method: (...args: A) => R) =>
    (...args: A): R => {
      if (settled) lateCalls.push(name);
      return method(...args);
    };
  const request: RedirectRequest = Object.freeze({
    specificationVersion: coreRequest.specificationVersion,
    signal: coreRequest.signal,
    get redirectUri() {
      return coreRequest.redirectUri;
    },
    buildAuthorizationUrl: late('buildAuthorizationUrl', coreRequest.buildAuthorizationUrl),
    isGenuineCallback: late('isGenuineCallback', coreRequest.isGenuineCallback),
    completeBareCode: late('completeBareCode', coreRequest.completeBareCode),
  });
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
    lateCalls: () => lateCalls,
    callback(parameters) {
      // Called only after the authorization URL was built, so the redirect URI is known.
      const url = new URL(String(record.redirectUri));
      url.search = new URLSearchParams(parameters).toString();
      return url;
    },
  };
  context.attempts.push(attempt);
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

/**
 * Delivers a genuine callback for the attempt, waits for receive() to settle, and checks that
 * it resolved with exactly those parameters (`changed` words the failure when not).
 */
async function deliverGenuine(
  attempt: Attempt,
  authorizationUrl: URL,
  strategy: RedirectStrategy,
  options: ConformanceOptions,
  context: CheckContext,
  changed: (got: string) => string,
): Promise<void> {
  const expected = new URLSearchParams(genuine(attempt.state));
  context.stage = 'delivering the genuine callback (deliver())';
  try {
    await options.deliver(attempt.callback(Object.fromEntries(expected)), {
      authorizationUrl,
      strategy,
    });
  } catch (error) {
    // A strategy that already failed has nothing listening: report its failure, not this one.
    if (!attempt.settled()) throw error;
  }
  context.stage = 'waiting for receive() to resolve with the genuine callback (rule 3)';
  const { value, error } = await attempt.outcome;
  expect(error === undefined, `receive() rejected: ${describeRejection(error)}`);
  expect(value instanceof URLSearchParams, 'receive() must resolve with URLSearchParams');
  expect(entries(value) === entries(expected), changed(entries(value)));
}

/** Starts an attempt and waits for its authorization URL. */
async function startAndBuild(
  strategy: RedirectStrategy,
  context: CheckContext,
): Promise<{ attempt: Attempt; authorizationUrl: URL }> {
  const attempt = startAttempt(strategy, context);
  context.stage = 'waiting for receive() to build the authorization URL (rule 1)';
  const authorizationUrl = await attempt.authorizationUrl;
  return { attempt, authorizationUrl };
}

async function completeGenuineRun(
  strategy: RedirectStrategy,
  options: ConformanceOptions,
  context: CheckContext,
): Promise<void> {
  const { attempt, authorizationUrl } = await startAndBuild(strategy, context);
  await deliverGenuine(
    attempt,
    authorizationUrl,
    strategy,
    options,
    context,
    (got) => `parameters changed: got ${got}`,
  );
  expect(
    attempt.urlBuildCount() === 1,
    `built the authorization URL ${attempt.urlBuildCount()} times; exactly once is required`,
  );
}

type Check = (options: ConformanceOptions, context: CheckContext) => Promise<void>;

/**
 * Aborts a started attempt with `reason` and checks the ending: rejected with that reason
 * (rule 5) and nothing left open (rule 6). `ending` names it in failures.
 */
async function abortAndCheck(
  strategy: RedirectStrategy,
  context: CheckContext,
  reason: unknown,
  ending: string,
): Promise<void> {
  const before = activeResources();
  const { attempt } = await startAndBuild(strategy, context);
  attempt.controller.abort(reason);
  context.stage = `waiting for receive() to settle after ${ending} (rule 5)`;
  const { value, error } = await attempt.outcome;
  expect(value === undefined, `resolved after ${ending}`);
  expect(error === reason, `rejected with ${String(error)} instead of signal.reason (rule 5)`);
  await expectNothingLeft(before, context, ending);
}

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
    async (options, context) =>
      completeGenuineRun(await options.createStrategy(), options, context),
  ],
  [
    'returns an error callback unmodified instead of interpreting it',
    async (options, context) => {
      const strategy = await options.createStrategy();
      const { attempt, authorizationUrl } = await startAndBuild(strategy, context);
      const expected = new URLSearchParams({
        error: 'access_denied',
        error_description: 'The user denied <b>access</b>',
        state: attempt.state,
        iss: ISSUER,
      });
      context.stage = 'delivering an error callback (deliver())';
      await options.deliver(attempt.callback(Object.fromEntries(expected)), {
        authorizationUrl,
        strategy,
      });
      context.stage = 'waiting for receive() to resolve with the error callback (rule 3)';
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
    'ignores junk callbacks (wrong state, no state, forged error, duplicated or injected parameters, another issuer) and keeps waiting',
    async (options, context) => {
      const strategy = await options.createStrategy();
      const before = activeResources();
      const { attempt, authorizationUrl } = await startAndBuild(strategy, context);
      const junk: (Record<string, string> | [string, string][])[] = [
        { code: 'stolen', state: randomBytes(32).toString('base64url') },
        { code: 'no-state' },
        { error: 'access_denied' },
        { error: 'access_denied', state: 'wrong' },
        // The right state, but what core would refuse: isGenuineCallback says no to each.
        [
          ['code', 'one'],
          ['code', 'two'],
          ['state', attempt.state],
        ],
        { code: 'x', state: attempt.state, iss: 'https://another-issuer.invalid' },
        { code: 'x', state: attempt.state, access_token: 'injected' },
        { state: attempt.state },
      ];
      context.stage = 'delivering junk callbacks (deliver())';
      for (const parameters of junk) {
        await options.deliver(attempt.callback(parameters), { authorizationUrl, strategy });
      }
      // A strategy that settled on junk is caught here, or by the parameters it returns below.
      expect(!attempt.settled(), 'settled on a junk callback');
      await deliverGenuine(
        attempt,
        authorizationUrl,
        strategy,
        options,
        context,
        () => 'did not return the genuine callback after junk',
      );
      await expectNothingLeft(before, context, 'junk and then the genuine callback');
    },
  ],
  [
    "when cancelled (the signal aborts), rejects with the signal's reason and holds nothing",
    async (options, context) =>
      abortAndCheck(
        await options.createStrategy(),
        context,
        new Error('conformance kit: cancelled on purpose'),
        'the cancel',
      ),
  ],
  [
    "when the caller's deadline passes (a TimeoutError), rejects with it and holds nothing",
    async (options, context) =>
      abortAndCheck(
        await options.createStrategy(),
        context,
        new DOMException('conformance kit: the deadline passed', 'TimeoutError'),
        'the deadline',
      ),
  ],
  [
    'when building the authorization URL fails, rejects and holds nothing',
    async (options, context) => {
      const strategy = await options.createStrategy();
      const before = activeResources();
      const attempt = startAttempt(strategy, context, { failUrl: true });
      context.stage =
        'waiting for receive() to reject after buildAuthorizationUrl() threw (rule 7)';
      const { value, error } = await attempt.outcome;
      expect(value === undefined, 'resolved although the authorization URL could not be built');
      expect(error !== undefined, 'settled without an error');
      await expectNothingLeft(before, context, 'the failure');
    },
  ],
  [
    'with a signal already aborted, rejects at once with its reason and holds nothing',
    async (options, context) => {
      const strategy = await options.createStrategy();
      const before = activeResources();
      const controller = new AbortController();
      const reason = new Error('conformance kit: aborted before the start');
      controller.abort(reason);
      const attempt = startAttempt(strategy, context, { controller });
      context.stage = 'waiting for receive() to reject with the already-aborted reason (rule 5)';
      const { value, error } = await attempt.outcome;
      expect(value === undefined, 'resolved although the signal had already aborted (rule 5)');
      expect(error === reason, `rejected with ${String(error)} instead of signal.reason (rule 5)`);
      expect(
        attempt.urlBuildCount() === 0,
        'built the authorization URL although the signal had already aborted (rule 5)',
      );
      await expectNothingLeft(before, context, 'the early rejection');
    },
  ],
  [
    'releases its resources: the same strategy completes a second attempt',
    async (options, context) => {
      const strategy = await options.createStrategy();
      const before = activeResources();
      await completeGenuineRun(strategy, options, context);
      await completeGenuineRun(strategy, options, context);
      await expectNothingLeft(before, context, 'two genuine callbacks');
      const late = context.attempts.flatMap((attempt) => attempt.lateCalls());
      expect(
        late.length === 0,
        `used the request after receive() settled (${late.join(', ')}); rule 6: no work after settling`,
      );
    },
  ],
];

/** Counts of each kind of resource keeping the process alive (sockets, timers, processes…). */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo())
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** What is open now that was not open in `before`, e.g. "Timeout ×1, ProcessWrap ×1". */
function leftBehind(before: Map<string, number>): string {
  return [...activeResources()]
    .filter(([kind, count]) => count > (before.get(kind) ?? 0))
    .map(([kind, count]) => `${kind} ×${count - (before.get(kind) ?? 0)}`)
    .join(', ');
}

/** How long the kit lets closing sockets finish closing before it calls them left behind. */
const CLOSE_GRACE_MS = 10_000;

/**
 * Fails unless every resource opened since `before` is gone. Sockets the browser side opened
 * close a moment after the strategy closed its end, so this looks again for a while before it
 * fails: at most CLOSE_GRACE_MS, and always ending before the check's own time is up, so that
 * the failure names what was left rather than "did not finish".
 *
 * The counts are the whole process's, per kind: a socket of the strategy's left open is seen
 * unless a socket of the same kind (the browser side's HTTP client's) closed meanwhile.
 */
async function expectNothingLeft(
  before: Map<string, number>,
  context: CheckContext,
  ending: string,
): Promise<void> {
  context.stage = `waiting for what receive() opened to be released after ${ending} (rule 6)`;
  const margin = Math.min(1000, context.timeout / 4);
  const deadline = Math.min(Date.now() + CLOSE_GRACE_MS, context.deadline - margin);
  let left = leftBehind(before);
  while (left && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    left = leftBehind(before);
  }
  expect(
    left === '',
    `left behind after ${ending}: ${left}; rule 6: release every socket, timer, watcher and child process before settling`,
  );
}

/** How long the kit waits for an aborted attempt to settle before it moves on without it. */
const ABANDON_WAIT_MS = 2000;

/**
 * Aborts the attempts a check left running (it failed or timed out) and waits, bounded, for
 * them to settle, so that a failing strategy does not leave its sockets open for the next check.
 */
async function abandon(attempts: Attempt[]): Promise<void> {
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
    const context: CheckContext = {
      attempts: [],
      stage: 'creating the strategy (createStrategy())',
      deadline: Date.now() + timeout,
      timeout,
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new CheckFailure(`did not finish within ${timeout} ms, ${context.stage}`)),
        timeout,
      );
    });
    try {
      await Promise.race([run(options, context), timedOut]);
      results.push({ check, passed: true });
    } catch (error) {
      results.push({
        check,
        passed: false,
        failure: error instanceof Error ? error.message : String(error),
      });
    } finally {
      clearTimeout(timer);
      await abandon(context.attempts);
    }
  }
  if (results.some((result) => !result.passed)) throw new ConformanceError(results);
  return results;
}
