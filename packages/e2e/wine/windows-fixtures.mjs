// What the Windows tier's tests share: a scratch folder under %LOCALAPPDATA%, and credentials
// as a sign-in would leave them (the ID token unsigned: only its claims are read).
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { credentialsFromTokenResponse } from '@installed-oauth/core';

export function scratchFolder(name) {
  return mkdtemp(join(process.env.LOCALAPPDATA ?? '.', `installed-oauth-wine-${name}-`));
}

export function accountCredentials(sub, email) {
  const claims = Buffer.from(JSON.stringify({ sub, email })).toString('base64url');
  return credentialsFromTokenResponse(
    {
      access_token: `ya29.wine-${sub}`,
      refresh_token: `1//wine-${sub}`,
      expires_in: 3600,
      scope:
        'openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/drive.metadata.readonly',
      id_token: `e30.${claims}.unsigned`,
    },
    { receivedAt: Date.now() },
  );
}
