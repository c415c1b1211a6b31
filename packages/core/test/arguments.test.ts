import { useSandbox } from '@installed-oauth/test-support';
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  type ClientSecrets,
  getFreshCredentials,
  refreshCredentials,
  revokeCredentials,
  type TokenStore,
} from '../src/index.js';
import { sandboxSecrets, someCredentials } from './helpers.js';

const sandbox = useSandbox();
let clientSecrets: ClientSecrets;
beforeAll(() => {
  clientSecrets = sandboxSecrets(sandbox);
});

describe('bad arguments fail at once with a TypeError', () => {
  it.each([
    [
      'refreshCredentials without clientSecrets',
      () => refreshCredentials({ credentials: someCredentials } as never),
      /"clientSecrets" must come from parseClientSecrets\(\)/,
    ],
    [
      'refreshCredentials without credentials',
      () => refreshCredentials({ clientSecrets } as never),
      /"credentials" is required/,
    ],
    [
      'revokeCredentials without clientSecrets',
      () => revokeCredentials({ credentials: someCredentials } as never),
      /"clientSecrets" must come from parseClientSecrets\(\)/,
    ],
    [
      'revokeCredentials without credentials',
      () => revokeCredentials({ clientSecrets } as never),
      /"credentials" is required/,
    ],
    [
      'refreshCredentials without options',
      () => refreshCredentials(undefined as never),
      /"clientSecrets" must come from parseClientSecrets\(\)/,
    ],
    [
      'revokeCredentials without options',
      () => revokeCredentials(undefined as never),
      /"clientSecrets" must come from parseClientSecrets\(\)/,
    ],
    [
      'getFreshCredentials without options',
      () => getFreshCredentials(undefined as never),
      /"store" must be a TokenStore/,
    ],
    [
      'getFreshCredentials without a store',
      () => getFreshCredentials({ clientSecrets, store: {} as TokenStore }),
      /"store" must be a TokenStore/,
    ],
  ])('%s', async (_name, call, message) => {
    await expect(call()).rejects.toThrow(message);
    await expect(call()).rejects.toBeInstanceOf(TypeError);
  });
});
