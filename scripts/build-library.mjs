// Builds the JavaScript of a published library package (run in the package's folder): one ESM
// file per entry point of its package.json "exports", code the entry points share in
// dist/chunks/ (so that, say, InstalledOAuthError is one class whichever entry point loaded
// it), every dependency left as an import. Node loads a few files much faster than the ~15
// modules of each package one by one. The type declarations come from tsc, run next by the
// package's build script (tsc -p tsconfig.build.json --emitDeclarationOnly).
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { sharedBuildOptions } from './esbuild-options.mjs';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const entryPoints = {};
for (const [subpath, target] of Object.entries(manifest.exports)) {
  if (typeof target === 'string') continue; // "./package.json"
  const name = /^\.\/dist\/(.+)\.js$/.exec(target.default)?.[1];
  if (!name) throw new Error(`${manifest.name}: exports["${subpath}"] is not ./dist/<name>.js`);
  entryPoints[name] = `src/${name}.ts`;
}

rmSync('dist', { recursive: true, force: true });
await build({ ...sharedBuildOptions, entryPoints, packages: 'external', sourcemap: true });
