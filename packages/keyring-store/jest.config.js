import base, { heldOnLinux } from '../../jest.config.base.js';

export default {
  ...base,
  // The target for published packages beside core: 90% of lines and branches.
  coverageThreshold: heldOnLinux({ global: { lines: 90, branches: 90 } }),
};
