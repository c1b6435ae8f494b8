// One contract for both object stores: the S3 store against the real S3 server of S3_ENDPOINT
// (S3Proxy here) and the in-process local store. Bytes move only through presigned URLs.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalObjectStore, S3ObjectStore, createObjectStore, type ObjectStore } from '@bacbos/common';

const localDir = mkdtempSync(join(tmpdir(), 'bacbos-objects-'));
afterAll(() => rmSync(localDir, { recursive: true, force: true }));

const stores: [string, () => ObjectStore][] = [
  ['S3ObjectStore (S3_ENDPOINT)', () => S3ObjectStore.fromEnv({ ...process.env, S3_BUCKET: `bacbos-contract-${randomUUID().slice(0, 8)}` })],
  ['LocalObjectStore', () => new LocalObjectStore({ directory: localDir })],
];

/** Changes one character of the signature (or of the key) of a presigned URL. */
function tamper(url: string): string {
  const u = new URL(url);
  for (const name of ['signature', 'X-Amz-Signature']) {
    const sig = u.searchParams.get(name);
    if (sig) {
      u.searchParams.set(name, (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
      return u.toString();
    }
  }
  throw new Error('no signature in URL');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(stores)('%s', (_name, make) => {
  let store: ObjectStore;
  beforeAll(() => { store = make(); });
  afterAll(() => store.close());

  const key = () => `tenant-${randomUUID()}/files/${randomUUID()}/v1`;
  const bytes = Buffer.from(`hello object store ${randomUUID()}\n`);

  async function put(k: string, body: Buffer = bytes) {
    const url = await store.presignPut(k, { contentType: 'text/plain', size: body.length, expiresSeconds: 60 });
    return fetch(url, { method: 'PUT', body, headers: { 'content-type': 'text/plain' } });
  }

  it('uploads through a presigned PUT, then stat reports size and etag', async () => {
    const k = key();
    const res = await put(k);
    expect(res.status).toBe(200);
    const stat = await store.stat(k);
    expect(stat).toEqual({ size: bytes.length, etag: expect.any(String) });
    expect(stat!.etag.length).toBeGreaterThan(0);
  });

  it('returns the bytes through a presigned GET', async () => {
    const k = key();
    expect((await put(k)).status).toBe(200);
    const url = await store.presignGet(k, 60);
    expect(url).toMatch(/^https?:\/\//);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('copies an object inside the store; the source stays, and a later PUT to the source leaves the copy alone', async () => {
    const from = key();
    const to = key();
    expect((await put(from)).status).toBe(200);
    await store.copy(from, to);
    expect(await store.stat(to)).toMatchObject({ size: bytes.length });
    expect(await store.stat(from)).toMatchObject({ size: bytes.length });
    expect((await put(from, Buffer.from('changed'))).status).toBe(200);
    const res = await fetch(await store.presignGet(to, 60));
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('refuses tampered URLs for PUT and GET', async () => {
    const k = key();
    const putUrl = await store.presignPut(k, { contentType: 'text/plain', size: bytes.length, expiresSeconds: 60 });
    const bad = await fetch(tamper(putUrl), { method: 'PUT', body: bytes, headers: { 'content-type': 'text/plain' } });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(await store.stat(k)).toBeNull();
    expect((await put(k)).status).toBe(200);
    const getUrl = await store.presignGet(k, 60);
    expect((await fetch(tamper(getUrl))).status).toBeGreaterThanOrEqual(400);
    // A URL signed for one key does not open another.
    const other = key();
    expect((await put(other)).status).toBe(200);
    const swapped = getUrl.replace(encodeURI(k), encodeURI(other));
    expect(swapped).not.toBe(getUrl);
    expect((await fetch(swapped)).status).toBeGreaterThanOrEqual(400);
  });

  it('refuses expired URLs', async () => {
    const k = key();
    expect((await put(k)).status).toBe(200);
    const getUrl = await store.presignGet(k, 1);
    const putUrl = await store.presignPut(key(), { contentType: 'text/plain', size: bytes.length, expiresSeconds: 1 });
    await sleep(2100);
    expect((await fetch(getUrl)).status).toBeGreaterThanOrEqual(400);
    expect((await fetch(putUrl, { method: 'PUT', body: bytes, headers: { 'content-type': 'text/plain' } })).status).toBeGreaterThanOrEqual(400);
  });

  it('stat of a missing object is null; remove deletes an object', async () => {
    expect(await store.stat(key())).toBeNull();
    const k = key();
    expect((await put(k)).status).toBe(200);
    await store.remove(k);
    expect(await store.stat(k)).toBeNull();
    await expect(store.remove(k)).resolves.toBeUndefined();
  });
});

describe('LocalObjectStore specifics', () => {
  it('enforces the announced size on PUT', async () => {
    const store = new LocalObjectStore({ directory: localDir });
    try {
      const k = `t/${randomUUID()}`;
      const url = await store.presignPut(k, { contentType: 'text/plain', size: 5, expiresSeconds: 60 });
      expect((await fetch(url, { method: 'PUT', body: 'too many bytes' })).status).toBe(400);
      expect((await fetch(url, { method: 'PUT', body: 'abc' })).status).toBe(400);
      expect(await store.stat(k)).toBeNull();
      expect((await fetch(url, { method: 'PUT', body: 'exact' })).status).toBe(200);
      expect((await store.stat(k))!.size).toBe(5);
    } finally {
      await store.close();
    }
  });

  it('does not accept URLs signed with another key', async () => {
    const a = new LocalObjectStore({ directory: localDir, secret: 'one' });
    const b = new LocalObjectStore({ directory: localDir, secret: 'two' });
    try {
      const k = `t/${randomUUID()}`;
      const url = await a.presignPut(k, { contentType: 'text/plain', size: 2, expiresSeconds: 60 });
      const onB = url.replace(await a.baseUrl(), await b.baseUrl());
      expect((await fetch(onB, { method: 'PUT', body: 'hi' })).status).toBe(403);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('createObjectStore picks S3 when S3_ENDPOINT is set, the local store otherwise', async () => {
    const s3 = createObjectStore({ S3_ENDPOINT: 'http://127.0.0.1:1' });
    const local = createObjectStore({});
    expect(s3).toBeInstanceOf(S3ObjectStore);
    expect(local).toBeInstanceOf(LocalObjectStore);
    await s3.close();
    await local.close();
  });
});
