/**
 * Smoke test: the S3-compatible server from scripts/services.sh (or any server named
 * by S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION) stores, describes and
 * serves an object, also through a presigned URL.
 * Skipped only when S3_ENDPOINT is unset: eval "$(scripts/services.sh env)".
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { Client } from 'minio';

const endpoint = process.env.S3_ENDPOINT;
const describeIfS3 = endpoint ? describe : describe.skip;

jest.setTimeout(30_000);

describeIfS3('s3 (S3_ENDPOINT)', () => {
  const url = new URL(endpoint ?? 'http://127.0.0.1');
  const useSSL = url.protocol === 'https:';
  const region = process.env.S3_REGION ?? 'us-east-1';
  const client = new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: process.env.S3_ACCESS_KEY ?? '',
    secretKey: process.env.S3_SECRET_KEY ?? '',
    region,
    pathStyle: true,
  });
  const bucket = `smoke-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const key = 'uploads/smoke.bin';
  const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256));
  let created = false;

  afterAll(async () => {
    if (!created) return;
    await client.removeObject(bucket, key).catch(() => undefined);
    await client.removeBucket(bucket).catch(() => undefined);
  });

  it('puts, stats and serves an object through a presigned GET', async () => {
    await client.makeBucket(bucket, region);
    created = true;
    expect(await client.bucketExists(bucket)).toBe(true);

    await client.putObject(bucket, key, bytes, bytes.length, { 'Content-Type': 'application/octet-stream' });
    const stat = await client.statObject(bucket, key);
    expect(stat.size).toBe(bytes.length);

    const presigned = await client.presignedGetObject(bucket, key, 60);
    const res = await fetch(presigned);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);

    await client.removeObject(bucket, key);
    await client.removeBucket(bucket);
    created = false;
    expect(await client.bucketExists(bucket)).toBe(false);
  });
});
