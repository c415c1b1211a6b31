import { describe, expect, it } from '@jest/globals';
import { InstalledOAuthError, isInstalledOAuthError } from '../src/index.js';

describe('isInstalledOAuthError', () => {
  it("tells the library's errors apart from others, and by code", () => {
    const error = new InstalledOAuthError('NETWORK_ERROR', 'offline');
    expect(isInstalledOAuthError(error)).toBe(true);
    expect(isInstalledOAuthError(error, 'NETWORK_ERROR')).toBe(true);
    expect(isInstalledOAuthError(error, 'TOKEN_STORE_ERROR')).toBe(false);
    expect(isInstalledOAuthError(new Error('offline'))).toBe(false);
  });
});
