import { type FetchLike, untrustedCertificateError } from '@installed-oauth/core';

/** Node 22.19 / 24.5 and later: what adding the system's certificates takes. */
interface TlsWithSystemStore {
  getCACertificates?(kind: 'default' | 'system'): string[];
  setDefaultCACertificates?(certificates: string[]): void;
}

let added = false;

/** `node:tls` as Node 22.19 / 24.5 and later have it; loaded only when needed (~4 ms). */
async function loadTls(): Promise<TlsWithSystemStore> {
  return (await import('node:tls')).default as unknown as TlsWithSystemStore;
}

/** Whether this Node can add the operating system's certificates (22.19 / 24.5 and later). */
export async function systemCertificatesSupported(): Promise<boolean> {
  const { getCACertificates, setDefaultCACertificates } = await loadTls();
  return Boolean(getCACertificates && setDefaultCACertificates);
}

/**
 * Adds the operating system's trusted certificates to Node's own, once, where Node can (22.19 /
 * 24.5 and later): a company's root certificate, installed by its IT for a proxy that inspects
 * HTTPS, is then trusted as the browser trusts it. Called only after a request failed on an
 * untrusted certificate, since reading the system's store takes 50–70 ms (and loading
 * `node:tls` ~4 ms), too long for every start. True when the certificates were added now (so
 * a retry may succeed).
 */
export async function trustSystemCertificates(): Promise<boolean> {
  if (added) return false;
  const { getCACertificates, setDefaultCACertificates } = await loadTls();
  if (added || !getCACertificates || !setDefaultCACertificates) return false;
  added = true;
  // "default" is Node's bundled store plus NODE_EXTRA_CA_CERTS: both stay trusted.
  const certificates = new Set([...getCACertificates('default'), ...getCACertificates('system')]);
  setDefaultCACertificates([...certificates]);
  return true;
}

/** Whether this run already trusts the system's certificates (then they did not help). */
export function systemCertificatesAdded(): boolean {
  return added;
}

/** Whether `error` is a request refused on a certificate Node does not trust. */
export function isUntrustedCertificate(error: unknown): boolean {
  return untrustedCertificateError(error, '', '') !== undefined;
}

/**
 * What drive-cli sends token requests (and doctor its checks) with: the proxy-aware fetch when
 * a proxy is set, else Node's, retried with the system's certificates as below.
 */
export function requestSender(proxyAware: FetchLike | undefined): FetchLike {
  return withSystemCertificates(
    proxyAware ?? ((url, init) => globalThis.fetch(url, init as RequestInit)),
  );
}

/**
 * `send`, retried once with the system's certificates added when it fails on a certificate
 * Node does not trust (see {@link trustSystemCertificates}).
 */
function withSystemCertificates(send: FetchLike): FetchLike {
  return async (url, init) => {
    try {
      return await send(url, init);
    } catch (error) {
      if (!isUntrustedCertificate(error) || !(await trustSystemCertificates())) throw error;
      return send(url, init);
    }
  };
}
