// The users of each tenant, as seen by a subgraph that references them (crm: a lead's owner; hr:
// an employee's user; office: shares, mail, attendees). Users belong to the platform subgraph, and
// no subgraph reads another's tables: each keeps its own replica, `<schema>.directory_users`,
// filled from the platform's user events (one consumer group per database, from the beginning,
// so a new environment builds its directory from the event history). A user id given as input is
// checked against it where it is written: an id of another tenant, or no user at all, is
// BAD_USER_INPUT on that field. The replica trails the platform by the event relay's delay
// (milliseconds); the caller's own id is always known (it comes from their credential).
import { createHash } from 'node:crypto';
import type { EventBus, EventEnvelope } from './events';
import { topicFor } from './events';
import type { DirectorySubgraph } from './manifest';
import { badInput } from './errors';
import type { CallerIdentity } from './identity';
import type { Logger } from './logger';
import { withTenant } from './tenant-context';
import { isUuid } from './validation';

export const USER_EVENTS = new Set(['platform.user.created', 'platform.user.invited', 'platform.user.updated']);
/** The event that takes a user out of the directories (removeUser). */
export const USER_REMOVED = 'platform.user.removed';

/** The subgraphs the manifest marks `userDirectory`. */
export type DirectorySchema = DirectorySubgraph;

/** The raw-SQL part of a Prisma client that the directory needs. */
export interface DirectoryDb {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

/** Consumes the platform topic and upserts every user event carrying an address, under its tenant (RLS). */
export async function startUserDirectorySync(bus: EventBus, options: { schema: DirectorySchema; db: DirectoryDb; databaseUrl: string; log: Logger }): Promise<() => Promise<void>> {
  const groupId = `${options.schema}-directory-${createHash('sha256').update(options.databaseUrl).digest('hex').slice(0, 12)}`;
  return bus.subscribe({
    groupId,
    name: `${options.schema}-directory`,
    topics: [topicFor('platform')],
    fromBeginning: true,
    onEvent: async (event: EventEnvelope) => {
      if (event.type === USER_REMOVED) {
        // A removed user is no longer a user of the tenant: nothing new may name them.
        await withTenant(event.tenantId, () =>
          options.db.$executeRawUnsafe(`DELETE FROM ${options.schema}.directory_users WHERE tenant_id = $1::uuid AND user_id = $2::uuid`, event.tenantId, event.aggregateId),
        ).catch((error: unknown) => options.log.warn({ err: error, eventId: event.id }, 'could not update the user directory'));
        return;
      }
      if (!USER_EVENTS.has(event.type)) return;
      const email = event.payload.data.email;
      if (typeof email !== 'string') return;
      try {
        await withTenant(event.tenantId, () =>
          options.db.$executeRawUnsafe(
            `INSERT INTO ${options.schema}.directory_users (tenant_id, user_id, email) VALUES ($1::uuid, $2::uuid, $3)
             ON CONFLICT (tenant_id, user_id) DO UPDATE SET email = EXCLUDED.email`,
            event.tenantId, event.aggregateId, email.toLowerCase(),
          ),
        );
      } catch (error) {
        options.log.warn({ err: error, eventId: event.id }, 'could not update the user directory');
      }
    },
  });
}

/** BAD_USER_INPUT naming the field: the id is no object of the caller's tenant (or none at all). */
export const unknownReference = (what: string, field: string) => badInput(`${field} is not a ${what} of your tenant`, field);

/** Throws BAD_USER_INPUT on `field` unless `userId` is a user of the caller's tenant. */
export async function assertTenantUser(db: DirectoryDb, schema: DirectorySchema, caller: CallerIdentity, userId: string, field: string): Promise<void> {
  if (userId === caller.userId) return;
  if (isUuid(userId) && caller.tenantId) {
    const rows = await db.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM ${schema}.directory_users WHERE tenant_id = $1::uuid AND user_id = $2::uuid`, caller.tenantId, userId);
    if (rows.length) return;
  }
  throw unknownReference('user', field);
}
