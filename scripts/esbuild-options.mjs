// What the JavaScript of every published package is built with (scripts/build-library.mjs and
// packages/drive-cli/scripts/build.mjs): ESM for the oldest Node in "engines", the code entry
// points share split into dist/chunks/ so that it exists once (one InstalledOAuthError class).
export const sharedBuildOptions = {
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  logLevel: 'warning',
};
