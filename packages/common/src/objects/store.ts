// The object store: where file bytes live. Clients move bytes with presigned URLs (PUT to upload,
// GET to download) straight to and from the store; bytes never pass through the GraphQL gateway.

export interface PresignPutOptions {
  contentType: string;
  /** The announced size in bytes (the local store refuses any other size). */
  size: number;
  expiresSeconds: number;
}

export interface ObjectStat {
  size: number;
  etag: string;
}

export interface ObjectStore {
  /** A URL the client PUTs the bytes to, valid for `expiresSeconds`. */
  presignPut(key: string, options: PresignPutOptions): Promise<string>;
  /** A URL that GETs the bytes, valid for `expiresSeconds`. */
  presignGet(key: string, expiresSeconds: number): Promise<string>;
  /** Size and ETag of a stored object, or null when there is none. */
  stat(key: string): Promise<ObjectStat | null>;
  /** Copies an object within the store (server-side); the source stays. */
  copy(fromKey: string, toKey: string): Promise<void>;
  remove(key: string): Promise<void>;
  /** Releases servers and connections. */
  close(): Promise<void>;
}

/** Object keys are `/`-separated segments of letters, digits, `.`, `_` and `-` (no `.`/`..`). */
export function assertObjectKey(key: string): void {
  const segments = key.split('/');
  if (!key || key.length > 1024 || segments.some((s) => !/^[A-Za-z0-9._-]+$/.test(s) || s === '.' || s === '..')) {
    throw new Error(`Invalid object key: ${key}`);
  }
}
