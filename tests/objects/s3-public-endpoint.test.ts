// Presigned URLs for a public S3 endpoint (S3_PUBLIC_ENDPOINT): in compose the office reaches the
// store at minio:9000, which no browser can resolve. Here the process uses 127.0.0.1 and clients
// use localhost: the URLs must name localhost, be signed for it, and work from the host.
import { randomUUID } from 'node:crypto';
import { S3ObjectStore } from '@bacbos/common';

const internal = new URL(process.env.S3_ENDPOINT as string);
const publicEndpoint = `${internal.protocol}//localhost:${internal.port}`;
const store = S3ObjectStore.fromEnv({ ...process.env, S3_PUBLIC_ENDPOINT: publicEndpoint, S3_BUCKET: `bacbos-public-${randomUUID().slice(0, 8)}` });
afterAll(() => store.close());

it('presigns uploads and downloads for the public host, and they work through it', async () => {
  expect(internal.hostname).toBe('127.0.0.1');
  const key = `tenant-${randomUUID()}/files/${randomUUID()}/v1`;
  const body = Buffer.from(`public ${randomUUID()}`);
  const putUrl = await store.presignPut(key, { contentType: 'text/plain', size: body.length, expiresSeconds: 60 });
  expect(new URL(putUrl).host).toBe(`localhost:${internal.port}`);
  // Signed for the public host: the same URL sent to the internal host does not verify.
  const internalPut = new URL(putUrl);
  internalPut.hostname = '127.0.0.1';
  expect((await fetch(internalPut, { method: 'PUT', body, headers: { 'content-type': 'text/plain' } })).status).toBe(403);
  expect((await fetch(putUrl, { method: 'PUT', body, headers: { 'content-type': 'text/plain' } })).status).toBe(200);
  // The process itself still talks to the internal endpoint.
  expect(await store.stat(key)).toEqual({ size: body.length, etag: expect.any(String) });
  const getUrl = await store.presignGet(key, 60);
  expect(new URL(getUrl).host).toBe(`localhost:${internal.port}`);
  const res = await fetch(getUrl);
  expect(res.status).toBe(200);
  expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
});
