import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from '@jest/globals';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const workflows = join(repo, '.github', 'workflows');

async function workflowFiles(): Promise<{ name: string; text: string }[]> {
  const names = (await readdir(workflows)).filter((name) => name.endsWith('.yml'));
  return Promise.all(
    names.map(async (name) => ({ name, text: await readFile(join(workflows, name), 'utf8') })),
  );
}

it('pins every third-party action to a full commit, naming its release beside it', async () => {
  for (const { name, text } of await workflowFiles()) {
    for (const [, action = '', ref = '', comment] of text.matchAll(
      /uses:\s*([^@\s]+)@(\S+)(?:\s*#\s*(\S+))?/g,
    )) {
      expect({ workflow: name, action, ref }).toEqual({
        workflow: name,
        action,
        ref: expect.stringMatching(/^[0-9a-f]{40}$/),
      });
      expect(comment).toMatch(/^v\d+\.\d+\.\d+$/);
    }
  }
});

it('takes the pnpm version from package.json alone, and tests before it publishes', async () => {
  const manifest = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8'));
  expect(manifest.packageManager).toMatch(/^pnpm@\d+\.\d+\.\d+$/);
  for (const { text } of await workflowFiles()) {
    expect(text).not.toMatch(/pnpm@\d/);
    expect(text).toContain(`require('./package.json').packageManager`);
  }
  const release = (await workflowFiles()).find(({ name }) => name === 'release.yml')?.text ?? '';
  const order = ['pnpm install --frozen-lockfile', 'pnpm test', 'pnpm build', 'changeset publish'];
  const positions = order.map((step) => release.indexOf(step));
  expect(positions.every((position) => position >= 0)).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  expect(release).toContain('NPM_CONFIG_PROVENANCE: true');
});
