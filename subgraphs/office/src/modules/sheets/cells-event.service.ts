// cellsChanged events, read back from the office outbox (the history a subscription resumes from
// and the source the gateway resolves each payload from).
import { authorize, badInput, isUuid, UNKNOWN_EVENT_ID } from '@bacbos/common';
import type { OfficeContext } from '../../context';
import type { CellChangeSet, OutboxEvent } from '../../generated/prisma/client';
import { CELLS_CHANGED, type CellView } from './workbook';

export { CELLS_CHANGED };

export interface CellsChangedView {
  eventId: string;
  worksheetId: string;
  cells: CellView[];
  actorId: string | null;
  at: Date;
}

/** The cells live beside the outbox row (cell_change_sets); events written before that carry them inline. */
function view(row: OutboxEvent & { cellChangeSet: CellChangeSet | null }): CellsChangedView {
  const data = ((row.payload as { data?: { cells?: CellView[] } }).data ?? {});
  const cells = (row.cellChangeSet?.cells as CellView[] | undefined) ?? data.cells ?? [];
  return { eventId: row.id, worksheetId: row.aggregateId, cells, actorId: row.actorId, at: row.occurredAt };
}

export class CellsEventService {
  constructor(private readonly ctx: OfficeContext) {}

  private where(tenantId: string) {
    return { tenantId, aggregateType: 'Worksheet', type: CELLS_CHANGED };
  }

  async get(eventId: string): Promise<CellsChangedView | null> {
    const tenantId = authorize(this.ctx.caller, 'office:read');
    if (!isUuid(eventId)) return null;
    const row = await this.ctx.db.outboxEvent.findFirst({ where: { ...this.where(tenantId), id: eventId }, include: { cellChangeSet: true } });
    return row ? view(row) : null;
  }

  /** Events of the same worksheet as `eventId`, after it, in commit order; an unknown id is BAD_USER_INPUT. */
  async after(eventId: string, first: number | null | undefined): Promise<CellsChangedView[]> {
    const tenantId = authorize(this.ctx.caller, 'office:read');
    const take = first ?? 100;
    if (!Number.isInteger(take) || take < 1 || take > 500) throw badInput('first must be between 1 and 500', 'first');
    const from = isUuid(eventId) ? await this.ctx.db.outboxEvent.findFirst({ where: { ...this.where(tenantId), id: eventId } }) : null;
    if (!from) throw badInput(UNKNOWN_EVENT_ID, 'eventId');
    const rows = await this.ctx.db.outboxEvent.findMany({
      where: { ...this.where(tenantId), aggregateId: from.aggregateId, seq: { gt: from.seq } }, orderBy: { seq: 'asc' }, take, include: { cellChangeSet: true },
    });
    return rows.map(view);
  }
}
