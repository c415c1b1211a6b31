import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import yaml from 'js-yaml';

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
  // Pinned to its tarball's SHA-512, which scripts/install-pnpm.mjs checks before installing.
  expect(manifest.packageManager).toMatch(/^pnpm@\d+\.\d+\.\d+\+sha512\.[0-9a-f]{128}$/);
  for (const { text } of await workflowFiles()) {
    expect(text).not.toMatch(/pnpm@\d/);
    expect(text).toContain('node scripts/install-pnpm.mjs');
    expect(text).not.toMatch(/npm install -g/);
  }
  const release = (await workflowFiles()).find(({ name }) => name === 'release.yml')?.text ?? '';
  const order = ['pnpm install --frozen-lockfile', 'pnpm test', 'pnpm build', 'changeset publish'];
  const positions = order.map((step) => release.indexOf(step));
  expect(positions.every((position) => position >= 0)).toBe(true);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  expect(release).toContain('NPM_CONFIG_PROVENANCE: true');
});

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

async function workflow(name: string): Promise<Workflow> {
  return yaml.load(await readFile(join(workflows, name), 'utf8')) as Workflow;
}

const mayWrite = (permissions: Record<string, string> | undefined) =>
  Object.values(permissions ?? {}).includes('write');

describe('what a compromised development dependency could reach', () => {
  it('gives no workflow a token by default: CI reads only, the release asks per job', async () => {
    expect((await workflow('ci.yml')).permissions).toEqual({ contents: 'read' });
    expect((await workflow('release.yml')).permissions).toEqual({});
    for (const job of Object.values((await workflow('ci.yml')).jobs)) {
      expect(mayWrite(job.permissions)).toBe(false);
    }
  });

  it('keeps no checkout token in .git/config, in any job', async () => {
    for (const name of ['ci.yml', 'release.yml']) {
      for (const [jobName, job] of Object.entries((await workflow(name)).jobs)) {
        const checkouts = job.steps.filter((step) => step.uses?.startsWith('actions/checkout@'));
        expect(checkouts.length).toBeGreaterThan(0);
        for (const checkout of checkouts) {
          expect({
            workflow: name,
            job: jobName,
            persist: checkout.with?.['persist-credentials'],
          }).toEqual({
            workflow: name,
            job: jobName,
            persist: false,
          });
        }
      }
    }
  });

  it('tests in a read-only job, and publishes from another that runs only the install, the build and changesets', async () => {
    const { jobs } = await workflow('release.yml');
    const writers = Object.entries(jobs).filter(([, job]) => mayWrite(job.permissions));
    const testers = Object.entries(jobs).filter(([, job]) =>
      job.steps.some((step) => /\bpnpm (run )?test\b/.test(step.run ?? '')),
    );
    expect(writers.map(([name]) => name)).toEqual(['publish']);
    expect(testers.map(([name]) => name)).toEqual(['test']);
    expect(jobs.test?.permissions).toEqual({ contents: 'read' });

    const publish = jobs.publish as Job;
    expect(publish.needs).toBe('test');
    expect(publish.permissions).toEqual({
      contents: 'write',
      'pull-requests': 'write',
      'id-token': 'write',
    });
    const runs = publish.steps.flatMap((step) => (step.run ? [step.run] : []));
    expect(runs).toEqual([
      'node scripts/install-pnpm.mjs',
      'pnpm install --frozen-lockfile --ignore-scripts',
      'pnpm build',
    ]);
    const actions = publish.steps.flatMap((step) => (step.uses ? [step.uses.split('@')[0]] : []));
    expect(actions).toEqual(['actions/checkout', 'actions/setup-node', 'changesets/action']);
    // The publishing secrets reach the changesets step alone.
    const withSecrets = publish.steps.filter((step) =>
      JSON.stringify(step.env ?? {}).includes('secrets.'),
    );
    expect(withSecrets.map((step) => step.uses?.split('@')[0])).toEqual(['changesets/action']);
  });
});

describe('the Node versions', () => {
  /** Every package.json of the repository: the root's and each package's. */
  async function manifests(): Promise<{ name: string; engines?: { node?: string } }[]> {
    const folders = await readdir(join(repo, 'packages'));
    return Promise.all(
      ['.', ...folders.map((folder) => join('packages', folder))].map(async (folder) =>
        JSON.parse(await readFile(join(repo, folder, 'package.json'), 'utf8')),
      ),
    );
  }

  it('are said once: every package has the root package.json engines range', async () => {
    const [root, ...packages] = await manifests();
    expect(root?.engines?.node).toMatch(/^>=\d+\.\d+$/);
    for (const manifest of packages)
      expect({ name: manifest.name, node: manifest.engines?.node }).toEqual({
        name: manifest.name,
        node: root?.engines?.node,
      });
  });

  it('are tested the same on CI and in .ci/run: the oldest the engines range allows, then each newer one', async () => {
    const [root] = await manifests();
    const oldest = Number(/^>=(\d+)/.exec(root?.engines?.node ?? '')?.[1]);
    const ciRun = await readFile(join(repo, '.ci', 'run'), 'utf8');
    // .ci/run runs the machine's Node first (the oldest supported), then these.
    const newer = (/^for version in ([\d ]+); do$/m.exec(ciRun)?.[1] ?? '').split(' ').map(Number);
    const ci = yaml.load(await readFile(join(workflows, 'ci.yml'), 'utf8')) as {
      jobs: Record<string, { strategy?: { matrix?: { node?: number[] } } }>;
    };
    const matrix = Object.values(ci.jobs).find((job) => job.strategy?.matrix?.node)?.strategy
      ?.matrix?.node;
    expect(matrix).toEqual([oldest, ...newer]);
  });
});

describe('the platforms', () => {
  interface PlatformJob {
    'runs-on': string;
    strategy?: { matrix?: { include?: { os?: string }[] } };
    steps: Step[];
  }

  /** The runners a workflow runs the README's test command on. */
  async function suiteRunners(name: string): Promise<string[]> {
    const { jobs } = (await workflow(name)) as unknown as { jobs: Record<string, PlatformJob> };
    return Object.values(jobs)
      .filter((job) =>
        job.steps.some((step) => /\bpnpm (install && pnpm )?test$/.test(step.run ?? '')),
      )
      .flatMap((job) =>
        job['runs-on'].includes('matrix.os')
          ? (job.strategy?.matrix?.include ?? []).map((entry) => entry.os ?? '')
          : [job['runs-on']],
      )
      .sort();
  }

  it('runs the whole suite on Linux, macOS and Windows, and publishes only when all three pass', async () => {
    const all = ['macos-latest', 'ubuntu-latest', 'windows-latest'];
    expect(await suiteRunners('ci.yml')).toEqual(all);
    expect(await suiteRunners('release.yml')).toEqual(all);
    expect((await workflow('release.yml')).jobs.publish?.needs).toBe('test');
  });
});
