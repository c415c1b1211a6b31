import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { interpretPaste } from '../src/pasted-input.js';

const context = {
  redirectUri: new URL('http://127.0.0.1:8/'),
  authorizationUrl: new URL(
    'https://accounts.google.com/o/oauth2/auth?client_id=x&response_type=code',
  ),
};

describe('interpretPaste under fuzzing', () => {
  it('classifies any text without throwing, and never echoes it in a reason', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const paste = interpretPaste(text, context);
        expect(['parameters', 'bare-code', 'rejected']).toContain(paste.kind);
        if (paste.kind === 'rejected' && text.trim().length >= 12)
          expect(paste.reason).not.toContain(text.trim());
      }),
      { numRuns: 1000 },
    );
  });

  it('never lets control characters through into parameters or codes', () => {
    const noisy = fc
      .tuple(fc.string(), fc.constantFrom('\u001b[2J', '\u0007', '\r', '\u0000'), fc.string())
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(noisy, (text) => {
        const paste = interpretPaste(`http://127.0.0.1:8/?code=${text}&state=s`, context);
        if (paste.kind === 'bare-code') expect(paste.code).not.toMatch(/\p{Cc}/u);
        if (paste.kind === 'parameters') expect(paste.parameters.toString()).toBeDefined();
      }),
      { numRuns: 500 },
    );
  });

  it('finds the code and state in any well-formed redirect address, however it is wrapped', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_\-/]{10,80}$/);
    fc.assert(
      fc.property(
        token,
        token,
        fc.constantFrom(['', ''], ['"', '"'], ["'", "'"], ['<', '>'], ['  ', '\t']),
        (code, state, [open, close]) => {
          const address = `http://127.0.0.1:8/?state=${encodeURIComponent(state)}&code=${encodeURIComponent(code)}`;
          const paste = interpretPaste(`${open}${address}${close}`, context);
          expect(paste.kind).toBe('parameters');
          if (paste.kind === 'parameters') {
            expect(paste.parameters.get('code')).toBe(code);
            expect(paste.parameters.get('state')).toBe(state);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
