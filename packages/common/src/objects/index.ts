import { LocalObjectStore } from './local-store';
import { S3ObjectStore } from './s3-store';
import type { ObjectStore } from './store';

export * from './store';
export * from './s3-store';
export * from './local-store';

/** S3 when S3_ENDPOINT is set, otherwise the in-process local store (`npm start`). */
export function createObjectStore(env: NodeJS.ProcessEnv = process.env): ObjectStore {
  return env.S3_ENDPOINT ? S3ObjectStore.fromEnv(env) : new LocalObjectStore();
}
