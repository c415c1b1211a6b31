import base from '../../jest.config.base.js';

// End-to-end tests: the packages they run are measured in their own suites.
export default { ...base, collectCoverage: false };
