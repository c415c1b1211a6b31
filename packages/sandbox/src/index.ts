export { accountIdOf } from './accounts.js';
export type { ConsentAgentOptions, ConsentAgentResult } from './consent-agent.js';
export { runConsentAgent } from './consent-agent.js';
export { DRIVE_LIST_SCOPES, FILES_LIST_PATH } from './drive-emulator.js';
export type { DriveFile } from './drive-files.js';
export { SEED_REFERENCE_TIME, seedDriveFiles } from './drive-files.js';
export type { Sandbox, SandboxCounters, SandboxOptions } from './sandbox.js';
export { startSandbox } from './sandbox.js';

/** The Drive scope the seed example asks for. */
export const DRIVE_METADATA_READONLY = 'https://www.googleapis.com/auth/drive.metadata.readonly';

/** Path of the consent-agent executable, for `BROWSER="node <path>"`. */
export const consentAgentPath: string = (await import('node:url')).fileURLToPath(
  new URL('./bin/consent-agent.js', import.meta.url),
);
