import base, { heldOnLinux } from '../../jest.config.base.js';

export default {
  ...base,
  // The target for strategy packages: 90% of lines and branches.
  coverageThreshold: heldOnLinux({ global: { lines: 90, branches: 90 } }),
};
