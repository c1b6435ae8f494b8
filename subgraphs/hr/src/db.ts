import { PrismaPg } from '@prisma/adapter-pg';
import { databaseUrlFor, instrumentPrisma } from '@bacbos/common';
import { PrismaClient } from './generated/prisma/client';

export type HrDb = PrismaClient;

export function createHrDb(connectionString = databaseUrlFor('hr')): HrDb {
  const db = new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: Number(process.env.DB_POOL_SIZE ?? 10) }),
    log: [{ emit: 'event', level: 'query' }],
  });
  instrumentPrisma(db, 'hr');
  return db;
}
