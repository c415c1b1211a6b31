/** Control, format (bidirectional, zero-width, tag) and line-separator characters. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

function escaped(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

/**
 * Makes text from elsewhere (file names, paths, server messages) safe to print: control
 * characters (ANSI escapes, bells, newlines), bidirectional overrides, zero-width and other
 * invisible format characters become visible escapes instead of acting on the terminal or
 * hiding in what it shows.
 */
export function neutralise(text: string): string {
  return text.replace(UNPRINTABLE, escaped);
}

/**
 * A message of several lines (drive-cli's own line breaks kept), each line neutralised: a path
 * or a server's words inside it cannot drive the terminal.
 */
export function neutraliseLines(text: string): string {
  return text.split('\n').map(neutralise).join('\n');
}

/** Each UTF-16 unit of `character` as a JSON \u escape. */
function jsonEscaped(character: string): string {
  return Array.from(
    { length: character.length },
    (_, index) => `\\u${character.charCodeAt(index).toString(16).padStart(4, '0')}`,
  ).join('');
}

/**
 * JSON for stdout with every character that JSON leaves raw but a terminal acts on or hides
 * (DEL, C1 controls, bidirectional and zero-width characters, line separators) written as a
 * \u escape: the same JSON to a parser, inert on a terminal.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu, jsonEscaped);
}

/** A line of progress on stderr; the paths and names in it are neutralised. */
export function say(io: { stderr: { write(text: string): unknown } }, text: string): void {
  io.stderr.write(`${neutraliseLines(text)}\n`);
}

/** How an account is named to the user: its e-mail address, escaped for the terminal. */
export function nameOf(account: { id: string; email: string | undefined }): string {
  return neutralise(account.email ?? account.id);
}
