import base from '../../jest.config.base.js';

export default {
  ...base,
  moduleNameMapper: {
    ...base.moduleNameMapper,
    '^@installed-oauth/core$': '<rootDir>/src/index.ts',
    '^@installed-oauth/core/(node|testing)$': '<rootDir>/src/$1',
  },
};
