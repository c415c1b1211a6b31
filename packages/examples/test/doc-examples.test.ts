import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from '@jest/globals';

// Every TypeScript example of the packages' READMEs and of their TSDoc (`@example`) is
// type-checked as a program would compile it. An example is often a fragment: the names it
// uses without defining them (a `clientSecrets` it got elsewhere, an `app`) are declared for
// it, with their real types, and its statements run inside an async function.

const exec = promisify(execFile);
const here = fileURLToPath(new URL('..', import.meta.url));
const packages = join(here, '..');
const generated = join(here, '.doc-examples');

/** Names an example may use without defining them: an import, or a declaration. */
const GIVEN: Record<string, string> = {
  authorize: "import { authorize } from '@installed-oauth/core';",
  createInstalledApp: "import { createInstalledApp } from '@installed-oauth/core';",
  getFreshCredentials: "import { getFreshCredentials } from '@installed-oauth/core';",
  refreshCredentials: "import { refreshCredentials } from '@installed-oauth/core';",
  revokeCredentials: "import { revokeCredentials } from '@installed-oauth/core';",
  isExpired: "import { isExpired } from '@installed-oauth/core';",
  missingScopes: "import { missingScopes } from '@installed-oauth/core';",
  describeScope: "import { describeScope } from '@installed-oauth/core';",
  parseClientSecrets: "import { parseClientSecrets } from '@installed-oauth/core';",
  clientSecretsFromValues: "import { clientSecretsFromValues } from '@installed-oauth/core';",
  revokeToken: "import { revokeToken } from '@installed-oauth/core';",
  untrustedCertificateError: "import { untrustedCertificateError } from '@installed-oauth/core';",
  caught: 'declare const caught: unknown;',
  refreshToken: 'declare const refreshToken: string;',
  InstalledOAuthError: "import { InstalledOAuthError } from '@installed-oauth/core';",
  defineStrategy: "import { defineStrategy } from '@installed-oauth/core';",
  RedirectStrategy: "import type { RedirectStrategy } from '@installed-oauth/core';",
  RedirectRequest: "import type { RedirectRequest } from '@installed-oauth/core';",
  Credentials: "import type { Credentials } from '@installed-oauth/core';",
  AccountIdentity: "import type { AccountIdentity } from '@installed-oauth/core';",
  TokenStore: "import type { TokenStore } from '@installed-oauth/core';",
  ClientSecrets: "import type { ClientSecrets } from '@installed-oauth/core';",
  readClientSecretsFile: "import { readClientSecretsFile } from '@installed-oauth/core/node';",
  createFileTokenStore: "import { createFileTokenStore } from '@installed-oauth/core/node';",
  createFileAccountStore: "import { createFileAccountStore } from '@installed-oauth/core/node';",
  runConformanceChecks: "import { runConformanceChecks } from '@installed-oauth/core/testing';",
  createLoopbackStrategy: "import { createLoopbackStrategy } from '@installed-oauth/loopback';",
  createConsoleStrategy: "import { createConsoleStrategy } from '@installed-oauth/console';",
  createKeyringAccountStore:
    "import { createKeyringAccountStore } from '@installed-oauth/keyring-store';",
  keyringStatus: "import { keyringStatus } from '@installed-oauth/keyring-store';",

  withPastePrompt: "import { withPastePrompt } from '@installed-oauth/console';",
  join: "import { join } from 'node:path';",
  homedir: "import { homedir } from 'node:os';",
  readFile: "import { readFile } from 'node:fs/promises';",
  clientSecrets: "declare const clientSecrets: import('@installed-oauth/core').ClientSecrets;",
  credentials: "declare let credentials: import('@installed-oauth/core').Credentials;",
  app: "declare const app: import('@installed-oauth/core').InstalledApp;",
  store: "declare const store: import('@installed-oauth/core').TokenStore;",
  options:
    'declare const options: Parameters<typeof import("@installed-oauth/core").authorize>[0];',
  configDir: 'declare const configDir: string;',
  scopes: 'declare const scopes: string[];',
  test: 'declare const test: (name: string, run: () => Promise<void>) => void;',
  createGoogleAuth: "import { createGoogleAuth } from '@installed-oauth/core';",
  driveAccessToken: "import { driveAccessToken } from '../src/quickstart.js';",
  createTinyLoopbackStrategy:
    "import { createTinyLoopbackStrategy } from '../../core/examples/tiny-loopback-strategy.js';",
  MyOptions: 'type MyOptions = Record<string, never>;',
  createMyStrategy:
    "declare const createMyStrategy: (options: { openBrowser: boolean }) => import('@installed-oauth/core').RedirectStrategy;",
  receiveWith:
    "declare const receiveWith: (options: object, request: import('@installed-oauth/core').RedirectRequest) => Promise<URLSearchParams>;",
};

