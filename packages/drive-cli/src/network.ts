import type { FetchLike } from '@installed-oauth/core';

/**
 * The fetch for token requests (sign-in, refresh, sign-out), or undefined for Node's own.
 * Node's fetch ignores HTTPS_PROXY and HTTP_PROXY, while the Drive client (gaxios), gcloud and
 * Google's other libraries honour them: with one set, token requests go through undici's
 * EnvHttpProxyAgent (NO_PROXY honoured too), loaded only then.
 */
export async function tokenRequestFetch(env: NodeJS.ProcessEnv): Promise<FetchLike | undefined> {
  const httpsProxy = env.HTTPS_PROXY || env.https_proxy || undefined;
  const httpProxy = env.HTTP_PROXY || env.http_proxy || undefined;
  if (!httpsProxy && !httpProxy) return undefined;
  // A CommonJS package: its exports are the default export's properties, in Node and bundled.
  const { EnvHttpProxyAgent, fetch } = (await import('undici')).default;
  const dispatcher = new EnvHttpProxyAgent({
    httpProxy,
    httpsProxy,
    noProxy: env.NO_PROXY || env.no_proxy || '',
  });
  return ((url: string, init: object) =>
    fetch(url, { ...init, dispatcher } as Parameters<typeof fetch>[1])) as unknown as FetchLike;
}
