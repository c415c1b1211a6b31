import base from '../../jest.config.base.js';

export default {
  ...base,
  // Issue #7: at or above 90% of lines and branches (measured: 97% and 91%). What stays
  // uncovered in-process: the IPv6 fallback (tested in a network namespace, in a child
  // process), EACCES on low ports (tests run as root) and the system browser opener.
  coverageThreshold: { global: { lines: 95, branches: 90 } },
};
