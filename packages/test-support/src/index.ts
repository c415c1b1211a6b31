export { closedPort } from './closed-port.js';
export { exited, guardChild } from './guards.js';
export type { Need } from './machine.js';
export {
  chromium,
  chromiumPath,
  clockOff,
  credentialStore,
  faketime,
  itWith,
  libfaketimePath,
  networkNamespace,
  networkNamespaceCommand,
  root,
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
