import type { Need } from '@installed-oauth/test-support';

/**
 * The operating system's credential store, for real: on Linux, the Secret Service that
 * scripts/with-secret-service.mjs starts (gnome-keyring under dbus-run-session); on macOS and
 * Windows, the platform's own store.
 */
export const credentialStore: Need = {
  get missing() {
    if (process.platform !== 'linux') return '';
    return process.env.INSTALLED_OAUTH_TEST_SECRET_SERVICE === '1'
      ? ''
      : 'needs a Secret Service: apt-get install -y gnome-keyring dbus-x11, then npm test (which starts one)';
  },
};
