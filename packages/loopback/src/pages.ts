import type { ServerResponse } from 'node:http';

/** Headers on every answer: nothing cached, sniffed, framed, loaded or referred elsewhere. */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
} as const;

const ESCAPES = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
} as const;

export function escapeHtml(text: string): string {
  // The pattern matches exactly the characters ESCAPES has entries for.
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character as keyof typeof ESCAPES]);
}

function looksLikeHtml(text: string): boolean {
  return /^\s*</.test(text);
}

/** A page from the caller's text (escaped) or HTML (used as given). */
export function renderPage(title: string, content: string): string {
  if (looksLikeHtml(content)) return content;
  const paragraphs = content
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${paragraphs}
</body></html>
`;
}

export const DEFAULT_SUCCESS_PAGE =
  'The authentication flow has completed. You may close this window.';

export function defaultFailurePage(error: string, description: string | null): string {
  const detail = description ? `${error}: ${description}` : error;
  return `The sign-in did not complete (${detail}).\n\nYou may close this window and return to the application.`;
}

export function sendPage(res: ServerResponse, status: number, html: string, close: boolean): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(html);
}

/** A short static answer for anything that is not the callback. Never echoes the request. */
export function sendStatic(
  res: ServerResponse,
  status: number,
  text: string,
  extra: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'text/plain; charset=utf-8',
    ...extra,
  });
  res.end(`${text}\n`);
}
