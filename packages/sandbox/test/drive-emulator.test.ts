import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Sandbox, seedDriveFiles, startSandbox } from '../src/index.js';
import { authorize, listFiles } from './helpers.js';

let sandbox: Sandbox;
let token: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  token = (await authorize(sandbox)).access_token;
});
afterAll(() => sandbox.close());

const seeded = seedDriveFiles();
const encode = (params: Record<string, string> | [string, string][]) =>
  `?${new URLSearchParams(params)}`;

describe('files.list', () => {
  it('answers the seed example: five most recently modified by me, newest first', async () => {
    const { status, body } = await listFiles(
      sandbox,
      encode({ pageSize: '5', orderBy: 'modifiedByMeTime desc' }),
      token,
    );
    expect(status).toBe(200);
    expect(body.kind).toBe('drive#fileList');
    expect(body.files).toHaveLength(5);
    const times = body.files.map(
      (file: { id: string }) => seeded.find((s) => s.id === file.id)?.modifiedByMeTime,
    );
    expect(times.every(Boolean)).toBe(true);
    expect([...times].sort().reverse()).toEqual(times);
    // Without "fields", Drive returns only kind, id, name and mimeType for each file.
    expect(Object.keys(body.files[0]).sort()).toEqual(['id', 'kind', 'mimeType', 'name']);
    expect(body.nextPageToken).toEqual(expect.any(String));
  });

  it('puts files never modified by me last under modifiedByMeTime', async () => {
    const { body } = await listFiles(
      sandbox,
      encode({
        pageSize: '1000',
        orderBy: 'modifiedByMeTime desc',
        fields: 'files(id,modifiedByMeTime)',
      }),
      token,
    );
    const firstMissing = body.files.findIndex(
      (file: { modifiedByMeTime?: string }) => !file.modifiedByMeTime,
    );
    expect(firstMissing).toBeGreaterThan(0);
    expect(
      body.files
        .slice(firstMissing)
        .every((file: { modifiedByMeTime?: string }) => !file.modifiedByMeTime),
    ).toBe(true);
  });

  it('orders by modifiedTime desc and by name', async () => {
    const byTime = await listFiles(
      sandbox,
      encode({ pageSize: '1000', orderBy: 'modifiedTime desc', fields: 'files(modifiedTime)' }),
      token,
    );
    const times = byTime.body.files.map((file: { modifiedTime: string }) => file.modifiedTime);
    expect([...times].sort().reverse()).toEqual(times);

    const byName = await listFiles(
      sandbox,
      encode({ pageSize: '1000', orderBy: 'name', fields: 'files(name)' }),
      token,
    );
    const names = byName.body.files.map((file: { name: string }) => file.name);
    expect([...names].sort((a, b) => a.localeCompare(b, 'en'))).toEqual(names);
    expect(names).toHaveLength(seeded.length);
  });

  it('pages through everything with pageToken, without repeats', async () => {
    const ids: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const params: Record<string, string> = { pageSize: '7', orderBy: 'name' };
      if (pageToken) params.pageToken = pageToken;
      const { status, body } = await listFiles(sandbox, encode(params), token);
      expect(status).toBe(200);
      ids.push(...body.files.map((file: { id: string }) => file.id));
      pageToken = body.nextPageToken;
      pages++;
    } while (pageToken);
    expect(pages).toBe(Math.ceil(seeded.length / 7));
    expect(new Set(ids).size).toBe(seeded.length);
  });

  it('returns partial responses for "fields"', async () => {
    const { body } = await listFiles(
      sandbox,
      encode({ pageSize: '2', fields: 'files(id, name, modifiedTime)' }),
      token,
    );
    expect(Object.keys(body)).toEqual(['files']);
    expect(Object.keys(body.files[0])).toEqual(['id', 'name', 'modifiedTime']);
    const spaced = await listFiles(
      sandbox,
      encode({ pageSize: '1', fields: ' nextPageToken , files( id , name ) ' }),
      token,
    );
    expect(Object.keys(spaced.body)).toEqual(['nextPageToken', 'files']);
    expect(Object.keys(spaced.body.files[0])).toEqual(['id', 'name']);
    const everything = await listFiles(sandbox, encode({ pageSize: '1', fields: '*' }), token);
    expect(everything.body.files[0]).toHaveProperty('webViewLink');
  });

  it('puts folders first with "folder", starred files first with "starred", then by the next key', async () => {
    const names = async (orderBy: string) =>
      (await listFiles(sandbox, encode({ pageSize: '1000', orderBy }), token)).body.files.map(
        (file: { name: string }) => file.name,
      );
    const folders = seeded.filter((file) => file.mimeType.endsWith('.folder')).map((f) => f.name);
    const byFolder = await names('folder,name');
    expect(byFolder.slice(0, folders.length)).toEqual([...folders].sort());
    const starred = seeded.filter((file) => file.starred).map((file) => file.name);
    const byStar = await names('starred,name');
    expect(byStar.slice(0, starred.length)).toEqual([...starred].sort());
    // Files equal under every key keep a stable order: by id.
    const ids = (
      await listFiles(sandbox, encode({ pageSize: '1000', orderBy: 'starred' }), token)
    ).body.files
      .slice(starred.length)
      .map((file: { id: string }) => file.id);
    expect(ids).toEqual([...ids].sort());
  });

  it('filters with q on mimeType and name, joined by "and"', async () => {
    const { body } = await listFiles(
      sandbox,
      encode({
        q: "mimeType = 'application/pdf' and name contains 'INVOICE'",
        fields: 'files(name)',
      }),
      token,
    );
    expect(body.files).toEqual([{ name: 'Invoice 2026-11.pdf' }]);
    const notPdf = await listFiles(
      sandbox,
      encode({ q: "mimeType != 'application/pdf' and trashed = false", pageSize: '1000' }),
      token,
    );
    expect(notPdf.body.files.some((file: { name: string }) => file.name.endsWith('.pdf'))).toBe(
      false,
    );
  });

  it('answers 404 for other paths and methods, as Google does', async () => {
    const other = await fetch(`${sandbox.driveApiRoot}drive/v3/about`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(other.status).toBe(404);
    const post = await fetch(`${sandbox.driveApiRoot}drive/v3/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(post.status).toBe(404);
  });

  it('filters with q "trashed = false"', async () => {
    const all = await listFiles(
      sandbox,
      encode({ pageSize: '1000', fields: 'files(trashed)' }),
      token,
    );
    expect(all.body.files.some((file: { trashed: boolean }) => file.trashed)).toBe(true);
    const live = await listFiles(
      sandbox,
      encode({ pageSize: '1000', q: 'trashed = false', fields: 'files(trashed)' }),
      token,
    );
    expect(live.body.files.length).toBe(seeded.filter((file) => !file.trashed).length);
    expect(live.body.files.every((file: { trashed: boolean }) => !file.trashed)).toBe(true);
  });
});

describe('files.list errors, in Google JSON error shape', () => {
  it('401 UNAUTHENTICATED without a token or with an unknown one', async () => {
    for (const bearer of [undefined, 'ya29.not-a-real-token']) {
      const { status, body, headers } = await listFiles(sandbox, '', bearer);
      expect(status).toBe(401);
      expect(body.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
      expect(body.error.errors[0]).toMatchObject({
        reason: 'authError',
        location: 'Authorization',
      });
      expect(headers.get('www-authenticate')).toMatch(/^Bearer /);
    }
  });

  it('403 insufficient scope for a token without a Drive scope', async () => {
    const openidOnly = await authorize(sandbox, { scope: 'openid email' });
    const { status, body } = await listFiles(sandbox, '', openidOnly.access_token);
    expect(status).toBe(403);
    expect(body.error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
    expect(body.error.errors[0].reason).toBe('insufficientPermissions');
  });

  it.each([
    ['pageSize', { pageSize: '0' }],
    ['pageSize', { pageSize: 'ten' }],
    ['pageSize', { pageSize: '1001' }],
    ['orderBy', { orderBy: 'size desc' }],
    ['orderBy', { orderBy: 'name sideways' }],
    ['pageToken', { pageToken: 'garbage' }],
    ['q', { q: "owner = 'me'" }],
    ['fields', { fields: 'files(id' }],
    ['fields', { fields: 'files(id name)' }],
    ['fields', { fields: 'files(id, )' }],
    [
      'pageSize',
      [
        ['pageSize', '5'],
        ['pageSize', '6'],
      ] as [string, string][],
    ],
  ])('400 INVALID_ARGUMENT naming the bad %s', async (location, params) => {
    const { status, body } = await listFiles(sandbox, encode(params), token);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(body.error.errors[0]).toMatchObject({
      reason: 'invalid',
      location,
      locationType: 'parameter',
    });
  });

  it('refuses a page token from another query', async () => {
    const first = await listFiles(sandbox, encode({ pageSize: '5', orderBy: 'name' }), token);
    const { status } = await listFiles(
      sandbox,
      encode({ pageSize: '5', orderBy: 'modifiedTime', pageToken: first.body.nextPageToken }),
      token,
    );
    expect(status).toBe(400);
  });
});
