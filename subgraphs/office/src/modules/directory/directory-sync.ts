// Keeps office.directory_users in step with the platform's users: consumes the platform topic and
// upserts every user event carrying an e-mail address, under that event's tenant (row-level
// security). One consumer group per database, from the beginning, so a new environment builds its
// directory from the event history.
import { createHash } from 'node:crypto';
import { topicFor, withTenant, type EventBus, type EventEnvelope, type Logger } from '@bacbos/common';
import type { OfficeDb } from '../../db';

const USER_EVENTS = new Set(['platform.user.created', 'platform.user.invited', 'platform.user.updated']);

export async function startDirectorySync(bus: EventBus, db: OfficeDb, databaseUrl: string, log: Logger): Promise<() => Promise<void>> {
  const groupId = `office-directory-${createHash('sha256').update(databaseUrl).digest('hex').slice(0, 12)}`;
  return bus.subscribe({
    groupId,
    topics: [topicFor('platform')],
    fromBeginning: true,
    onEvent: async (event: EventEnvelope) => {
      if (!USER_EVENTS.has(event.type)) return;
      const email = event.payload.data.email;
      if (typeof email !== 'string') return;
      try {
        await withTenant(event.tenantId, () =>
          db.directoryUser.upsert({
            where: { tenantId_userId: { tenantId: event.tenantId, userId: event.aggregateId } },
            create: { tenantId: event.tenantId, userId: event.aggregateId, email: email.toLowerCase() },
            update: { email: email.toLowerCase() },
          }),
        );
      } catch (error) {
        log.warn({ err: error, eventId: event.id }, 'could not update the user directory');
      }
    },
  });
}
