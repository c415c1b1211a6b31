import { type FetchLike, isLoopbackHost } from '@installed-oauth/core';

/** The proxy settings drive-cli honours, as gcloud and Google's libraries read them. */
export function proxySettings(env: NodeJS.ProcessEnv): {
  httpsProxy: string | undefined;
  httpProxy: string | undefined;
  /** The proxy for https requests to Google: HTTPS_PROXY, else HTTP_PROXY. */
  forGoogle: string | undefined;
} {
  const httpsProxy = env.HTTPS_PROXY || env.https_proxy || undefined;
  const httpProxy = env.HTTP_PROXY || env.http_proxy || undefined;
  return { httpsProxy, httpProxy, forGoogle: httpsProxy ?? httpProxy };
}

/**
 * With HTTPS_PROXY or HTTP_PROXY set, the fetch drive-cli sends every request with: token
 * requests (sign-in, refresh, sign-out) and the Drive calls. Without one, undefined: token
 * requests use Node's fetch and the Drive client its own (which, on Node 20, starts tens of
 * milliseconds sooner than Node's fetch, whose HTTP parser is compiled on first use).
 *
 * - Loopback hosts (the sandbox, tests) are always reached directly: a proxy must never see
 *   the plaintext that the insecure-transport switch allows only on this machine.
 * - Other hosts go through HTTPS_PROXY / HTTP_PROXY when one is set, as gcloud and Google's
 *   libraries do (NO_PROXY honoured), with undici's EnvHttpProxyAgent, loaded only then. It
 *   prints nothing, whatever DEBUG says, so proxy passwords stay out of every output.
 * - Redirects are not followed: a bearer token or client secret is never carried to a host
 *   the request was not meant for.
 */
export async function proxyAwareFetch(env: NodeJS.ProcessEnv): Promise<FetchLike | undefined> {
  const { httpsProxy, httpProxy } = proxySettings(env);
  if (!httpsProxy && !httpProxy) return undefined;
  const direct = (url: string, init: RequestInit) => fetch(url, { ...init, redirect: 'manual' });
  // A CommonJS package: its exports are the default export's properties, in Node and bundled.
  const { EnvHttpProxyAgent, fetch: undiciFetch } = (await import('undici')).default;
  const dispatcher = new EnvHttpProxyAgent({
    httpProxy,
    httpsProxy,
    noProxy: env.NO_PROXY || env.no_proxy || '',
  });
  const proxied = (url: string, init: RequestInit) =>
    undiciFetch(url, { ...init, redirect: 'manual', dispatcher } as Parameters<
      typeof undiciFetch
    >[1]) as unknown as Promise<Response>;
  return ((url: string | URL, init: RequestInit = {}) =>
    isLoopbackHost(new URL(url).hostname)
      ? direct(String(url), init)
      : proxied(String(url), init)) as FetchLike;
}
