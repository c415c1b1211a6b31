export { createConsoleStrategy } from './console-strategy.js';
export type { ConsoleOptions } from './options.js';
export { DEFAULT_PROMPT_MESSAGE, DEFAULT_REDIRECT_URI } from './options.js';
export type { Paste, PasteContext } from './pasted-input.js';
export { cleanPaste, interpretPaste, MAX_PASTE_LENGTH } from './pasted-input.js';
export { COMBINED_PROMPT_MESSAGE, withPastePrompt } from './with-paste-prompt.js';
