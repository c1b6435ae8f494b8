// The S3 object store (any S3-compatible server: AWS S3, MinIO, S3Proxy) through the minio client.
import { Client } from 'minio';
import { assertObjectKey, type ObjectStat, type ObjectStore, type PresignPutOptions } from './store';

export interface S3ObjectStoreOptions {
  /** e.g. http://127.0.0.1:59000 */
  endpoint: string;
  /**
   * The endpoint the clients (browsers, the web apps) reach the store at, when it differs from the
   * one this process uses (compose: minio:9000 inside, localhost:9000 outside). Presigned URLs name
   * it and are signed for its host, so the client's request matches the signature.
   */
  publicEndpoint?: string;
  accessKey: string;
  secretKey: string;
  region?: string;
  bucket?: string;
}

export class S3ObjectStore implements ObjectStore {
  private readonly client: Client;
  /** Signs the presigned URLs (the same client when there is no separate public endpoint). */
  private readonly signer: Client;
  readonly bucket: string;
  private readonly region: string;
  private ready?: Promise<void>;

  constructor(options: S3ObjectStoreOptions) {
    this.region = options.region ?? 'us-east-1';
    this.bucket = options.bucket ?? 'bacbos-files';
    const clientFor = (endpoint: string) => {
      const url = new URL(endpoint);
      const useSSL = url.protocol === 'https:';
      // The region is given, so presigning is pure computation: the signer never calls its endpoint.
      return new Client({
        endPoint: url.hostname,
        port: url.port ? Number(url.port) : useSSL ? 443 : 80,
        useSSL,
        accessKey: options.accessKey,
        secretKey: options.secretKey,
        region: this.region,
        pathStyle: true,
      });
    };
    this.client = clientFor(options.endpoint);
    this.signer = options.publicEndpoint ? clientFor(options.publicEndpoint) : this.client;
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): S3ObjectStore {
    if (!env.S3_ENDPOINT) throw new Error('S3_ENDPOINT is not set');
    return new S3ObjectStore({
      endpoint: env.S3_ENDPOINT,
      publicEndpoint: env.S3_PUBLIC_ENDPOINT || undefined,
      accessKey: env.S3_ACCESS_KEY ?? '',
      secretKey: env.S3_SECRET_KEY ?? '',
      region: env.S3_REGION,
      bucket: env.S3_BUCKET || undefined,
    });
  }

  /** Creates the bucket if it is missing (once per process). */
  private ensureBucket(): Promise<void> {
    this.ready ??= (async () => {
      if (!(await this.client.bucketExists(this.bucket))) {
        try {
          await this.client.makeBucket(this.bucket, this.region);
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
        }
      }
    })().catch((error) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  async presignPut(key: string, options: PresignPutOptions): Promise<string> {
    assertObjectKey(key);
    await this.ensureBucket();
    return this.signer.presignedPutObject(this.bucket, key, options.expiresSeconds);
  }

  async presignGet(key: string, expiresSeconds: number): Promise<string> {
    assertObjectKey(key);
    await this.ensureBucket();
    return this.signer.presignedGetObject(this.bucket, key, expiresSeconds);
  }

  async stat(key: string): Promise<ObjectStat | null> {
    assertObjectKey(key);
    await this.ensureBucket();
    try {
      const stat = await this.client.statObject(this.bucket, key);
      return { size: stat.size, etag: stat.etag };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'NotFound' || code === 'NoSuchKey') return null;
      throw error;
    }
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    assertObjectKey(fromKey);
    assertObjectKey(toKey);
    await this.ensureBucket();
    await this.client.copyObject(this.bucket, toKey, `/${this.bucket}/${fromKey}`);
  }

  async remove(key: string): Promise<void> {
    assertObjectKey(key);
    await this.ensureBucket();
    await this.client.removeObject(this.bucket, key);
  }

  async close(): Promise<void> {}
}
