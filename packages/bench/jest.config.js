export default {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.mjs'],
  transform: {},
  // A guard of minutes: the smoke test runs every benchmark once.
  testTimeout: 600_000,
  // As in jest.config.base.js: a temporary folder per run, removed at the end.
  globalSetup: '<rootDir>/../../scripts/jest-global-setup.mjs',
  globalTeardown: '<rootDir>/../../scripts/jest-global-teardown.mjs',
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
};
