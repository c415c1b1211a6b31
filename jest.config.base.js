// Shared Jest settings: ts-jest in ESM mode, because openid-client v6 and oidc-provider v9
// are ESM-only and Jest's CommonJS mode cannot load them. Jest runs under
// `node --experimental-vm-modules` (see each package's "test" script).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  // Source files import siblings as "./x.js" (NodeNext); map them back to the .ts source.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // A guard against hangs, never a speed claim: a test that needs minutes on a busy two-core
  // machine still passes, one that hangs fails. Child processes started by tests have guards
  // of their own that fire before this one, so the failure shows what the child printed.
  testTimeout: 240_000,
  // Each run's temporary files live in one folder of its own, removed at the end.
  globalSetup: '<rootDir>/../../scripts/jest-global-setup.mjs',
  globalTeardown: '<rootDir>/../../scripts/jest-global-teardown.mjs',
  // Jest's transform cache, inside the repository rather than the system's /tmp.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  // Coverage of the package's own source, reported per package on every run (V8's own
  // counters: cheap, and exact about which lines ran). Packages set their thresholds.
  collectCoverage: true,
  coverageProvider: 'v8',
  collectCoverageFrom: ['<rootDir>/src/**/*.ts'],
  coverageReporters: ['text-summary'],
};

/**
 * A package's coverage threshold, held on Linux, where every test runs (CI installs what they
 * need there). On Windows and macOS the tests that need Linux or a POSIX shell are skipped, so
 * coverage is reported there but not gated.
 */
export function heldOnLinux(threshold) {
  return process.platform === 'linux' ? threshold : undefined;
}
