import { runConsentAgent, type Sandbox } from '@installed-oauth/sandbox';
import {
  type ClientSecrets,
  type Credentials,
  credentialsFromTokenResponse,
  parseClientSecrets,
  type RedirectRequest,
  type RedirectStrategy,
} from '../src/index.js';

export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive.metadata.readonly';

/** Credentials as a sign-in gives them, for tests that need some but no server. */
export const someCredentials: Credentials = credentialsFromTokenResponse(
  { access_token: 'ya29.x', refresh_token: '1//x', expires_in: 3600, scope: DRIVE_SCOPE },
  { receivedAt: Date.now() },
);

export function sandboxSecrets(sandbox: Sandbox): ClientSecrets {
  return parseClientSecrets(sandbox.clientSecrets, { allowInsecureTransport: true });
}

export interface AgentStrategyOptions {
  deny?: boolean;
  /** The e-mail address the "user" signs in with (the sandbox takes any). */
  login?: string;
  /** Scopes whose box the "user" clears on the consent screen. */
  untick?: readonly string[];
  redirectUri?: string;
  /** Rewrite what the "browser" brought back before returning it (to test core's checks). */
  tamper?: (parameters: URLSearchParams) => URLSearchParams;
  onUrl?: (url: URL) => void;
}

/**
 * A minimal in-test strategy: the consent agent plays the user in the browser, and the
 * redirect it was sent to is returned without anything listening there.
 */
export function agentStrategy(
  options: AgentStrategyOptions = {},
): RedirectStrategy & { requests: RedirectRequest[] } {
  const requests: RedirectRequest[] = [];
  return {
    name: 'test-agent',
    specificationVersion: 'v1',
    requests,
    async receive(request) {
      requests.push(request);
      const url = request.buildAuthorizationUrl(options.redirectUri ?? 'http://127.0.0.1:45678/');
      options.onUrl?.(url);
      const { redirectUrl } = await runConsentAgent(url.href, {
        deny: options.deny,
        login: options.login,
        untick: options.untick,
        deliver: false,
      });
      const parameters = new URL(redirectUrl).searchParams;
      return options.tamper ? options.tamper(parameters) : parameters;
    },
  };
}

/**
 * A strategy that waits for abort and does nothing else, to test cancellation. `onWaiting`
 * runs once it waits.
 */
export function waitingStrategy(options: { onWaiting?: () => void } = {}): RedirectStrategy {
  return {
    name: 'waiting',
    specificationVersion: 'v1',
    receive(request) {
      request.buildAuthorizationUrl('http://127.0.0.1:45678/');
      return new Promise((_, reject) => {
        request.signal.addEventListener('abort', () => reject(request.signal.reason), {
          once: true,
        });
        options.onWaiting?.();
      });
    },
  };
}

/** Every string that must never appear in output: the client secret and token material. */
export function secretsOf(sandbox: Sandbox, ...more: (string | undefined)[]): string[] {
  return [sandbox.clientSecret, ...more].filter((value): value is string => Boolean(value));
}

export function expectNoSecrets(text: string, secrets: string[]): void {
  for (const secret of secrets) {
    if (text.includes(secret)) throw new Error(`a secret leaked into: ${text.slice(0, 200)}`);
  }
}

export { failure } from '@installed-oauth/test-support';
