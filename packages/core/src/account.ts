import type { Credentials } from './credentials.js';

/** Who signed in, as the ID token says. */
export interface AccountIdentity {
  /** The account's stable id: the ID token's `sub` (Google's numeric account id). */
  readonly id: string;
  /** The e-mail address, when the `email` scope was granted. For display; it can change. */
  readonly email: string | undefined;
}

function decodeBase64Url(text: string): string {
  const base64 = text.replaceAll('-', '+').replaceAll('_', '/');
  const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * The account the credentials belong to, from their ID token, else from the identity a store
 * kept in its place ({@link Credentials.account}); undefined without either (ask for the
 * `openid` scope, and `email` for the address). The claims are read without checking the
 * token's signature: the token came straight from the token endpoint over TLS, in the same
 * response as the access token, and the claims here only name accounts and tell them apart;
 * they authorize nothing.
 */
export function accountOf(credentials: Credentials): AccountIdentity | undefined {
  return fromIdToken(credentials?.idToken) ?? credentials?.account;
}

function fromIdToken(idToken: string | undefined): AccountIdentity | undefined {
  const payload = idToken?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(decodeBase64Url(payload)) as Record<string, unknown>;
    if (typeof claims.sub !== 'string' || claims.sub === '') return undefined;
    return Object.freeze({
      id: claims.sub,
      email: typeof claims.email === 'string' ? claims.email : undefined,
    });
  } catch {
    return undefined;
  }
}
