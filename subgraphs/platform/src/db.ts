import { PrismaPg } from '@prisma/adapter-pg';
import { databaseUrlFor, instrumentPrisma } from '@bacbos/common';
import { PrismaClient } from './generated/prisma/client';

export type PlatformDb = PrismaClient;

export function createPlatformDb(connectionString = databaseUrlFor('platform')): PlatformDb {
  const db = new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: Number(process.env.DB_POOL_SIZE ?? 10) }),
    log: [{ emit: 'event', level: 'query' }],
  });
  instrumentPrisma(db, 'platform');
  return db;
}
