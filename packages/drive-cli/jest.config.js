import base from '../../jest.config.base.js';

// Its tests run the built binary in child processes: c8 measures them (see package.json).
export default { ...base, collectCoverage: false };
