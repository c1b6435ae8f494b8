// The in-process stand-in for S3 (`npm start` without S3_ENDPOINT): objects are files under a
// directory, served by a small HTTP server on 127.0.0.1 that only honours URLs carrying a valid
// HMAC-SHA256 signature over (method, key, expiry, size, content type) and an unexpired expiry.
// A PUT must carry exactly the announced number of bytes.
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setting } from '../config';
import { assertObjectKey, type ObjectStat, type ObjectStore, type PresignPutOptions } from './store';

export interface LocalObjectStoreOptions {
  /** Default `.data/objects` (LOCAL_OBJECTS_DIR). */
  directory?: string;
  /** Default 0: a random free port (LOCAL_OBJECTS_PORT). */
  port?: number;
  /** HMAC key (LOCAL_OBJECTS_SECRET); random at start when unset. */
  secret?: string;
}

const PREFIX = '/objects/';

export class LocalObjectStore implements ObjectStore {
  readonly directory: string;
  private readonly port: number;
  private readonly secret: Buffer;
  private server?: Server;
  private listening?: Promise<string>;

  constructor(options: LocalObjectStoreOptions = {}) {
    this.directory = resolve(options.directory ?? setting('LOCAL_OBJECTS_DIR') ?? join('.data', 'objects'));
    this.port = options.port ?? setting('LOCAL_OBJECTS_PORT');
    const secret = options.secret ?? setting('LOCAL_OBJECTS_SECRET');
    this.secret = secret ? Buffer.from(secret) : randomBytes(32);
  }

  /** Starts the HTTP server on first use; resolves to its base URL. */
  baseUrl(): Promise<string> {
    this.listening ??= new Promise<string>((resolvePromise, reject) => {
      const server = createServer((req, res) => {
        this.handle(req, res).catch(() => {
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
      });
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.server = server;
        resolvePromise(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      });
    });
    return this.listening;
  }

  private pathOf(key: string): string {
    assertObjectKey(key);
    return join(this.directory, ...key.split('/'));
  }

  private sign(method: string, key: string, expires: number, size: string, contentType: string): string {
    return createHmac('sha256', this.secret).update([method, key, String(expires), size, contentType].join('\n')).digest('hex');
  }

  private async url(method: 'PUT' | 'GET', key: string, expiresSeconds: number, size = '', contentType = ''): Promise<string> {
    assertObjectKey(key);
    const expires = Math.floor(Date.now() / 1000) + Math.max(1, Math.floor(expiresSeconds));
    const params = new URLSearchParams({ expires: String(expires) });
    if (method === 'PUT') {
      params.set('size', size);
      params.set('contentType', contentType);
    }
    params.set('signature', this.sign(method, key, expires, size, contentType));
    return `${await this.baseUrl()}${PREFIX}${key.split('/').map(encodeURIComponent).join('/')}?${params}`;
  }

  presignPut(key: string, options: PresignPutOptions): Promise<string> {
    return this.url('PUT', key, options.expiresSeconds, String(options.size), options.contentType);
  }

  presignGet(key: string, expiresSeconds: number): Promise<string> {
    return this.url('GET', key, expiresSeconds);
  }

  async stat(key: string): Promise<ObjectStat | null> {
    const path = this.pathOf(key);
    try {
      const info = await stat(path);
      if (!info.isFile()) return null;
      const hash = createHash('md5');
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
      return { size: info.size, etag: hash.digest('hex') };
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return null;
      throw error;
    }
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const target = this.pathOf(toKey);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(this.pathOf(fromKey), target);
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.listening = undefined;
    if (server) await new Promise<void>((done) => server.close(() => done()));
  }

  /** Checks the signature and expiry; answers 403 and returns null when they do not hold. */
  private verify(req: IncomingMessage, res: ServerResponse): { key: string; size: number | null } | null {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? '');
    const deny = (status = 403) => {
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 403 ? 'Forbidden' : 'Not found');
      return null;
    };
    if (!url.pathname.startsWith(PREFIX) || (method !== 'PUT' && method !== 'GET')) return deny();
    let key: string;
    try {
      key = url.pathname.slice(PREFIX.length).split('/').map(decodeURIComponent).join('/');
      assertObjectKey(key);
    } catch {
      return deny();
    }
    const expires = Number(url.searchParams.get('expires'));
    const size = method === 'PUT' ? (url.searchParams.get('size') ?? '') : '';
    const contentType = method === 'PUT' ? (url.searchParams.get('contentType') ?? '') : '';
    const given = Buffer.from(url.searchParams.get('signature') ?? '', 'utf8');
    const expected = Buffer.from(this.sign(method, key, expires, size, contentType), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return deny();
    if (!Number.isFinite(expires) || expires < Date.now() / 1000) return deny();
    return { key, size: method === 'PUT' ? Number(size) : null };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('access-control-allow-origin', '*');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-methods': 'GET, PUT', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' }).end();
      return;
    }
    const target = this.verify(req, res);
    if (!target) return;
    const path = this.pathOf(target.key);
    if (req.method === 'PUT') {
      const announced = target.size ?? 0;
      const declared = req.headers['content-length'];
      if (declared !== undefined && Number(declared) !== announced) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('Size differs from the announced size');
        req.resume();
        return;
      }
      await mkdir(dirname(path), { recursive: true });
      const temp = `${path}.${randomUUID()}.upload`;
      const hash = createHash('md5');
      let received = 0;
      let tooLarge = false;
      const out = createWriteStream(temp);
      for await (const chunk of req) {
        received += (chunk as Buffer).length;
        if (received > announced) { tooLarge = true; break; }
        hash.update(chunk as Buffer);
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
      if (tooLarge || received !== announced) {
        await rm(temp, { force: true });
        res.writeHead(400, { 'content-type': 'text/plain', connection: 'close' }).end('Size differs from the announced size');
        return;
      }
      await rename(temp, path);
      res.writeHead(200, { etag: `"${hash.digest('hex')}"` }).end();
      return;
    }
    let info;
    try {
      info = await stat(path);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(info.size) });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(path).pipe(res);
  }
}
