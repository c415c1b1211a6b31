export interface ConsentAgentOptions {
  /** Click "Cancel" instead of "Allow" on the consent screen. */
  deny?: boolean;
  /** The e-mail address typed on the sign-in screen (default: whatever the page pre-fills). */
  login?: string;
  /**
   * Scopes whose checkbox on the consent screen is cleared before clicking "Allow", as a user
   * who leaves Drive access unticked does (default: every box stays ticked).
   */
  untick?: readonly string[];
  /** Request the final redirect URL, as a browser would (default true). */
  deliver?: boolean;
  /** Give up after this many milliseconds (default 120 000: a guard against hangs, not a speed claim). */
  timeout?: number;
}

export interface ConsentAgentResult {
  /** The address the "browser" was sent to at the end: the app's redirect URI with code or error. */
  redirectUrl: string;
  /** HTTP status of the redirect URL's answer, or undefined when nothing answered there. */
  deliveredStatus: number | undefined;
  /** The address the agent finally stood on after following the app's own redirects. */
  finalUrl: string | undefined;
}

const MAX_STEPS = 20;

class CookieJar {
  readonly #cookies = new Map<string, string>();
  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair?.indexOf('=') ?? -1;
      if (!pair || index < 1) continue;
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

function findForm(html: string): { step: string; action: string } | undefined {
  const match = /<form[^>]*action="([^"]+)"[^>]*data-step="([a-z]+)"/.exec(html);
  if (!match?.[1] || !match[2]) return undefined;
  return { action: match[1].replaceAll('&amp;', '&'), step: match[2] };
}

function pageText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

/** The consent screen's scope checkboxes that stay ticked: all but `untick`. */
function tickedScopes(html: string, untick: readonly string[]): string[] {
  const boxes = html.matchAll(/<input type="checkbox"[^>]*name="scope" value="([^"]*)"/g);
  return [...boxes]
    .map((match) => (match[1] ?? '').replaceAll('&amp;', '&'))
    .filter((scope) => !untick.includes(scope));
}

/**
 * Walks the sandbox's sign-in and consent screens over plain HTTP, the way a person in a
 * browser would, then requests the redirect URL the server sends the browser to.
 */
export async function runConsentAgent(
  authorizationUrl: string,
  options: ConsentAgentOptions = {},
): Promise<ConsentAgentResult> {
  const signal = AbortSignal.timeout(options.timeout ?? 120_000);
  const start = new URL(authorizationUrl);
  const jar = new CookieJar();
  let url = start;
  let init: RequestInit = { method: 'GET' };
  for (let step = 0; step < MAX_STEPS; step++) {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      signal,
      headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
    });
    jar.store(response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      const next = new URL(location, url);
      if (next.origin !== start.origin) return deliver(next.href, options, signal);
      url = next;
      init = { method: 'GET' };
      continue;
    }
    const html = await response.text();
    const form = response.ok ? findForm(html) : undefined;
    if (!form) {
      throw new Error(
        `the authorization server answered ${response.status} at ${url.pathname}: ${pageText(html)}`,
      );
    }
    const body = new URLSearchParams();
    if (form.step === 'login') {
      const prefilled = /name="login"[^>]*value="([^"]*)"/.exec(html)?.[1];
      body.set('login', options.login ?? prefilled ?? 'sandbox.user@example.com');
    } else {
      body.set('decision', options.deny ? 'deny' : 'allow');
      for (const scope of tickedScopes(html, options.untick ?? [])) body.append('scope', scope);
    }
    url = new URL(form.action, url);
    init = {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    };
  }
  throw new Error(`gave up after ${MAX_STEPS} steps without being redirected to the app`);
}

async function deliver(
  redirectUrl: string,
  options: ConsentAgentOptions,
  signal: AbortSignal,
): Promise<ConsentAgentResult> {
  if (options.deliver === false)
    return { redirectUrl, deliveredStatus: undefined, finalUrl: undefined };
  try {
    // The app's receiver may redirect to a page without the code; a browser follows it.
    const response = await fetch(redirectUrl, { redirect: 'follow', signal });
    await response.text();
    return { redirectUrl, deliveredStatus: response.status, finalUrl: response.url };
  } catch {
    // Nothing listens there (the console strategy): a browser shows "can't connect".
    return { redirectUrl, deliveredStatus: undefined, finalUrl: undefined };
  }
}
