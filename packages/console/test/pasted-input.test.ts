import { describe, expect, it } from '@jest/globals';
import { interpretPaste, MAX_PASTE_LENGTH } from '../src/pasted-input.js';

const context = {
  redirectUri: new URL('http://127.0.0.1:8/'),
  authorizationUrl: new URL(
    'https://accounts.google.com/o/oauth2/auth?client_id=x&response_type=code&state=s',
  ),
};

describe('interpretPaste', () => {
  it('accepts the full redirect address', () => {
    const paste = interpretPaste('http://127.0.0.1:8/?state=abc&code=4/0Aabc&scope=x', context);
    expect(paste).toEqual({
      kind: 'parameters',
      parameters: new URLSearchParams('state=abc&code=4/0Aabc&scope=x'),
    });
  });

  it.each([
    ['surrounding spaces', '   http://127.0.0.1:8/?state=a&code=b   '],
    ['double quotes', '"http://127.0.0.1:8/?state=a&code=b"'],
    ['single quotes', "'http://127.0.0.1:8/?state=a&code=b'"],
    ['angle brackets', '<http://127.0.0.1:8/?state=a&code=b>'],
    ['quotes inside brackets', '<"http://127.0.0.1:8/?state=a&code=b">'],
  ])('trims %s', (_name, text) => {
    const paste = interpretPaste(text, context);
    expect(paste.kind).toBe('parameters');
    expect(paste.kind === 'parameters' && paste.parameters.get('code')).toBe('b');
  });

  it('accepts the query string alone, with or without "?"', () => {
    for (const text of ['?state=a&code=b', 'state=a&code=b']) {
      const paste = interpretPaste(text, context);
      expect(paste.kind === 'parameters' && paste.parameters.get('state')).toBe('a');
    }
  });

  it('accepts a bare code', () => {
    expect(interpretPaste('4/0AeanS0ZxXyYzZ-abc_def', context)).toEqual({
      kind: 'bare-code',
      code: '4/0AeanS0ZxXyYzZ-abc_def',
    });
  });

  it.each([
    ['an empty line', '', /^Nothing was pasted\.$/],
    ['only spaces', '    ', /^Nothing was pasted\.$/],
    ['the sign-in link itself', context.authorizationUrl.href, /sign-in link itself/],
    [
      'another site',
      'https://example.com/?code=x&state=y',
      /not the address the browser was sent back to; it starts with http:\/\/127\.0\.0\.1:8\//,
    ],
    [
      'another port',
      'http://127.0.0.1:9/?code=x&state=y',
      /not the address the browser was sent back to/,
    ],
    ['random text', 'hello there', /does not look like the address/],
    ['a query without code or error', 'foo=bar', /neither a code nor an error/],
    ['control characters', 'http://127.0.0.1:8/?code=x\u001b[2J&state=y', /control characters/],
    ['oversized input', `http://127.0.0.1:8/?code=${'x'.repeat(MAX_PASTE_LENGTH)}`, /far too long/],
  ])('rejects %s with a specific reason that never echoes the paste', (_name, text, reason) => {
    const paste = interpretPaste(text, context);
    expect(paste.kind).toBe('rejected');
    const message = paste.kind === 'rejected' ? paste.reason : '';
    expect(message).toMatch(reason);
    if (text.trim().length > 0) expect(message).not.toContain(text.trim());
  });
});
