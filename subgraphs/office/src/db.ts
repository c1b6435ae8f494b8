import { PrismaPg } from '@prisma/adapter-pg';
import { databaseUrlFor, instrumentPrisma } from '@bacbos/common';
import { PrismaClient } from './generated/prisma/client';

export type OfficeDb = PrismaClient;

export function createOfficeDb(connectionString = databaseUrlFor('office')): OfficeDb {
  const db = new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: Number(process.env.DB_POOL_SIZE ?? 10) }),
    log: [{ emit: 'event', level: 'query' }],
  });
  instrumentPrisma(db, 'office');
  return db;
}
