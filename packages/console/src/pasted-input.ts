/** What a pasted line turned out to be. */
export type Paste =
  | { kind: 'parameters'; parameters: URLSearchParams }
  | { kind: 'bare-code'; code: string }
  | { kind: 'rejected'; reason: string };

export interface PasteContext {
  /** The redirect URI the authorization used; a pasted address must start with it. */
  redirectUri: URL;
  /** The sign-in link, to recognise it when pasted back by mistake. */
  authorizationUrl: URL;
}

/** Longer than any redirect address; anything this long is a wrong paste. */
export const MAX_PASTE_LENGTH = 8192;

/** Trims whitespace and the quotes or angle brackets terminals and chat tools add. */
export function cleanPaste(text: string): string {
  let cleaned = text.trim();
  for (let i = 0; i < 3; i++) {
    const match = /^(["'`<])([\s\S]*)(["'`>])$/.exec(cleaned);
    if (!match) break;
    const [, open, inner, close] = match;
    const pairs: Record<string, string> = { '"': '"', "'": "'", '`': '`', '<': '>' };
    if (open === undefined || pairs[open] !== close) break;
    cleaned = (inner ?? '').trim();
  }
  return cleaned;
}

function sameEndpoint(a: URL, b: URL): boolean {
  return a.origin === b.origin && a.pathname === b.pathname;
}

/**
 * Interprets one pasted line: the full redirect address, its query string alone, or a bare
 * authorization code. Never returns the pasted text in a reason (it may hold a code).
 */
export function interpretPaste(text: string, context: PasteContext): Paste {
  if (text.length > MAX_PASTE_LENGTH)
    return { kind: 'rejected', reason: 'That is far too long to be the address.' };
  const cleaned = cleanPaste(text);
  if (cleaned === '') return { kind: 'rejected', reason: 'Nothing was pasted.' };
  if (/\p{Cc}/u.test(cleaned)) {
    return {
      kind: 'rejected',
      reason: 'The pasted text contains control characters; paste only the address.',
    };
  }

  const url = /^https?:\/\//i.test(cleaned) ? URL.parse(cleaned) : null;
  if (/^https?:\/\//i.test(cleaned) && !url)
    return { kind: 'rejected', reason: 'That address is not a valid URL.' };
  if (url) {
    if (sameEndpoint(url, context.authorizationUrl) || url.searchParams.has('response_type')) {
      return {
        kind: 'rejected',
        reason:
          'That is the sign-in link itself. Open it in a browser, approve, then paste the address the browser ends on.',
      };
    }
    if (!sameEndpoint(url, context.redirectUri)) {
      return {
        kind: 'rejected',
        reason: `That is not the address the browser was sent back to; it starts with ${context.redirectUri.href}`,
      };
    }
    return { kind: 'parameters', parameters: url.searchParams };
  }

  if (cleaned.startsWith('?') || /^[\w.~-]+=[^\s]*(&[\w.~-]+=[^\s]*)*$/.test(cleaned)) {
    const parameters = new URLSearchParams(cleaned.replace(/^\?/, ''));
    if (parameters.has('code') || parameters.has('error'))
      return { kind: 'parameters', parameters };
    return { kind: 'rejected', reason: 'That query string has neither a code nor an error.' };
  }

  // Google's codes look like "4/0AeanS0a…": printable, no spaces, dozens of characters.
  if (/^[\x21-\x7e]{10,2048}$/.test(cleaned) && !cleaned.includes('='))
    return { kind: 'bare-code', code: cleaned };
  return {
    kind: 'rejected',
    reason: `That does not look like the address. Copy the whole address from the browser's address bar; it starts with ${context.redirectUri.href}`,
  };
}
