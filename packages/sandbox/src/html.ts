const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

/** A self-contained page: no scripts, fonts or images from anywhere (tests block the network). */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#202124}
button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}input{font-size:1rem;padding:.4rem;width:100%}
li{margin:.3rem 0;word-break:break-all}small{color:#5f6368}</style></head>
<body><p><small>installed-oauth sandbox — a local stand-in for accounts.google.com</small></p>
${body}</body></html>`;
}
