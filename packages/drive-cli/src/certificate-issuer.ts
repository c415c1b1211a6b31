import { request } from 'node:http';
import type { Socket } from 'node:net';
import { connect, type PeerCertificate } from 'node:tls';
import { isLoopbackHost } from '@installed-oauth/core';

/** The proxy for `url`, as drive-cli would use it (HTTPS_PROXY, else HTTP_PROXY; NO_PROXY). */
function proxyFor(url: URL, env: NodeJS.ProcessEnv): URL | undefined {
  if (isLoopbackHost(url.hostname)) return undefined;
  const text = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy;
  const bypass = (env.NO_PROXY || env.no_proxy || '').split(',').map((entry) => entry.trim());
  if (!text || bypass.some((entry) => entry && url.hostname.endsWith(entry.replace(/^\*/, ''))))
    return undefined;
  return new URL(text);
}

/** A tunnel to `url`'s host through `proxy` (CONNECT), as the socket TLS then runs over. */
function tunnel(url: URL, proxy: URL, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const target = `${url.hostname}:${url.port || 443}`;
    const headers: Record<string, string> = { host: target };
    if (proxy.username)
      headers['proxy-authorization'] =
        `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`;
    const connecting = request({
      host: proxy.hostname,
      port: proxy.port || 80,
      method: 'CONNECT',
      path: target,
      headers,
      signal,
    });
    connecting.once('connect', (response, socket) => {
      if (response.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(new Error(`the proxy answered ${response.statusCode}`));
      }
    });
    connecting.once('error', reject);
    connecting.end();
  });
}

/**
 * Who issued the certificate `url`'s server (or a proxy inspecting HTTPS) presents, read from
 * a handshake that does not check it and sends nothing: for saying which company's root to
 * trust. Undefined when it cannot be read.
 */
export async function certificateIssuer(
  url: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<string | undefined> {
  const target = new URL(url);
  const controller = new AbortController();
  const { signal } = controller;
  const timer = setTimeout(() => controller.abort(new Error('timed out')), timeoutMs);
  try {
    const proxy = proxyFor(target, env);
    const socket = proxy ? await tunnel(target, proxy, signal) : undefined;
    const certificate = await new Promise<PeerCertificate>((resolve, reject) => {
      const secure = connect({
        host: target.hostname,
        port: Number(target.port || 443),
        servername: isLoopbackHost(target.hostname) ? undefined : target.hostname,
        socket,
        rejectUnauthorized: false,
      });
      signal.addEventListener('abort', () => secure.destroy(signal.reason as Error));
      secure.once('secureConnect', () => {
        resolve(secure.getPeerCertificate());
        secure.end();
      });
      secure.once('error', reject);
    });
    const { O, CN } = certificate.issuer ?? {};
    const names = [CN, O].flat().filter((name): name is string => typeof name === 'string');
    return names.length > 0 ? [...new Set(names)].join(', ') : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
