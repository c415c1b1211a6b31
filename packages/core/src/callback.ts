import { InstalledOAuthError } from './errors.js';
import { sanitise } from './outside-text.js';

/**
 * The checks that tell this attempt's callback from anything else: each parameter at most
 * once, no tokens where this flow never returns them, this attempt's state, the issuer when
 * `iss` is present (RFC 9207), and a code or an error. `request.isGenuineCallback` applies
 * exactly these, so a strategy never tells the browser "done" for a callback core refuses.
 *
 * @throws {InstalledOAuthError} `INVALID_CALLBACK` naming the first problem.
 */
export function checkCallback(parameters: URLSearchParams, state: string, issuer: string): void {
  for (const name of ['code', 'state', 'iss', 'error', 'error_description', 'error_uri']) {
    if (parameters.getAll(name).length > 1) {
      throw new InstalledOAuthError(
        'INVALID_CALLBACK',
        `The redirect carries "${name}" more than once; refusing it.`,
      );
    }
  }
  for (const name of ['access_token', 'id_token', 'token']) {
    if (parameters.has(name)) {
      throw new InstalledOAuthError(
        'INVALID_CALLBACK',
        `The redirect carries "${name}", which this flow never returns there; refusing it.`,
      );
    }
  }
  if (parameters.get('state') !== state) {
    throw new InstalledOAuthError(
      'INVALID_CALLBACK',
      'The redirect does not carry the state of this sign-in attempt (it belongs to another attempt, or was forged).',
      { hint: 'Start the sign-in again and use the newest link.' },
    );
  }
  const iss = parameters.get('iss');
  if (iss !== null && iss !== issuer) {
    throw new InstalledOAuthError(
      'INVALID_CALLBACK',
      `The redirect names issuer ${JSON.stringify(sanitise(iss))}, not ${issuer} (RFC 9207); refusing it.`,
    );
  }
  if (!parameters.get('code') && parameters.get('error') === null) {
    throw new InstalledOAuthError(
      'INVALID_CALLBACK',
      'The redirect carries no authorization code.',
    );
  }
}

/** Checks the callback parameters and turns `error=` into a typed error; returns the code. */
export function validateCallback(
  parameters: URLSearchParams,
  state: string,
  issuer: string,
): string {
  checkCallback(parameters, state, issuer);
  const error = parameters.get('error');
  if (error !== null) {
    const description = parameters.get('error_description');
    const said = `${sanitise(error)}${description ? `: ${sanitise(description)}` : ''}`;
    if (error === 'access_denied') {
      throw new InstalledOAuthError('AUTHORIZATION_DENIED', `Access was denied (${said}).`, {
        hint: 'Run the sign-in again and choose Allow on the consent screen.',
        details: { error },
      });
    }
    throw new InstalledOAuthError(
      'AUTHORIZATION_FAILED',
      `The authorization server refused the request: ${said}.`,
      { details: { error } },
    );
  }
  return parameters.get('code') as string;
}
