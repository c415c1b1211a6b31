/**
 * Printable, bounded text from outside (the redirect, a strategy's error, a server's message),
 * fit for a message: control, format (bidirectional overrides, zero-width) and line-separator
 * characters become spaces, so that text cannot rewrite a terminal or reorder what it shows.
 */
export function sanitise(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ').slice(0, 300);
}

/**
 * A value read from a file (a key name, a URL), quoted for a message: sanitised, in JSON
 * quotes, and with the user name and password of a URL hidden, since they are secrets.
 */
export function quoted(value: string): string {
  const url = URL.parse(value);
  let text = value;
  if (url && (url.username || url.password)) {
    url.username = 'hidden';
    url.password = '';
    text = url.href;
  }
  return JSON.stringify(sanitise(text));
}
