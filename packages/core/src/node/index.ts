export { MAX_CLIENT_SECRETS_BYTES, readClientSecretsFile } from './client-secrets-file.js';
export type { FileAccountStoreOptions } from './file-account-store.js';
export { createFileAccountStore } from './file-account-store.js';
export type { FileLockOptions } from './file-lock.js';
export { withFileLock } from './file-lock.js';
export type { FileTokenStoreOptions, StorageKind } from './file-token-store.js';
export {
  createFileTokenStore,
  privateFolderProblem,
  writePrivateFile,
} from './file-token-store.js';
export { readSmallFile } from './small-file.js';
