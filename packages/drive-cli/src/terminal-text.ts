/**
 * Makes text from elsewhere (file names) safe to print: control characters (ANSI escapes,
 * bells, newlines) and bidirectional overrides become visible escapes instead of acting on
 * the terminal.
 */
export function neutralise(text: string): string {
  return text.replace(
    /[\p{Cc}\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/gu,
    (character) => {
      const code = character.codePointAt(0) ?? 0;
      return code <= 0xff
        ? `\\x${code.toString(16).padStart(2, '0')}`
        : `\\u${code.toString(16).padStart(4, '0')}`;
    },
  );
}
