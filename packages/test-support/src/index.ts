export { closedPort } from './closed-port.js';
export { exited, guardChild } from './guards.js';
export { installedBin, packageManager } from './local-install.js';
export type { Need } from './machine.js';
export {
  allOf,
  baseEnvironment,
  chromium,
  chromiumPath,
  clockOff,
  credentialStore,
  describeWith,
  expectModeWherePosix,
  faketime,
  fifo,
  itWith,
  libfaketimePath,
  linux,
  networkNamespace,
  networkNamespaceCommand,
  posix,
  posixModes,
  pseudoTerminal,
  root,
  signals,
  strace,
  systemCertificateStore,
} from './machine.js';
export { refreshStatusAtServer, revokeAtServer, useSandbox } from './sandbox-fixture.js';
export { fillDisk, makeReadOnly, withSmallDisk } from './small-disk.js';
export { textSink } from './text-sink.js';
export type { TypedError } from './typed-errors.js';
export { failure } from './typed-errors.js';
export {
  companyRootCertificate,
  forwardTo,
  loopbackCertificate,
  startInterceptingProxy,
  startUntrustedHttpsServer,
} from './untrusted-tls.js';
