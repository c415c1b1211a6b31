import base, { heldOnLinux } from '../../jest.config.base.js';

export default {
  ...base,
  collectCoverageFrom: [
    ...base.collectCoverageFrom,
    // Run only in child processes or by other packages, where Jest's in-process coverage
    // cannot see them: the two command-line entry points (the consent agent is every
    // package's BROWSER; test/sandbox.test.ts runs it) and the offline installer (used by
    // the e2e packaging tests and the benchmarks).
    '!<rootDir>/src/bin/**',
    '!<rootDir>/src/local-install.ts',
  ],
  // The target for the other packages: 90% of lines and branches.
  coverageThreshold: heldOnLinux({ global: { lines: 90, branches: 90 } }),
};