interface Example {
  where: string;
  code: string;
}

function fromReadme(file: string, text: string): Example[] {
  return [...text.matchAll(/^( *)```ts\n([\s\S]*?)^\1```/gm)].map((match) => ({
    where: `${file}, line ${text.slice(0, match.index).split('\n').length}`,
    code: (match[2] ?? '').replace(new RegExp(`^${match[1]}`, 'gm'), ''),
  }));
}

function fromTsDoc(file: string, text: string): Example[] {
  return [...text.matchAll(/^\s*\* @example\n\s*\* ```ts\n([\s\S]*?)\n\s*\* ```/gm)].map(
    (match) => ({
      where: `${file}, line ${text.slice(0, match.index).split('\n').length + 1}`,
      code: (match[1] ?? '').replace(/^\s*\* ?/gm, ''),
    }),
  );
}

async function sourceFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

async function allExamples(): Promise<Example[]> {
  const examples: Example[] = [];
  for (const name of ['core', 'loopback', 'console', 'drive-cli', 'keyring-store']) {
    const readme = join(packages, name, 'README.md');
    examples.push(...fromReadme(`packages/${name}/README.md`, await readFile(readme, 'utf8')));
    if (name === 'drive-cli') continue;
    for (const file of await sourceFiles(join(packages, name, 'src'))) {
      const relative = file.slice(packages.length + 1);
      examples.push(...fromTsDoc(`packages/${relative}`, await readFile(file, 'utf8')));
    }
  }
  return examples;
}

/** The example as a module: its imports first, the names it is given, its statements inside. */
function asModule(example: Example): string {
  const lines = example.code.split('\n');
  const imports = lines.filter((line) => /^import /.test(line));
  const body = lines.filter((line) => !/^import /.test(line)).join('\n');
  const imported = new Set(
    imports.flatMap((line) =>
      [...(/\{([^}]*)\}/.exec(line)?.[1] ?? '').split(',')].map(
        (name) =>
          name
            .replace(/^\s*type\s+/, '')
            .trim()
            .split(/\s+as\s+/)
            .pop() ?? '',
      ),
    ),
  );
  const defined = new Set(
    [
      ...body.matchAll(
        /^(?:export )?(?:async )?(?:function|const|let|interface|type|class) (\w+)/gm,
      ),
    ].map((match) => match[1]),
  );
  const given = Object.entries(GIVEN)
    .filter(([name]) => !imported.has(name) && !defined.has(name))
    .filter(([name]) => new RegExp(`\\b${name}\\b`).test(body))
    .map(([, line]) => line);
  // Declarations keep module scope (an exported function, an interface); statements run inside.
  const declares = /^export |^(?:async )?function |^interface |^type /m.test(body);
  return [
    `// ${example.where}`,
    ...imports,
    ...given,
    declares ? body : `export async function example(): Promise<void> {\n${body}\n}`,
    'export {};',
    '',
  ].join('\n');
}

it('every TypeScript example in the READMEs and TSDoc type-checks', async () => {
  const examples = await allExamples();
  expect(examples.length).toBeGreaterThan(20);
  await rm(generated, { recursive: true, force: true });
  await mkdir(generated, { recursive: true });
  const names = examples.map((_, index) => `example-${String(index).padStart(2, '0')}.ts`);
  await Promise.all(
    examples.map((example, index) =>
      writeFile(join(generated, names[index] ?? ''), asModule(example)),
    ),
  );
  await writeFile(
    join(generated, 'tsconfig.json'),
    JSON.stringify({
      extends: '../../../tsconfig.base.json',
      compilerOptions: { noEmit: true, rootDir: '../..', noUnusedLocals: false },
      include: ['*.ts'],
    }),
  );
  const tsc = join(here, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await exec(process.execPath, [tsc, '-p', generated]).then(
    () => '',
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  // Each error names the generated file; its first line names the README or source it came from.
  const report = await Promise.all(
    [...new Set([...result.matchAll(/(example-\d+\.ts)/g)].map((match) => match[1] ?? ''))].map(
      async (name) => (await readFile(join(generated, name), 'utf8')).split('\n')[0],
    ),
  );
  expect({ failing: report, errors: result }).toEqual({ failing: [], errors: '' });
  await rm(generated, { recursive: true, force: true });
});
