export { createLoopbackStrategy } from './loopback-strategy.js';
export { isWsl } from './open-browser.js';
export type { LoopbackOptions } from './options.js';
export { DEFAULT_PROMPT } from './options.js';
