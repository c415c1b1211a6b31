import { describe, expect, it } from '@jest/globals';
import { isLoopbackHost } from '../src/index.js';

describe('loopback hosts (RFC 8252 §7.3, RFC 6761)', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['localhost', true],
    ['app.localhost', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['128.0.0.1', false],
    ['localhost.example.com', false],
    ['::2', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
