import base from '../../jest.config.base.js';

// The examples are measured where their code lives: in core's and the strategies' own suites.
export default { ...base, collectCoverage: false };
