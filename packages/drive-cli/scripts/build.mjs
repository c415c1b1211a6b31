// Builds the drive-cli command: one ESM bundle of drive-cli's own code and its third-party
// dependencies (commander, env-paths, yocto-spinner, undici and Google's Drive client), loaded
// far faster than ~400 separate files. The @installed-oauth packages stay ordinary
// dependencies, so their fixes reach users through semver. Code needed only for `ls` (the Drive client) and
// for a sign-in (the redirect strategies) sits in chunks loaded when needed. The licences of
// everything bundled are written to dist/THIRD_PARTY_LICENSES.md.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { sharedBuildOptions } from '../../../scripts/esbuild-options.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

rmSync(join(root, 'dist'), { recursive: true, force: true });
const result = await build({
  ...sharedBuildOptions,
  absWorkingDir: root,
  entryPoints: { 'bin/drive-cli': 'src/bin/drive-cli.ts' },
  packages: 'bundle',
  // gaxios imports https-proxy-agent on demand for HTTPS_PROXY; drive-cli turns gaxios's own
  // proxy handling off and sends proxied requests through its own fetch (src/network.ts), so
  // that import never runs: left out of the bundle, and not a dependency either.
  external: ['@installed-oauth/*', 'https-proxy-agent'],
  define: { DRIVE_CLI_VERSION: JSON.stringify(manifest.version) },
  // The bundled CommonJS packages (Google's client) call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __driveCliCreateRequire } from 'node:module'; const require = __driveCliCreateRequire(import.meta.url);",
  },
  sourcemap: 'linked',
  legalComments: 'none', // collected, with each package's licence, below
  metafile: true,
});

/** The folder of the package that holds `file`: the nearest package.json with a name. */
function packageOf(file) {
  for (let folder = dirname(file); folder !== dirname(folder); folder = dirname(folder)) {
    try {
      const json = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
      if (json.name) return { folder, json };
    } catch {}
  }
  throw new Error(`no package.json above ${file}`);
}

/**
 * The licence text of a bundled package: its own licence file, or, for a package that ships
 * none (Apache-2.0 and MIT require the text to travel with the code), the standard text of
 * the licence its package.json names, from scripts/licence-texts/. No text, no build.
 */
function licenceText(id, folder, json) {
  const licenceFile = readdirSync(folder).find((name) => /^(licen[cs]e|copying)/i.test(name));
  if (licenceFile) return readFileSync(join(folder, licenceFile), 'utf8').trim();
  const standard = join(root, 'scripts', 'licence-texts', `${json.license}.txt`);
  let text;
  try {
    text = readFileSync(standard, 'utf8');
  } catch {
    throw new Error(
      `${id} is bundled but ships no licence file, and there is no text for "${json.license}" in scripts/licence-texts/. Add it before publishing.`,
    );
  }
  const author = typeof json.author === 'string' ? json.author : json.author?.name;
  return text.replace('{copyright}', author ?? `the authors of ${json.name}`).trim();
}

const bundled = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  if (!input.includes('node_modules/')) continue;
  const { folder, json } = packageOf(join(root, input));
  bundled.set(`${json.name}@${json.version}`, { folder, json });
}
const sections = [...bundled.entries()]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([id, { folder, json }]) => {
    return `## ${id}\n\nLicence: ${json.license}\n\n\`\`\`\n${licenceText(id, folder, json)}\n\`\`\`\n`;
  });
writeFileSync(
  join(root, 'dist', 'THIRD_PARTY_LICENSES.md'),
  `# Third-party code in drive-cli's bundle\n\n${sections.join('\n')}`,
);
