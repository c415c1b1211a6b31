import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { accountIdOf, emailOf } from './accounts.js';
import { escapeHtml, page } from './html.js';

export const INTERACTION_PREFIX = '/interaction/';

export interface InteractionOptions {
  provider: Provider;
  /** The e-mail address of the one sandbox user. */
  accountEmail: string;
  /** When true, every consent ends in access_denied whatever the user clicks. */
  shouldDeny(): boolean;
  /** Called for every grant the user approved, whether offline or not. */
  onGrant(grantId: string, request: { accountId: string; clientId: string }): void;
  /** Called when the user approved an `access_type=offline` request. */
  onOfflineGrant(
    grantId: string,
    request: { accountId: string; clientId: string; promptedConsent: boolean },
  ): void;
}

const MAX_FORM_BYTES = 16 * 1024;

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > MAX_FORM_BYTES) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // No form-action: it would also bind the redirects after the form, to the app's loopback URI.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(html);
}

function loginPage(uid: string, loginHint: string): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<form method="post" action="${INTERACTION_PREFIX}${escapeHtml(uid)}/login" data-step="login">
<label for="login">Email</label>
<input id="login" name="login" type="email" value="${escapeHtml(loginHint)}" required>
<p><button type="submit" id="next">Next</button></p>
</form>`,
  );
}

/**
 * Scopes that sign the user in. Google's consent screen lists them without a checkbox; every
 * other scope gets a checkbox of its own, ticked at first, which the user may clear.
 */
export const SIGN_IN_SCOPES: ReadonlySet<string> = new Set([
  'openid',
  'email',
  'profile',
  'offline_access',
]);

function consentPage(uid: string, clientId: string, email: string, scopes: string[]): string {
  const list = scopes
    .map((scope) =>
      SIGN_IN_SCOPES.has(scope)
        ? `<li>${escapeHtml(scope)}</li>`
        : `<li><label><input type="checkbox" form="consent" name="scope" value="${escapeHtml(scope)}" checked> ${escapeHtml(scope)}</label></li>`,
    )
    .join('\n');
  return page(
    'Grant access',
    `<h1>Sandbox app wants to access your Google Account</h1>
<p>${escapeHtml(email)}</p>
<p>Client <code>${escapeHtml(clientId)}</code> asks for:</p>
<ul>${list}</ul>
<form id="consent" method="post" action="${INTERACTION_PREFIX}${escapeHtml(uid)}/consent" data-step="consent">
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Cancel</button>
</form>`,
  );
}

/**
 * The login and consent screens, standing in for Google's. Plain HTML forms so that both a
 * real browser and the scripted consent agent can walk them.
 */
export function createInteractionHandler(options: InteractionOptions) {
  const { provider } = options;

  async function consent(req: IncomingMessage, res: ServerResponse, form: URLSearchParams) {
    const details = await provider.interactionDetails(req, res);
    const { prompt, params, session } = details;
    if (form.get('decision') !== 'allow' || options.shouldDeny()) {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The user denied access.' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const accountId = session?.accountId;
    if (!accountId) throw new Error('consent without a signed-in user');
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: String(params.client_id) });
    if (!grant) throw new Error('grant vanished');
    const missing = prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    // Only the boxes left ticked are granted; the others are rejected, so that the provider
    // does not ask again in the same flow (Google grants what was ticked and carries on).
    const ticked = new Set(form.getAll('scope'));
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      const granted = scopes.filter((scope) => ticked.has(scope));
      const rejected = scopes.filter((scope) => !ticked.has(scope));
      if (granted.length > 0) grant.addResourceScope(resource, granted.join(' '));
      if (rejected.length > 0) grant.rejectResourceScope(resource, rejected.join(' '));
    }
    const grantId = await grant.save();
    options.onGrant(grantId, { accountId, clientId: String(params.client_id) });
    if (params.access_type === 'offline') {
      options.onOfflineGrant(grantId, {
        accountId,
        clientId: String(params.client_id),
        promptedConsent: String(params.prompt ?? '')
          .split(' ')
          .includes('consent'),
      });
    }
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }

  return async function handleInteraction(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const [uid, step] = url.pathname.slice(INTERACTION_PREFIX.length).split('/');
    if (!uid) return sendHtml(res, 404, page('Not found', '<h1>Not found</h1>'));
    try {
      if (req.method === 'GET' && step === undefined) {
        const details = await provider.interactionDetails(req, res);
        if (details.prompt.name === 'login') {
          // Google takes an e-mail address or an account id as login_hint.
          const hint =
            typeof details.params.login_hint === 'string'
              ? emailOf(details.params.login_hint)
              : options.accountEmail;
          return sendHtml(res, 200, loginPage(details.uid, hint));
        }
        const scopes = String(details.params.scope ?? '')
          .split(' ')
          .filter(Boolean);
        return sendHtml(
          res,
          200,
          consentPage(details.uid, String(details.params.client_id), options.accountEmail, scopes),
        );
      }
      if (req.method === 'POST' && step === 'login') {
        const form = await readForm(req);
        const login = form.get('login')?.trim() || options.accountEmail;
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: accountIdOf(login) } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      if (req.method === 'POST' && step === 'consent') {
        return await consent(req, res, await readForm(req));
      }
      sendHtml(res, 405, page('Not allowed', '<h1>Method not allowed</h1>'));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      sendHtml(
        res,
        400,
        page('Sign-in failed', `<h1>Sign-in failed</h1><p>${escapeHtml(message)}</p>`),
      );
    }
  };
}
