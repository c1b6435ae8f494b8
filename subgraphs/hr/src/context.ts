import DataLoader from 'dataloader';
import type { CallerIdentity, Logger } from '@bacbos/common';
import type { HrDb } from './db';
import type { Employee } from './generated/prisma/client';
import { EmployeeService } from './modules/employees/employee.service';

export interface HrContext {
  caller: CallerIdentity;
  db: HrDb;
  log: Logger;
  loaders: HrLoaders;
  employees: EmployeeService;
}

export interface HrLoaders {
  employeeById: DataLoader<string, Employee | null>;
}

/** Batched, and always within the caller's tenant. */
export function createLoaders(db: HrDb, tenantId: string | null): HrLoaders {
  return {
    employeeById: new DataLoader(async (ids) => {
      const rows = tenantId ? await db.employee.findMany({ where: { tenantId, id: { in: [...ids] } } }) : [];
      return ids.map((id) => rows.find((r) => r.id === id) ?? null);
    }),
  };
}

export function createHrContext(db: HrDb, caller: CallerIdentity, log: Logger): HrContext {
  const ctx = { caller, db, log, loaders: createLoaders(db, caller.tenantId) } as HrContext;
  ctx.employees = new EmployeeService(ctx);
  return ctx;
}
