// The life of a database instance. Every status change goes through `transition`, which refuses
// any move this table does not list:
//
//   provisioning ──▶ available ──▶ deleting ──▶ deleted
//        │                           ▲
//        └────────▶ failed ──────────┘
//
// provisioning and deleting are the infrastructure's to finish (DatabaseProvisioner.step);
// available and failed are the user's to end (deleteDatabaseInstance); deleted is final.
import { conflict } from '@bacbos/common';

export const DATABASE_STATUSES = ['provisioning', 'available', 'failed', 'deleting', 'deleted'] as const;
export type DatabaseStatus = (typeof DATABASE_STATUSES)[number];

export const TRANSITIONS: Readonly<Record<DatabaseStatus, readonly DatabaseStatus[]>> = {
  provisioning: ['available', 'failed'],
  available: ['deleting'],
  failed: ['deleting'],
  deleting: ['deleted'],
  deleted: [],
};

/** Statuses the background provisioner moves on. */
export const PENDING_STATUSES: readonly DatabaseStatus[] = ['provisioning', 'deleting'];

export const isDatabaseStatus = (value: string): value is DatabaseStatus => (DATABASE_STATUSES as readonly string[]).includes(value);

export function canTransition(from: string, to: string): boolean {
  return isDatabaseStatus(from) && isDatabaseStatus(to) && TRANSITIONS[from].includes(to);
}

/** The new status, or CONFLICT (field status) naming the refused move. */
export function transition(from: string, to: string): DatabaseStatus {
  if (!canTransition(from, to)) throw conflict(`A database instance cannot go from ${from} to ${to}`, 'status');
  return to as DatabaseStatus;
}
