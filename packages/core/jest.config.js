import base, { heldOnLinux } from '../../jest.config.base.js';

export default {
  ...base,
  // The target for core, the package every other one builds on: 95% of lines and branches.
  coverageThreshold: heldOnLinux({ global: { lines: 95, branches: 95 } }),
  // Interfaces only: nothing of it exists at run time.
  collectCoverageFrom: [...base.collectCoverageFrom, '!<rootDir>/src/token-store.ts'],
  moduleNameMapper: {
    ...base.moduleNameMapper,
    '^@installed-oauth/core$': '<rootDir>/src/index.ts',
    '^@installed-oauth/core/(node|testing)$': '<rootDir>/src/$1',
  },
};
