import { type Sandbox, type SandboxOptions, startSandbox } from '@installed-oauth/sandbox';
import { afterAll, beforeAll } from '@jest/globals';

/**
 * Starts a sandbox before the tests of the calling file (or `describe` block) and closes it
 * after them. The returned object stands for the running sandbox: use it inside tests and
 * hooks, not at the top level of the file, where the sandbox has not started yet.
 *
 * @example
 * ```ts
 * const sandbox = useSandbox();
 * it('signs in', async () => { await fetch(sandbox.tokenEndpoint, …); });
 * ```
 */
export function useSandbox(options?: SandboxOptions): Sandbox {
  let running: Sandbox | undefined;
  beforeAll(async () => {
    running = await startSandbox(options);
  });
  afterAll(async () => {
    await running?.close();
    running = undefined;
  });
  const current = (): Sandbox => {
    if (!running) {
      throw new Error(
        'useSandbox(): the sandbox runs only between beforeAll and afterAll; use it inside a test or hook',
      );
    }
    return running;
  };
  return new Proxy({} as Sandbox, {
    get: (_, property) => Reflect.get(current(), property),
    set: (_, property, value) => Reflect.set(current(), property, value),
  });
}

/**
 * Ends a grant at the sandbox, as a user does on their Google account's permissions page: the
 * refresh token and every access token of the grant stop working.
 */
export async function revokeAtServer(sandbox: Sandbox, token: string): Promise<void> {
  const response = await fetch(sandbox.revocationEndpoint, {
    method: 'POST',
    body: new URLSearchParams({
      token,
      client_id: sandbox.clientId,
      client_secret: sandbox.clientSecret,
    }),
  });
  if (!response.ok) throw new Error(`revocation answered ${response.status}`);
}

/**
 * The HTTP status the sandbox answers a refresh with `refreshToken` (200 while its grant
 * lives, 400 once it has ended), asked as the client itself would.
 */
export async function refreshStatusAtServer(
  sandbox: Sandbox,
  refreshToken: string,
): Promise<number> {
  const response = await fetch(sandbox.tokenEndpoint, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: sandbox.clientId,
      client_secret: sandbox.clientSecret,
    }),
  });
  await response.body?.cancel();
  return response.status;
}
