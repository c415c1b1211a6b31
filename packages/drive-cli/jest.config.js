import base from '../../jest.config.base.js';

// Its tests run the built binary in child processes: c8 measures them, and
// scripts/check-coverage.mjs holds them to 90% of lines and branches (see package.json).
export default { ...base, collectCoverage: false };
