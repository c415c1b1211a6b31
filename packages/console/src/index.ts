export { createConsoleStrategy } from './console-strategy.js';
export type { ConsoleOptions } from './options.js';
export { DEFAULT_PROMPT_MESSAGE, DEFAULT_REDIRECT_URI } from './options.js';
export { COMBINED_PROMPT_MESSAGE, withPastePrompt } from './with-paste-prompt.js';
