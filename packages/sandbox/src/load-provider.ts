// oidc-provider 9 warns "Unsupported runtime" on import under Node 20. The project runs it on
// Node 20.19+ on purpose (docs/ARCHITECTURE.md, Toolchain; it needs only URL.parse from 20.18) and tests it there,
// so that one line is kept out of the demo's and the tests' output. Every other warning passes.
const warn = console.warn;
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
  warn(...args);
};
const { default: Provider } = await import('oidc-provider').finally(() => {
  console.warn = warn;
});

export default Provider;
