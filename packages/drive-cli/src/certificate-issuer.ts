import { request } from 'node:http';
import type { Socket } from 'node:net';
import { connect, type PeerCertificate } from 'node:tls';
import { isLoopbackHost } from '@installed-oauth/core';
import { proxySettings } from './network.js';

/**
 * The proxy for `url`, as drive-cli's requests use it: none for loopback hosts, else
 * HTTPS_PROXY or HTTP_PROXY. (NO_PROXY is not consulted: doctor asks for the issuer only of
 * Google's hosts, which a company proxy inspects.)
 */
function proxyFor(url: URL, env: NodeJS.ProcessEnv): URL | undefined {
  const proxy = proxySettings(env).forGoogle;
  return proxy && !isLoopbackHost(url.hostname) ? new URL(proxy) : undefined;
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
    const { CN, O } = certificate.issuer;
    return [...new Set([CN, O].flat().filter(Boolean))].join(', ') || undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
