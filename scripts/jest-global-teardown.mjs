// Jest globalTeardown: removes the run's temporary folder made by jest-global-setup.mjs.
import { rmSync } from 'node:fs';
import { OWNED_FOLDER } from './jest-global-setup.mjs';

export default function teardown() {
  const folder = globalThis[OWNED_FOLDER];
  if (folder) rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
}
